"""Phone shorthand spelled out ("surgery nxt wk" -> "surgery next week"), so patterns stay readable.

The assessment's facts reader runs its phrases on the spelled-out text; `straighten` (curly
apostrophes to straight ones, single spaces) is what every answer reader does first.
"""

from __future__ import annotations

import re

# Shorthand people type on a phone, spelled out so the phrases below stay readable.
_SHORTHAND: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"\bw/o\b", "without"),
        (r"\bw/\s*", "with "),
        (r"(?<![/\w])w(?=\s+(?:me|my|him|her|them|us|the|a|an|your)\b)", "with"),
        (r"\bb4\b", "before"),
        (r"\bnxt\b", "next"),
        (r"\bwks\b", "weeks"),
        (r"\bwk\b", "week"),
        (r"(\d)\s*(?:mos|mths|mnths)\b", r"\1 months"),
        (r"(\d)\s*(?:mo|mth|mnth)\b", r"\1 month"),
        (r"\b(?:tmrw|tmr|tmrrw|tomoro|tomorow|tommorow|tommorrow|2moro|2morrow)\b", "tomorrow"),
        (r"\b2day\b", "today"),
        (r"\b(?:2nite|tonite)\b", "tonight"),
        (r"\b(?:drs\b\.?|docs\b)", "doctors"),
        (r"\b(?:dr\b\.?|doc\b)", "doctor"),
        (r"\bdx'?d\b", "diagnosed"),
        (r"\bdx\b", "diagnosis"),
        (r"\btx\b", "treatment"),
        (r"\bsurg\b", "surgery"),
        (r"\bins[ua]r[ae]n[cs]e\b", "insurance"),
        (r"\bop+[io]n[io]+n(s?)\b", r"opinion\1"),
        (r"\b(gett|feel|start|do)in\b", r"\1ing"),
        (r"\bim\b", "i'm"),
        (r"\bive\b", "i've"),
        (r"\b(do|does|did|is|are|was|were|has|have|had|ca|wo)nt\b", r"\1n't"),
        (r"\btheyre\b", "they're"),
        (r"\bshes\b", "she's"),
        (r"\bhes\b", "he's"),
        (r"\bhw\b", "how"),
        (r"\b(?:wat|wut|wht)\b", "what"),
        (r"\b(?:wen|wn)\b", "when"),
        (r"\babt\b", "about"),
        (r"\btk\b", "take"),
        (r"\b(?:shud|shld)\b", "should"),
        (r"\bcn\b", "can"),
        (r"\bu\b", "you"),
        (r"\bur\b", "your"),
        (r"\br\b", "are"),
    )
)


def straighten(text: str) -> str:
    """Straight apostrophes (also from curly ones) and single spaces, before any pattern reads the text."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split()).strip()


def spell_out(text: str) -> str:
    """Lower case, straight apostrophes, shorthand spelled out ("surgery nxt wk" -> "next week")."""
    text = straighten(text).lower()
    for pattern, replacement in _SHORTHAND:
        text = pattern.sub(replacement, text)
    return text
