"""Numbers in what a person wrote: "2", "#3", "the second one", "1 and 3", "2-4", "all of them".

After a numbered list people answer with numbers in every form a phone keyboard allows, and a
number means "that item" only when the whole reply is a pick: "is stage 2 curable?" is a new
question, "the second opinion" is no number at all. The one table of number words below is shared
by the notebook, the numbered suggestions, the choice policy and SMS buttons.
"""

from __future__ import annotations

import re

from bot.understanding.replies import YES_WORDS

_CARDINALS = {
    word: value
    for value, word in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
        fifteen sixteen seventeen eighteen nineteen twenty""".split()
    )
    if value
}
_ORDINALS = {
    word: value
    for value, word in enumerate(
        """zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
        thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth
        twentieth""".split()
    )
    if value
}
# "1st", "2nd", "3rd", "4th", "20th": digits with an ordinal ending.
_DIGITS = re.compile(r"#?(\d+)(?:st|nd|rd|th)?")
_ORDINAL_DIGITS = re.compile(r"\d+(?:st|nd|rd|th)")
# "that one", "the other one", "remove one" (the button's words): "one" is a pronoun there, not
# question number 1. "remove question one" and "number one" still are.
_NOT_NUMBER_BEFORE_ONE = frozenset(
    """that this the which last other another new any each every no next previous same remove
    delete drop erase cross scratch strike cut take ditch lose""".split()
) | frozenset(_ORDINALS)
# Words that may surround numbers in a pick ("save numbers 1 and 3 please").
_REFERENCE_FILLER = frozenset(
    """and also plus or the a just only save add keep pick choose take want like i i'd d would
    please pls ok okay sure number numbers no nos question questions q qs one ones
    item items those these them both to my list too""".split()
) | frozenset(YES_WORDS)
_RANGE_WORDS = frozenset({"-", "\u2013", "to", "through", "thru", "till", "until"})
_TOKEN = re.compile(r"#?\d+(?:st|nd|rd|th)?|[a-z]+(?:'[a-z]+)?|[-\u2013]")
_ALL = re.compile(
    r"\b(?:all|everything|every\s+(?:single\s+)?(?:one|question)|each\s+(?:one|question)|"
    r"the\s+(?:whole|entire)\s+(?:list|thing|notebook))\b",
    re.IGNORECASE,
)
_NOT_ALL = re.compile(r"\bnot\s+(?:all|everything)\b", re.IGNORECASE)
_ALL_PICK_WORDS = frozenset("all both everything every each single of them".split())
_PICKS_OF_ALL = frozenset({"all", "both", "everything", "every", "each"})

_NUMBER_WORDS = "|".join(sorted([*_CARDINALS, *_ORDINALS], key=len, reverse=True))
# One number inside a longer pattern (the notebook's edit commands): digits, "#3", "3rd", a word.
NUMBER_PATTERN = rf"(?:#\s*)?\d{{1,2}}(?:st|nd|rd|th)?\b|\b(?:{_NUMBER_WORDS})\b"
# "option 2", "number two", "no. 3", "#1": the words people put before a button's number.
_CHOICE_PREFIX = re.compile(r"^(?:option|number|no\.?|choice|#)\s*")
# Button numbers said as words; "1st" to "5th" too, as people write them on a phone.
_CHOICE_WORDS = {
    **{word: value for word, value in _CARDINALS.items() if value <= 10},
    **{word: value for word, value in _ORDINALS.items() if value <= 10},
    **{f"{value}{ending}": value for value, ending in ((1, "st"), (2, "nd"), (3, "rd"), (4, "th"), (5, "th"))},
}


# How many of something, in the words people use for a start date: "2", "a couple of", "a few".
_COUNT_WORDS = {
    **{word: value for word, value in _CARDINALS.items() if value <= 12},
    "a": 1, "an": 1, "couple": 2, "couple of": 2, "a couple": 2, "a couple of": 2, "few": 3, "a few": 3,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "month": 30, "mo": 30, "year": 365, "yr": 365}
# A duration ("2 weeks", "a couple of months", "one yr") inside a longer pattern, with the groups
# `count` and `unit` that `duration_days` reads.
DURATION_PATTERN = (
    r"(?P<count>\d+|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few|an?|one|two|three|four|five"
    r"|six|seven|eight|nine|ten|eleven|twelve)\s*(?P<unit>day|week|wk|month|mo|year|yr)s?\b"
)


def duration_days(duration: re.Match[str]) -> int:
    """The days a `DURATION_PATTERN` match stands for (a month is 30 days, a year 365)."""
    count_text = " ".join(duration.group("count").lower().split())
    count = int(count_text) if count_text.isdigit() else _COUNT_WORDS[count_text]
    return count * _UNIT_DAYS[duration.group("unit").lower()]


def parse_number(text: str) -> int | None:
    """The first number in a message ("2", "#3", "question 2", "the second one").

    Remove and edit commands refer to the numbered list the person has just seen; returning None
    lets the caller ask "which one?" instead of guessing.
    """
    numbers = _numbers_in(text)
    return numbers[0] if numbers else None


def parse_numbers(text: str) -> list[int]:
    """Every number in a message, in order, without repeats ("1 and 3", "1,2", "2-4").

    Callers check `wants_all` first: "all" is not a number, so "delete all" gives [].
    """
    seen: list[int] = []
    for number in _numbers_in(text, expand_ranges=True):
        if number not in seen:
            seen.append(number)
    return seen


def is_number_reference(text: str) -> bool:
    """Whether a reply only picks items by number ("1 and 3", "save #2", "the first and third").

    After a numbered list is shown, "2" means "that one", but a new question such as "is stage 2
    curable?" must be saved as text; this tells the two apart.
    """
    tokens = _TOKEN.findall(text.lower().replace(",", " "))
    leftovers = [
        token
        for index, token in enumerate(tokens)
        if _token_value(token, tokens[index - 1] if index else "", "") is None
        and token not in _REFERENCE_FILLER
        and token not in _RANGE_WORDS
    ]
    return bool(_numbers_in(text)) and not leftovers


def is_pick_of_all(text: str) -> bool:
    """Whether a reply to a numbered offer only says "all of them" ("both", "save them all pls").

    The whole message must be the pick: "delete all my data" or "are all of them free?" are not.
    """
    tokens = _TOKEN.findall(text.lower())
    return (
        bool(tokens)
        and bool(_PICKS_OF_ALL & set(tokens))
        and not _NOT_ALL.search(text)
        and all(token in _ALL_PICK_WORDS or token in _REFERENCE_FILLER for token in tokens)
    )


def wants_all(text: str) -> bool:
    """Whether the message means every item ("all of them", "everything", "the whole list").

    Kept separate from number parsing so that clearing the whole list always goes through the
    caller's confirmation step.
    """
    return bool(_ALL.search(text)) and not _NOT_ALL.search(text)


def choice_number(reply: str) -> int | None:
    """The button number a whole reply names ("2", "#2", "option two", "2nd", "two."), else None.

    Only the whole reply counts: "2 more questions" is words, not the second button.
    """
    answer = reply.strip().lower().rstrip(".!)")
    answer = _CHOICE_PREFIX.sub("", answer).strip()
    return int(answer) if answer.isdigit() else _CHOICE_WORDS.get(answer)


def _numbers_in(text: str, *, expand_ranges: bool = False) -> list[int]:
    """Numbers written as digits, "#3", cardinals or ordinals, skipping "second opinion"."""
    tokens = _TOKEN.findall(text.lower())
    values: list[int | None] = []
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        previous = tokens[index - 1] if index else ""
        values.append(_token_value(token, previous, following))
    numbers: list[int] = []
    index = 0
    while index < len(tokens):
        value = values[index]
        if value is None:
            index += 1
            continue
        ranged = expand_ranges and index + 2 < len(tokens) and tokens[index + 1] in _RANGE_WORDS
        end = values[index + 2] if ranged else None
        if end is not None and value < end <= value + 50:
            numbers.extend(range(value, end + 1))
            index += 3
            continue
        numbers.append(value)
        index += 1
    return numbers


def _token_value(token: str, previous: str, following: str) -> int | None:
    digits = _DIGITS.fullmatch(token)
    if digits:
        value = int(digits.group(1))
        if token[-2:] in {"st", "nd", "rd", "th"} and following in {"opinion", "opinions"}:
            return None
        return value or None
    if token in _ORDINALS:
        return None if following in {"opinion", "opinions"} else _ORDINALS[token]
    if token == "one" and (
        previous in _NOT_NUMBER_BEFORE_ONE or following == "of" or _ORDINAL_DIGITS.fullmatch(previous)
    ):
        return None
    return _CARDINALS.get(token)
