"""The records form's answers read from what a person wrote: which records, format, delivery, names.

People answer the letter's questions on a phone ("scans and path", "a cd pls", "email me at
jane@x.org", "st marys in tucson"); these readers turn that into the letter's fields. The
questions and the letter are `bot.logic.records` and `bot.logic.letters`.
"""

from __future__ import annotations

import re

from bot.logic import letters, records
from bot.understanding.replies import CARRY_ON_INTENTS, says_not_sure

_SKIP_WORDS = re.compile(r"^\s*(skip|pass|leave (it )?blank|later|rather not( say)?|n/?a)\s*[.!]*\s*$", re.I)
_ALL_DATES = re.compile(r"(all|all dates|everything|any|all of it)[.!]?", re.I)
_WORD_START = re.compile(r"(^|[-/(])([a-z])")
# Each pattern is removed from the text once matched, so "operative notes" is not also counted
# as visit notes, and "the treatment plan" not as anything else.
_RECORD_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "operative_notes",
        r"\b(?:operative|op|surgical|surgery|operation|procedure)\s+(?:notes?|reports?)\b"
        r"|\bop\s*notes?\b|\boperative\b",
    ),
    ("discharge_summaries", r"\bdischarge\w*(?:\s+(?:summar(?:y|ies)|papers?|notes?))?"),
    ("treatment_plan", r"\b(?:treatment|care|surgical|proposed)\s+plans?\b|\bplan\s+of\s+care\b|\bplans?\b"),
    (
        "pathology",
        r"\bpatholog\w*|\bbiops\w*|\bslides?\b|\b(?:tissue\s+)?blocks?\b|\bhistolog\w*|\bcytolog\w*",
    ),
    (
        "imaging",
        r"\bimag\w*|\bscans?\b|\bx-?rays?\b|\bmri\w*|\bct\b|\bcat\s+scans?\b|\bpet\b|\bultrasounds?\b"
        r"|\bmammogra\w*|\bradiolog\w*|\bfilms?\b|\bpictures?\b|\bdicom\b|\bechos?\b",
    ),
    (
        "labs",
        r"\blabs?\b|\blaborator\w*|\bblood\s*(?:work|tests?|results?)|\btest\s+results?\b"
        r"|\btumou?r\s+markers?\b|\bgenetic\s+tests?\b|\bbiomarkers?\b|\btests?\b",
    ),
    (
        "medications",
        r"\bmed(?:s|ication\w*|icines?)\b|\bdrugs?\b|\bprescriptions?\b|\bsupplements?\b|\bpills?\b",
    ),
    ("billing", r"\bbill\w*|\binvoices?\b|\bclaims?\b|\bitemi[sz]ed\b|\bcharges\b"),
    (
        "visit_notes",
        r"\bvisits?\b|\boffice\b|\bclinic\w*|\bprogress\b|\bconsult\w*|\bnotes?\b|\bchart\b|\bhistory\b",
    ),
)
# Every record type: "all of them", "everything", "my whole chart".
_EVERYTHING = re.compile(
    r"\b(?:all\s+of\s+(?:them|it|those|these|the\s+above|my\s+records|the\s+records)|everything"
    r"|every\s*thing|(?:whole|entire|complete|full)\s+(?:medical\s+)?(?:records?|chart|file)"
    r"|all\s+(?:my\s+|the\s+)?(?:medical\s+)?records|all\s+types)\b"
)
# The formats a copy can come in, with the words that name them (the first named wins).
_FORMATS = (
    ("disc", r"\bcds?\b|\bdiscs?\b|\bdisks?\b|\bdvds?\b|\busb\b|\bthumb\s*drive|\bflash\s*drive|\bmemory\s+stick"),
    ("paper", r"\bpaper\b|\bprint\w*|\bhard\s*cop(?:y|ies)|\bphysical\s+cop(?:y|ies)"),
    (
        "electronic",
        r"\belectronic\w*|\be-?mail\w*|\bpdfs?\b|\bportal\b|\bmychart\b|\bdigital\w*|\bonline\b|"
        r"\bsoft\s*cop(?:y|ies)|\bsecure\s+link|\bdownload\w*|\bfile\s+transfer",
    ),
)
# Delivery (`parse_delivery`) by e-mail, to this address.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Delivery through the patient portal.
_PORTAL = re.compile(r"\bportal\b|\bmychart\b|\bonline\b", re.IGNORECASE)
# Delivery by picking them up in person.
_PICK_UP = re.compile(
    r"\bpick\s*(?:them\s+|it\s+)?up\b|\bpickup\b|\bcollect\b|\bin\s+person\b|\bcome\s+(?:in|by)\b",
    re.IGNORECASE,
)
# Delivery by e-mail, with no address given.
_EMAIL_WORD = re.compile(r"\be-?mail", re.IGNORECASE)
# Delivery by fax, maybe with its number.
_FAX = re.compile(r"\bfax\w*\b[^\d(+]*(?P<number>[\d()+][\d()\s.+-]{6,}\d)?", re.IGNORECASE)
# Delivery by mail: the words up to where the address starts.
_MAIL = re.compile(
    r"\b(?:(?:snail|postal)\s+)?(?:mail(?:ed)?|post|send|sent)\b"
    r"(?:\s+(?:it|them|the\s+records|copies|me|by|via|mail|post|to|at|home|"
    r"my\s+(?:home|house)(?:\s+address)?))*\s*[:,-]?\s*",
    re.IGNORECASE,
)


