"""The token normal form that vocabulary patterns and cue patterns are matched on (`Token.norm_`).

People type "Crohn\u2019s", "crohns", "CROHN'S" and "parkinsons"; the YAML lists one spelling. Instead
of listing every variant, aliases and messages are tokenized by the same tokenizer and every token
gets the same normal form: lower case, straight apostrophes, no apostrophe inside a word, no
plural "s", SMS shorthand spelled out. Because both sides go through `norm`, the rules only need
to be consistent, not linguistically exact ("diabetes" and "diabete" are the same key).

The shorthand below is also added to the tokenizer as special cases, so "w/o" and "dx'd" stay one
token whatever the punctuation rules would do with them.
"""

from __future__ import annotations

from bot.nlp.vocab import fold

# SMS and medical shorthand: one token each, with the word it stands for.
SHORTHAND: dict[str, str] = {
    "w/": "with",
    "w/o": "without",
    "b/c": "because",
    "dx'd": "diagnosed",
    "dxd": "diagnosed",
    "dx": "diagnosis",
    "tx": "treatment",
    "rx": "prescription",
    "hx": "history",
    "f/u": "follow-up",
    "s/p": "after",
    "dr": "doctor",
    "dr.": "doctor",
    "drs": "doctors",
    "1st": "first",
    "2nd": "second",
    "3rd": "third",
    "4th": "fourth",
    "n't": "not",
    "nt": "not",
}
# Words whose final "s" is not a plural: left alone so they do not collide with other words.
_KEEP_FINAL_S = ("ss", "us", "is", "'s", "ous")


def norm(text: str) -> str:
    """The normal form of one token's text (see the module docstring)."""
    lowered = fold(text).lower()
    if lowered in SHORTHAND:
        return SHORTHAND[lowered]
    if lowered in ("'s", "s'", "'"):
        return "'s"
    lowered = lowered.replace("'", "") or lowered
    if len(lowered) > 3 and lowered.endswith("s") and not lowered.endswith(_KEEP_FINAL_S):
        return lowered[:-1]
    return lowered
