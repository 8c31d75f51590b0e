"""What may identify a person in an export, and what happens to it outside the hashed columns.

`treatment(column)` is the one rule: a column named like a requester, submitter, assignee,
creator, owner, reporter, contact, e-mail, phone, external id, domain, organisation, name, handle,
account, address or URL is hashed;
ticket text (subject, description, summary, comments) is dropped. A rejected row's raw record,
a parse error, a log line and a `.error.txt` file all go through this module, so no such value
leaves the load in clear. Hashes are HMAC-SHA256 with the warehouse's secret key: without the key
a known id cannot be hashed to find its rows (a plain SHA-256 of key + id could be, given the key
default; HMAC also resists length extension).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from binascii import hexlify
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

import pyarrow as pa

from core.config import DEV_HASH_KEY, Config
from core.errors import InputError
from pipelines.arrow_strings import fixed_width_array

HASH, DROP = "hash", "drop"
# matched against the column name in lower case with everything but letters and digits removed
# A person's name or handle can sit under any "... name" / "... account" header (Freshdesk's "Full
# name", a T&S form's "Reported account"); a few that do not ("Group name") are hashed too, which
# costs only the readability of a rejected row's record.
_PERSONAL = ("requester", "submitter", "assignee", "creator", "createdby", "lastmodifiedby", "owner",
             "reporter", "contact", "email", "mail", "phone", "externalid", "domain", "organization",
             "organisation", "supplied", "agent", "watcher", "user", "name", "handle", "account",
             "address", "url")
_TEXT = ("subject", "description", "summary", "comment", "body")
_BLOCK = 64                     # SHA-256 block size, for HMAC's padded keys


class DevelopmentKeyRefused(InputError):
    """The warehouse would be keyed with the public development key."""


def _squash(column: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(column).lower())


def treatment(column: str, reporter: Iterable[str] = (), text: Iterable[str] = ()) -> str | None:
    """HASH, DROP or None (kept) for one column; `reporter` and `text` are the columns a mapping
    says hold reporter ids and ticket text, whatever they are called."""
    name = _squash(column)
    if column in set(text) or any(word in name for word in _TEXT):
        return DROP
    if column in set(reporter) or any(word in name for word in _PERSONAL):
        return HASH
    return None


@dataclass(frozen=True)
class RecordColumns:
    kept: list[str]          # the file's columns that go into a rejected row's record
    hashed: list[str]        # of those, the ones whose values are hashed


def record_columns(header: list[str], reporter: Iterable[str] = (), text: Iterable[str] = ()) -> RecordColumns:
    reporter, text = list(reporter), list(text)
    rules = {c: treatment(c, reporter, text) for c in header}
    kept = [c for c in header if rules[c] != DROP]
    return RecordColumns(kept, [c for c in kept if rules[c] == HASH])


# ---- HMAC-SHA256, in Python and in DuckDB SQL -----------------------------------------------

def hmac_hex(key: str, value: str) -> str:
    return hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def hmac_vector_function(key: str) -> Callable[[pa.Array | pa.ChunkedArray], pa.Array]:
    """An arrow function for DuckDB: texts in, their HMAC-SHA256 hex out (NULL stays NULL), the
    same values as the SQL HMAC the loader used before (tests/test_sql_functions.py). Python's
    OpenSSL SHA-256 from the padded keys' saved states costs half what two SHA-256 and a hex round
    trip per row cost in SQL (benchmarks/README.md, ingest), even one thread at a time."""
    inner, outer = (hashlib.sha256(pad) for pad in hmac_pads(key))

    def hmac_hexes(values: pa.Array | pa.ChunkedArray) -> pa.Array:
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        digests = []
        for value in values.to_pylist():
            if value is not None:
                digest = inner.copy()
                digest.update(value.encode("utf-8"))
                outer_digest = outer.copy()
                outer_digest.update(digest.digest())
                digests.append(outer_digest.digest())
        # One hex conversion per vector, and offsets that are multiples of 64, instead of a hex
        # string and a length per row: a tenth of this function's time (benchmarks/README.md).
        valid = values.is_valid().to_numpy(zero_copy_only=False) if values.null_count else None
        return fixed_width_array(hexlify(b"".join(digests)), 2 * hashlib.sha256().digest_size, valid)

    return hmac_hexes


def hmac_pads(key: str) -> tuple[bytes, bytes]:
    """(inner, outer) padded keys: HMAC(k, m) = H(outer || H(inner || m)) (RFC 2104)."""
    raw = key.encode("utf-8")
    raw = hashlib.sha256(raw).digest() if len(raw) > _BLOCK else raw
    raw = raw.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in raw), bytes(b ^ 0x5C for b in raw)


def record_json(columns: RecordColumns, ref: Callable[[str], str], bind: Callable[[object], str],
                hash_function: str) -> str:
    """SQL for a rejected row's raw record as a JSON object: personal cells hashed, text left out.
    `ref(col)` reads a column, `bind` makes a parameter, `hash_function` is the SQL name of
    `hmac_vector_function` (pipelines/sql_functions.py registers it for the load)."""
    parts = []
    for col in columns.kept:
        value = ref(col)
        if col in columns.hashed:
            value = f"CASE WHEN trim({value}) <> '' THEN {hash_function}(lower(trim({value}))) END"
        parts.append(f"{bind(col)}, {value}")
    return f"CAST(json_object({', '.join(parts)}) AS VARCHAR)" if parts else "NULL"


# ---- Python-side records, unsplittable lines, headers in messages ---------------------------

def scrub_record(record: Mapping[str, object], key: str) -> dict:
    """A record (column -> value) with personal values hashed and ticket text left out."""
    out = {}
    for col, value in record.items():
        rule = treatment(col)
        if rule == DROP:
            continue
        if rule == HASH and value not in (None, ""):
            value = hmac_hex(key, str(value).strip().lower())
        out[col] = value
    return out


def withheld_line(line: str) -> str:
    """A line the parser could not split: its cells cannot be matched to columns, so none of them
    can be told apart as personal; only its size is kept (the line number points into the file)."""
    return f"<{len(line)} characters withheld: the record could not be split into columns>"


def shown_columns(header: list[str], known: Iterable[str] = (), limit: int = 30, header_line: int = 1) -> str:
    """Column names for an error message or a log. Names a mapping knows are shown; others are
    counted only: in a file without a header row the 'names' are the first ticket's values."""
    known = {k.lower() for k in known}
    shown = [repr(h) for h in header if h.lower() in known][:limit]
    hidden = len(header) - len(shown)
    text = ", ".join(shown) or "none that a mapping knows"
    if hidden:
        text += (f" and {hidden} other column(s) whose names are not shown (a file without a header row "
                 f"would put a person's data there; look at line {header_line} of the file)")
    return text


# ---- the key -------------------------------------------------------------------------------

def require_real_key(config: Config) -> None:
    """Loading with the public development key would let anyone re-identify reporters."""
    if config.hash_key == DEV_HASH_KEY:
        raise DevelopmentKeyRefused(
            "the reporter hash key is the built-in development key, which is public: anyone could "
            "hash a known requester id and find its tickets. Set a secret first, e.g.\n"
            "  python -c 'import secrets; print(secrets.token_urlsafe(32))' > hash.key && chmod 600 hash.key\n"
            "and in the config: [privacy] hash_key_file = \"hash.key\" (or SAFETYOPS_HASH_KEY). "
            "scripts/quickstart.sh does this for you.")
