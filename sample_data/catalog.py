"""The simulated world: regions, languages, vendors, categories, queues and their display values.

Everything here is a fixed table so the simulation and every writer agree on codes. Arrays are
indexed by the integer codes the simulation produces (region code 0 = REGIONS[0], ...).
"""
from __future__ import annotations

import numpy as np

# --- regions: code, IANA zone, share of overall volume --------------------------------------
REGIONS = ("US", "BR", "IN", "ID", "MX", "GB", "DE", "JP", "FR", "TR")
REGION_ZONES = {
    "BR": "America/Sao_Paulo", "US": "America/New_York", "IN": "Asia/Kolkata",
    "DE": "Europe/Berlin", "GB": "Europe/London", "JP": "Asia/Tokyo",
    "MX": "America/Mexico_City", "ID": "Asia/Jakarta", "FR": "Europe/Paris",
    "TR": "Europe/Istanbul",
}
REGION_SHARE = np.array([0.22, 0.16, 0.15, 0.09, 0.08, 0.07, 0.07, 0.06, 0.05, 0.05])

# --- languages (ISO 639-1) and each region's weights over them ---------------------------------
LANGUAGES = ("en", "pt", "es", "hi", "ta", "bn", "te", "mr", "id", "jv", "de", "tr", "ja",
             "fr", "ar", "pl", "ko", "zh")
_REGION_LANGUAGES = {
    "US": {"en": 0.80, "es": 0.14, "zh": 0.03, "ko": 0.02, "ar": 0.01},
    "BR": {"pt": 0.93, "en": 0.04, "es": 0.03},
    "IN": {"en": 0.42, "hi": 0.34, "bn": 0.07, "ta": 0.07, "te": 0.06, "mr": 0.04},
    "ID": {"id": 0.86, "jv": 0.08, "en": 0.06},
    "MX": {"es": 0.95, "en": 0.05},
    "GB": {"en": 0.91, "pl": 0.04, "ar": 0.03, "fr": 0.02},
    "DE": {"de": 0.86, "tr": 0.06, "en": 0.05, "pl": 0.03},
    "JP": {"ja": 0.95, "en": 0.04, "ko": 0.01},
    "FR": {"fr": 0.89, "ar": 0.07, "en": 0.04},
    "TR": {"tr": 0.91, "ar": 0.05, "en": 0.04},
}

# --- vendors: canonical value, display value, speed and quality --------------------------------
VENDORS = ("Northwind Support", "Bluepeak BPO", "Kestrel CX", "Harbor Ops", "Lumen Partners",
           "in_house")
VENDOR_DISPLAY = ("Northwind Support", "Bluepeak BPO", "Kestrel CX", "Harbor Ops",
                  "Lumen Partners", "In-house")
VENDOR_SLUG = ("nw", "bp", "kc", "ho", "lp", "ih")
# first response of a normal-priority ticket: lognormal median (minutes) and sigma
VENDOR_FRT_MEDIAN_MINUTES = np.array([300.0, 520.0, 170.0, 760.0, 410.0, 140.0])
VENDOR_FRT_SIGMA = np.array([0.95, 1.15, 0.85, 1.25, 1.0, 0.8])
VENDOR_TTR_FACTOR = np.array([1.0, 1.35, 0.8, 1.6, 1.1, 0.9])
VENDOR_QA_MEAN = np.array([84.0, 76.0, 88.0, 71.0, 80.0, 91.0])
VENDOR_CSAT_SHIFT = np.array([0.0, -0.35, 0.2, -0.5, -0.1, 0.3])
VENDOR_REOPEN_P = np.array([0.07, 0.11, 0.05, 0.13, 0.08, 0.04])
VENDOR_AGENTS = np.array([60, 70, 45, 50, 40, 30])
_REGION_VENDORS = {
    "US": {"Northwind Support": 0.45, "Kestrel CX": 0.30, "in_house": 0.25},
    "BR": {"Bluepeak BPO": 0.55, "Northwind Support": 0.30, "in_house": 0.15},
    "IN": {"Harbor Ops": 0.50, "Lumen Partners": 0.35, "in_house": 0.15},
    "ID": {"Harbor Ops": 0.60, "Lumen Partners": 0.40},
    "MX": {"Bluepeak BPO": 0.60, "Kestrel CX": 0.40},
    "GB": {"Kestrel CX": 0.50, "Northwind Support": 0.30, "in_house": 0.20},
    "DE": {"Lumen Partners": 0.55, "Kestrel CX": 0.30, "in_house": 0.15},
    "JP": {"Lumen Partners": 0.70, "in_house": 0.30},
    "FR": {"Lumen Partners": 0.50, "Northwind Support": 0.50},
    "TR": {"Harbor Ops": 0.55, "Bluepeak BPO": 0.45},
}