def parse_record_types(text: str) -> list[str]:
    """Record codes named in a reply ("pathology and slides, imaging", "scans", "meds").

    Returned in `letters.RECORD_TYPES` order without repeats. "All of them" / "everything" means every
    type; a reply like "all my labs" names labs only.
    """
    lowered = text.lower()
    found: set[str] = set()
    remaining = lowered
    for code, pattern in _RECORD_PATTERNS:
        remaining, count = re.subn(pattern, " ", remaining)
        if count:
            found.add(code)
    if _EVERYTHING.search(lowered) or (not found and re.search(r"\ball\b", lowered)):
        return list(letters.RECORD_TYPES)
    return [code for code in letters.RECORD_TYPES if code in found]


def parse_format(text: str) -> str | None:
    """ "electronic", "paper" or "disc" from a reply, or None when none is named.

    When several are named, the first one mentioned wins ("a cd, or email if not").
    """
    earliest: tuple[int, str] | None = None
    for code, pattern in _FORMATS:
        match = re.search(pattern, text, re.IGNORECASE)
        if match and (earliest is None or match.start() < earliest[0]):
            earliest = (match.start(), code)
    return earliest[1] if earliest else None


def parse_delivery(text: str) -> str:
    """A readable delivery instruction for the letter ("By email to jane.doe@example.com").

    Recognises email addresses, the patient portal, picking up in person, fax and mail; anything
    else is kept in the person's own words, since an unusual instruction is still their choice. A
    missing address becomes a blank line to fill in by hand.
    """
    words = " ".join(text.split()).strip(" .")
    if not words:
        return ""
    email = _EMAIL.search(words)
    if email:
        return f"By email to {email.group(0)}"
    if _EMAIL_WORD.search(words):
        return f"By email to {letters.BLANK}"
    if _PORTAL.search(words):
        return "Through the patient portal"
    if _PICK_UP.search(words):
        return "I will pick them up in person"
    fax = _FAX.search(words)
    if fax:
        return f"By fax to {fax.group('number').strip() if fax.group('number') else letters.BLANK}"
    mail = _MAIL.search(words)
    if mail and re.search(r"\b(?:mail(?:ed)?|post|postal)\b", words, re.IGNORECASE):
        rest = words[mail.end() :].strip(" ,.")
        address = rest if re.search(r"\d", rest) else letters.BLANK
        return f"By mail to {address}"
    return words[0].upper() + words[1:]


def is_not_sure(text: str, intent: str | None) -> bool:
    """A short "idk" or "no clue"; a longer reply is an answer even when it mentions not knowing
    ("not sure of the name, but it's Mercy General on 5th St"), whatever the classifier says."""
    return len(text.split()) <= 6 and (intent == "not_sure" or says_not_sure(text))


def parse(slot: str, text: str, intent: str | None = None) -> object | None:
    """Turn a reply into the slot's value; None when it is not an answer to the question."""
    cleaned = text.strip()
    if not cleaned or cleaned.startswith("/"):
        return None
    if slot in ("patient_name", "date_of_birth") and _SKIP_WORDS.match(cleaned):
        return records.SKIP
    if is_not_sure(cleaned, intent):
        return records.WHEN_NOT_SURE[slot]
    if slot == "record_types":
        return parse_record_types(cleaned) or None
    if slot == "record_format":
        return parse_format(cleaned) or cleaned
    if slot == "delivery":
        return parse_delivery(cleaned)
    if slot == "date_range" and _ALL_DATES.fullmatch(cleaned):
        return "All dates"
    if len(cleaned) < 2 or _carries_on(cleaned, intent):
        return None
    return name_case(cleaned) if slot in ("provider", "patient_name") else cleaned


def _carries_on(text: str, intent: str | None) -> bool:
    """A short "ok", "yes" or "go on": it asks for the question, it is not a clinic or a name."""
    return intent in CARRY_ON_INTENTS and len(text.split()) <= 3


_LOWER_IN_NAMES = frozenset("a an and at by de del der for in la le of on the to van von y".split())
# Health-care names people type in lower case that are written in capitals.
_ACRONYMS = frozenset(
    """ucsf ucla ucsd uci ucd uchicago nyu msk mskcc va upmc ohsu unc musc uab utsw uw md mgh
    cchmc chop hss nih nci er icu ent ob gyn obgyn""".split()
)


def name_case(text: str) -> str:
    """ "st marys hospital in tucson" -> "St Marys Hospital in Tucson": names typed on a phone.

    The letter goes to a records office; a name all in lower case looks careless there. Anything
    with a capital letter is left exactly as typed ("UCSF", "McKesson", "dr. Lee").
    """
    if any(char.isupper() for char in text):
        return text
    return " ".join(_name_word(word, first=index == 0) for index, word in enumerate(text.split(" ")))


def _name_word(word: str, *, first: bool) -> str:
    bare = word.strip(".,()")
    if bare in _ACRONYMS:
        return word.replace(bare, bare.upper())
    if not first and word in _LOWER_IN_NAMES:
        return word
    return _WORD_START.sub(_upper, word)


def _upper(match: re.Match[str]) -> str:
    return match.group(1) + match.group(2).upper()
