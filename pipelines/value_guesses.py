"""The draft's guess of a raw value's canonical one (status, priority, channel, CSAT, flags and
abuse category), from the words exports and trust & safety queues use; None where it cannot tell
(the draft then writes a TODO)."""
from __future__ import annotations

import re

from core.number_formats import is_missing_value
from pipelines import local_words
from pipelines.canonical_fields import FALSE_WORDS, TRUE_WORDS

# A cell that says "no value" ("-", "N/A", "None"): the value a blank cell gets, where there is one
# (status has none: the user decides).
_MISSING_MEANS = {"priority": "normal", "channel": "other", "abuse_category": "other", "csat": ""}


def guess_value(name: str, raw: str, taxonomy: tuple[str, ...]) -> str | None:
    guess = _english_guess(name, raw, taxonomy)
    if guess is None and name in local_words.VALUES:
        guess = _first_match(local_words.fold(raw.strip()), local_words.VALUES[name])
    return guess


def _english_guess(name: str, raw: str, taxonomy: tuple[str, ...]) -> str | None:
    v = raw.strip().lower()
    if is_missing_value(v) and name in _MISSING_MEANS:
        return _MISSING_MEANS[name] if name != "abuse_category" or "other" in taxonomy else None
    if name == "status":
        return _first_match(v, (("unresolved", "open"), ("unsolved", "open"), ("not resolved", "open"),
                                ("closed", "closed"), ("close", "closed"), ("resolved", "solved"), ("solved", "solved"),
                                ("done", "solved"), ("complete", "solved"), ("cancel", "closed"), ("hold", "on_hold"),
                                ("snooze", "on_hold"), ("pending", "pending"), ("waiting", "pending"), ("new", "new"), ("progress", "open"),
                                ("open", "open"), ("working", "open"), ("escalat", "open"), ("assigned", "open"),
                                ("active", "open")))
    if name == "priority":
        return _first_match(v, (("urgent", "urgent"), ("critical", "urgent"), ("highest", "urgent"), ("p1", "urgent"),
                                ("blocker", "urgent"), ("major", "high"), ("trivial", "low"),
                                ("high", "high"), ("p2", "high"), ("medium", "normal"), ("normal", "normal"),
                                ("moderate", "normal"), ("p3", "normal"), ("lowest", "low"), ("low", "low"),
                                ("p4", "low"), ("planning", "low"), ("minor", "low")))
    if name == "channel":
        return _first_match(v, (("postal", "other"), ("fax", "other"), ("referral", "other"), ("e-mail", "email"),
                                ("email", "email"), ("mail", "email"), ("web", "web"), ("portal", "web"),
                                ("self-service", "web"), ("self service", "web"), ("walk-in", "other"),
                                ("form", "web"), ("phone", "phone"), ("voice", "phone"), ("call", "phone"),
                                ("chat", "chat"), ("messag", "chat"), ("messeng", "chat"), ("api", "api"),
                                ("mobile", "app"),
                                ("whatsapp", "chat"), ("twitter dm", "chat"), ("direct", "chat"),
                                ("sms", "phone"), ("twitter", "other"), ("facebook", "other"), ("instagram", "other"),
                                ("social", "other"), ("sharing", "other"), ("automation", "other"),
                                ("app", "app")))
    if name == "csat":
        # Negations first: Help Scout's "Not Good" is the worst of its three (Great, Okay, Not Good).
        return _first_match(v, (("unoffered", ""), ("not offered", ""), ("offered", ""), ("n/a", ""),
                                ("not good", "1"), ("not satisf", "1"), ("not happy", "1"), ("unhappy", "1"),
                                ("dissatisfied", "1"), ("unsatisfied", "1"), ("bad", "1"), ("negative", "1"),
                                ("poor", "1"), ("terrible", "1"), ("awful", "1"), ("okay", "3"), ("neutral", "3"),
                                ("satisfied", "5"), ("good", "5"), ("great", "5"), ("excellent", "5"),
                                ("positive", "5"), ("happy", "5")))
    if name in ("escalated", "high_profile"):
        return "true" if v in TRUE_WORDS else "false" if v in FALSE_WORDS else None
    if name == "abuse_category":
        key = _taxonomy_key(v)
        if key in taxonomy:
            return key
        folded = local_words.fold(v)
        guess = next((canonical for stem, canonical in ABUSE_WORDS + local_words.ABUSE_WORDS
                      if re.search(rf"\b{re.escape(stem)}", folded)), None)
        return guess if guess in taxonomy else None
    return None


# What trust & safety queues call the default taxonomy's categories, as word beginnings (a guess the user
# checks). Order matters: "child" before "sexual", "extremis" before "violen".
ABUSE_WORDS = (
    ("dox", "private_information"), ("private info", "private_information"), ("personal info", "private_information"),
    ("pii", "private_information"), ("hate", "hateful_conduct"), ("slur", "hateful_conduct"),
    ("csam", "child_safety"), ("csae", "child_safety"), ("child", "child_safety"), ("minor", "child_safety"),
    ("extremis", "violent_extremism"), ("terror", "violent_extremism"), ("threat", "violent_threats"),
    ("violen", "violent_threats"), ("harass", "harassment"), ("bully", "harassment"), ("stalk", "harassment"),
    ("suicid", "self_harm"), ("self harm", "self_harm"), ("self-harm", "self_harm"), ("eating disorder", "self_harm"),
    ("imperson", "impersonation"), ("fake account", "impersonation"), ("catfish", "impersonation"),
    ("nudity", "sensitive_media"), ("sexual", "sensitive_media"), ("porn", "sensitive_media"), ("gore", "sensitive_media"),
    ("graphic", "sensitive_media"), ("spam", "spam"), ("phish", "spam"), ("scam", "spam"),
)


def guess_reason(name: str, raw: str, guess: str) -> str:
    """What a guess that is not the value itself rests on."""
    if is_missing_value(raw):
        return "; it marks no value: what a blank cell gets"
    if name == "abuse_category" and _taxonomy_key(raw) != guess:
        return "; guessed from its words: check"
    return ""


def _taxonomy_key(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.strip().lower()).strip("_")


# Needles that are a word of their own, not the start of one: "Appeal" is no app, "rapid" no API.
_WHOLE_WORDS = {needle: re.compile(rf"\b{needle}\b") for needle in ("app", "api")}


def _first_match(value: str, rules: tuple[tuple[str, str], ...]) -> str | None:
    for needle, canonical in rules:
        whole = _WHOLE_WORDS.get(needle)
        if whole.search(value) if whole is not None else needle in value:
            return canonical
    return None