# --- abuse categories: canonical, Zendesk/Jira display, Salesforce API value -------------------
CATEGORIES = ("hateful_conduct", "violent_threats", "harassment", "child_safety",
              "private_information", "sensitive_media", "self_harm", "impersonation", "spam",
              "violent_extremism", "other")
OTHER = CATEGORIES.index("other")
CATEGORY_DISPLAY = ("Hateful conduct", "Violent threats", "Harassment", "Child safety",
                    "Private information", "Sensitive media", "Self-harm", "Impersonation",
                    "Spam", "Violent extremism", "Copyright")   # 'other' is a legacy value
CATEGORY_API = ("Hateful_Conduct", "Violent_Threats", "Harassment", "Child_Safety",
                "Private_Information", "Sensitive_Media", "Self_Harm", "Impersonation", "Spam",
                "Violent_Extremism", "Legacy_Other")
CATEGORY_BASE_MIX = np.array([0.11, 0.06, 0.22, 0.03, 0.07, 0.09, 0.04, 0.08, 0.24, 0.02, 0.01])
# P(priority = urgent, high, normal, low) per category
CATEGORY_PRIORITY = np.array([
    [0.03, 0.22, 0.60, 0.15], [0.25, 0.40, 0.30, 0.05], [0.04, 0.25, 0.56, 0.15],
    [0.45, 0.40, 0.15, 0.00], [0.08, 0.35, 0.47, 0.10], [0.05, 0.20, 0.55, 0.20],
    [0.50, 0.35, 0.15, 0.00], [0.02, 0.18, 0.60, 0.20], [0.00, 0.04, 0.46, 0.50],
    [0.35, 0.45, 0.20, 0.00], [0.00, 0.05, 0.60, 0.35],
])
CATEGORY_TTR_MEDIAN_HOURS = np.array([14.0, 9.0, 16.0, 5.0, 12.0, 8.0, 4.0, 20.0, 3.0, 7.0, 30.0])
CATEGORY_ESCALATION_P = np.array([0.05, 0.14, 0.04, 0.30, 0.08, 0.05, 0.22, 0.03, 0.01, 0.25,
                                  0.02])
# the first word of each category's subject lines; some carry commas and quotes on purpose
CATEGORY_SUBJECTS = (
    ("Hateful post about a group", "Report: slurs in replies, several accounts"),
    ("Threat of violence in DMs", "Someone says they will \"find me\""),
    ("Ongoing harassment", "Harassment, pile-on in my mentions"),
    ("Child safety concern", "Possible exploitation, urgent"),
    ("My address was posted", "Doxxing: phone number and address shared"),
    ("Graphic media without warning", "Sensitive video in my feed"),
    ("Worried about a friend", "Self-harm post, please help"),
    ("Account pretending to be me", "Impersonation of our brand, verified badge"),
    ("Spam replies", "Bot accounts posting \"giveaway\" links"),
    ("Extremist propaganda", "Recruitment content, multiple posts"),
    ("Copyright complaint", "Legacy form submission"),
)

