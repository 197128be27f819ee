"""Does the message say what an intent needs it to say? Hand-offs and tasks only when it does.

Why: a complaint, a bill or an insurance denial pages a human advocate, and saving a question
writes to the person's list. The classifier sometimes picks those intents for messages that say
nothing of the kind ("how long does prednisone stay in your system?" read as a complaint about
care), because a long health question shares words with the complaints it was trained on. The
brief: a complaint or a billing problem is handled by a person when the person says they have
one. So each of these intents names the words that must be there; the intent holds
(`bot/rasa_ext/safety_override.py`) drop a reading whose words are missing.

The lists are wide on purpose (many ways to complain); they only stop readings with none of them.
"""

from __future__ import annotations

import re

_NEEDS: dict[str, str] = {
    "care_complaint": (
        r"complain|complaint|rude|disrespect|mistreat|neglect|ignor|dismiss|brushed\s+(?:me\s+)?off|mistake|error"
        r"|wrong\s+(?:drug|dose|medication|medicine|side|leg|arm|patient|diagnosis)|misdiagnos|botch|malpractice"
        r"|negligen|unsafe|unprofessional|grievance|report\b|poor\s+(?:care|treatment|service)|file\s+a|treated\s+(?:me|him|her|us)"
        r"|how\s+(?:they|she|he)\s+treated|never\s+(?:called|came|showed|listened|explained)|nobody\s+(?:came|listened|told)"
        r"|no\s+one\s+(?:came|listened|told|explained)|kept\s+(?:me|us|him|her)\s+waiting|left\s+(?:me|him|her|us)"
        r"|lost\s+(?:my|his|her)|hurt\s+(?:me|him|her)|yelled|screamed|laughed\s+at|awful|terrible|horrible|furious"
        r"|angry|upset|outraged|unacceptable|disgust|appalled|bad\s+care|poor\s+care|the\s+way\s+(?:they|she|he)"
    ),
    "billing_dispute": (
        r"bill|charg|invoice|statement|owe|collection|payment|paid|pay\b|overcharg|refund|\$|cost|price|fee|balance"
        r"|eob|explanation\s+of\s+benefits|out\s+of\s+network|in\s+network|deductible|copay|co-pay"
    ),
    "insurance_denial": (
        r"insur|denied|deny|denies|denial|claim|appeal|prior\s+auth|pre-?auth|authori[sz]ation|coverage|cover"
        r"|not\s+covered|reject|refus|medicare|medicaid|aetna|cigna|humana|united|blue\s+cross|kaiser|health\s+plan"
    ),
    "add_question": (
        r"save|add|note|write|jot|remember|list|keep\s+(?:track|this|that|these)|put\s+(?:it|this|that|these|them)"
        r"|store|record\s+(?:this|that|these)|notebook|bring\s+up|ask\s+(?:them|him|her|my|the)|for\s+(?:my|the)\s+"
        r"(?:appointment|visit|doctor|oncologist|surgeon)|question\s+for"
    ),
}
_COMPILED = {intent: re.compile(rf"(?<!\w)(?:{words})", re.IGNORECASE) for intent, words in _NEEDS.items()}

CHECKED_INTENTS = frozenset(_NEEDS)

# A complaint said in so many words: "I want to report the nurse", "file a grievance".
_COMPLAINS = re.compile(
    r"\b(?:complain\w*|grievance|malpractice|mistreat\w*|negligen\w*|file\s+a\s+(?:complaint|report)"
    r"|report\s+(?:poor|bad|terrible|unsafe|a|the|my|this|that|him|her)\s+(?:\w+\s+){0,2}?(?:care|treatment|doctor|nurse"
    r"|surgeon|hospital|clinic|staff|behaviou?r))\b",
    re.IGNORECASE,
)


def says_so(intent: str, text: str) -> bool:
    """Whether `text` has the words `intent` needs; an intent this module does not check always has."""
    pattern = _COMPILED.get(intent)
    return pattern is None or bool(pattern.search(text.replace("\u2019", "'")))


def complains(text: str) -> bool:
    """Whether the message says it is a complaint about care (a hand-off, whatever the guess)."""
    return bool(_COMPLAINS.search(text.replace("\u2019", "'")))