# --- queues: each category routes to one queue; escalated tickets go to the escalations queue ---
QUEUES = ("Safety - Harassment", "Safety - Child Safety", "Safety - Self-harm", "Safety - Spam",
          "Safety - Privacy", "Safety - Media", "Safety - Extremism", "Safety - General",
          "Safety - Escalations")
ESCALATIONS_QUEUE = QUEUES.index("Safety - Escalations")
CATEGORY_QUEUE = np.array([0, 0, 0, 1, 4, 5, 2, 3, 3, 6, 7])

# --- priorities --------------------------------------------------------------------------------
PRIORITIES = ("urgent", "high", "normal", "low")
NORMAL = PRIORITIES.index("normal")
PRIORITY_FRT_FACTOR = np.array([0.07, 0.3, 1.0, 2.2])
SLA_FRT_MINUTES = np.array([60, 240, 1440, 4320])   # DESIGN defaults, for Salesforce milestones
PRIORITY_ZENDESK = ("Urgent", "High", "Normal", "Low")
PRIORITY_SALESFORCE = ("Critical", "High", "Medium", "Low")
PRIORITY_JIRA = ("Highest", "High", "Medium", "Low")

# --- channels ----------------------------------------------------------------------------------
CHANNELS = ("web", "app", "email", "api", "phone", "chat")
CHANNEL_WEIGHTS = np.array([0.34, 0.42, 0.12, 0.05, 0.02, 0.05])
CHANNEL_ZENDESK = ("Web form", "Mobile", "Email", "API", "Phone call (incoming)", "Chat")
CHANNEL_SALESFORCE = ("Web", "Mobile App", "Email", "API", "Phone", "Chat")
CHANNEL_JIRA = ("Portal", "Portal", "Email", "API", "Email", "Chat")

# --- statuses ----------------------------------------------------------------------------------
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
NEW, OPEN, PENDING, ON_HOLD, SOLVED, CLOSED = range(6)
STATUS_ZENDESK = ("New", "Open", "Pending", "Hold", "Solved", "Closed")
STATUS_SALESFORCE = ("New", "Working", "Working", "On Hold", "Closed", "Closed")
STATUS_JIRA = ("Open", "Waiting for support", "Waiting for customer", "Waiting for customer",
               "Resolved", "Closed")

# --- local-time seasonality: relative volume by local hour (0..23) and weekday (Mon..Sun) -------
HOURLY_PROFILE = np.array([0.55, 0.38, 0.27, 0.22, 0.22, 0.28, 0.45, 0.70, 0.92, 1.05, 1.10,
                           1.15, 1.20, 1.18, 1.15, 1.15, 1.20, 1.30, 1.42, 1.55, 1.62, 1.55,
                           1.25, 0.85])
HOURLY_PROFILE = HOURLY_PROFILE / HOURLY_PROFILE.mean()
WEEKDAY_PROFILE = np.array([1.05, 0.99, 0.95, 0.94, 0.97, 1.03, 1.08])
WEEKDAY_PROFILE = WEEKDAY_PROFILE / WEEKDAY_PROFILE.mean()

HIGH_PROFILE_PER_MILLE = 20          # ~2% of reporters are verified / high-profile accounts
AUTO_CLOSE_SECONDS = 4 * 86400       # solved tickets close after four quiet days (Zendesk default)


def _weights(table: dict[str, dict[str, float]], values: tuple[str, ...]) -> np.ndarray:
    """Region x value weight matrix, rows normalised to 1, in REGIONS order."""
    out = np.zeros((len(REGIONS), len(values)))
    for r, region in enumerate(REGIONS):
        for value, weight in table[region].items():
            out[r, values.index(value)] = weight
    return out / out.sum(axis=1, keepdims=True)


REGION_LANGUAGE_WEIGHTS = _weights(_REGION_LANGUAGES, LANGUAGES)
REGION_VENDOR_WEIGHTS = _weights(_REGION_VENDORS, VENDORS)
VENDOR_AGENT_OFFSET = np.concatenate([[0], np.cumsum(VENDOR_AGENTS)[:-1]])
N_AGENTS = int(VENDOR_AGENTS.sum())
