"""Which saved question a person means: by its position ("#2", "the second one") or its words.

"Remove the question about the biopsy" or "change the one about going back to work to: can I
work part time?" name a question by what it says, and the list the person saw may be days old.
So each saved question is scored against the description's content words; the caller acts on one
clear match, asks "which one?" when several fit equally, and shows the list when none does.

Position only counts when the message is nothing but a pick ("2", "remove the second one",
"delete 1 and 3") or marks it ("#2", "question 2", "number 2"): "remove the one about stage 2"
is about stage 2, not question 2 (a bug the notebook had).

The action server has no spaCy lemmas for saved questions, so the words are normalised plainly:
lower case, no punctuation, a few English endings ("biopsies" -> "biopsy", "scans" -> "scan"),
and a long shared start counts as the same word ("chemo" / "chemotherapy", "operate" /
"operation").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.understanding import numbers
from bot.understanding.questions import tidy_question

# Words that say what to do with a question, or point at one, but never what it is about.
_COMMAND_WORDS = frozenset(
    """remove delete drop erase cross scratch strike take get rid off out cut ditch lose change edit
    update fix reword rewrite replace amend modify correct please pls plz can could would you u
    the a an one ones question questions q qs item entry about on regarding re mentioning mention
    mentions says said saying asks asking with that which my from list of"""
    .split()
)  # fmt: skip
_STOPWORDS = frozenset(
    """i me my mine we us our you your he him his she her it its they them their this that these
    those is are am was were be been being do does did doing have has had having will would shall
    should can could may might must what whats what's how when where why who whom which whether if
    and or but so to of in on at by for with about as into from than then too very just also all
    any some not no yes there here ask asked a an the one thing stuff bit again really still even
    get got going go"""
    .split()
)  # fmt: skip
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_EXPLICIT_NUMBER = re.compile(r"(?:#\s*|\b(?:number|no\.|question|q|item)\s*#?\s*)(\d{1,2})\b", re.IGNORECASE)
# "change <which> to: <new>", "edit <which> so it says <new>", "replace <which> with <new>".
_EDIT = re.compile(
    r"^\W*(?:(?:please|pls|can\s+you|could\s+you)\s+)*(?:change|edit|update|fix|reword|rewrite|replace|amend|modify"
    r"|correct)\s+(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_NEW_TEXT_MARKERS = re.compile(
    r"\s+(?:to\s+say|to\s+read|so\s+(?:that\s+)?it\s+(?:says|reads)|to|into|with|as)\s*:\s*|\s*:\s+"
    r"|\s+(?:to\s+say|to\s+read|so\s+(?:that\s+)?it\s+(?:says|reads))\s+",
    re.IGNORECASE,
)
_TO = re.compile(r"\s+(?:to|into|with)\s+", re.IGNORECASE)
_SAME_START = 5  # letters two words must share at the start to count as one ("chemo", "chemotherapy")
_ENOUGH = 0.5  # share of the description's words a question must contain to be a match


@dataclass(frozen=True)
class Edit:
    """An edit command read by description: which question, and what it should say."""

    description: str
    new_text: str


def _stem(word: str) -> str:
    word = word.removesuffix("'s")
    for ending, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(ending) and len(word) - len(ending) >= 3 and not word.endswith("ss"):
            return word[: -len(ending)] + replacement
    return word


def content_words(text: str, *, command: bool = True) -> list[str]:
    """The words that say what a text is about, normalised, in order, without repeats.

    ``command``: the text is a command ("remove the one about ..."), so its command words go too;
    a saved question keeps them ("Should I change my diet?" is about changing).
    """
    tokens = _TOKEN.findall(text.lower().replace("\u2019", "'"))
    dropped = _STOPWORDS | _COMMAND_WORDS if command else _STOPWORDS
    words = [_stem(token) for token in tokens if token not in dropped]
    return list(dict.fromkeys(word for word in words if word))


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    shorter = min(len(a), len(b))
    common = len(_common_start(a, b))
    return common >= _SAME_START and common >= 0.75 * shorter


def _common_start(a: str, b: str) -> str:
    length = 0
    while length < min(len(a), len(b)) and a[length] == b[length]:
        length += 1
    return a[:length]


def positions(text: str) -> list[int]:
    """The list positions a message picks (1-based): "#2", "question 3", "2", "the second one".

    Empty when the numbers belong to what the question is about ("the one about stage 2").
    """
    explicit = [int(number) for number in _EXPLICIT_NUMBER.findall(text)]
    if explicit:
        return list(dict.fromkeys(explicit))
    tokens = _TOKEN.findall(text.lower().replace("#", " "))
    rest = [token for token in tokens if token not in _COMMAND_WORDS or token in {"one", "and"}]
    if rest == ["one"] and tokens[tokens.index("one") - 1 : tokens.index("one")] not in (["question"], ["number"]):
        return []  # "remove one" (the button's words): which one is still to be said
    if rest and numbers.is_number_reference(" ".join(rest)):
        return numbers.parse_numbers(" ".join(rest))
    return []


def describes_something(text: str) -> bool:
    """Whether the message says anything about which question ("remove one" does not)."""
    return bool(content_words(text))


def matches(description: str, questions: Sequence[str]) -> list[int]:
    """Positions (1-based) of the saved questions that fit the description best.

    One position: a clear match. Several: they fit equally well (ask which). None: no question
    contains at least half of the description's words.
    """
    wanted = content_words(description)
    if not wanted:
        return []
    scores = []
    for question in questions:
        words = content_words(question, command=False)
        found = sum(1 for word in wanted if any(_same(word, other) for other in words))
        scores.append(found / len(wanted))
    best = max(scores, default=0.0)
    if best < _ENOUGH:
        return []
    return [index for index, score in enumerate(scores, start=1) if score == best]


def read_edit(text: str) -> Edit | None:
    """ "change the one about the biopsy to: did they check HER2?" -> which one, and the new words.

    The new words follow a colon or "to say"; otherwise the " to " / " with " after which a
    question starts ("... about going back to work to can I work part time"), else the first.
    """
    match = _EDIT.match(text.strip())
    if not match:
        return None
    rest = match.group("rest")
    marked = _NEW_TEXT_MARKERS.search(rest)
    if marked:
        description, new_text = rest[: marked.start()], rest[marked.end() :]
    else:
        splits = list(_TO.finditer(rest))
        if not splits:
            return None
        chosen = next((s for s in splits if tidy_question(rest[s.end() :]).endswith("?")), splits[0])
        description, new_text = rest[: chosen.start()], rest[chosen.end() :]
    new_text = tidy_question(new_text)
    if not new_text or not describes_something(description):
        return None
    return Edit(description=" ".join(description.split()), new_text=new_text)


def description_of(text: str) -> str:
    """The description as the person wrote it, for "I couldn't find a question about ..."."""
    lowered = text.lower()
    for marker in (" about ", " on ", " mentioning ", " that says ", " regarding "):
        if marker in lowered:
            return text[lowered.index(marker) + len(marker) :].strip(" ?.!\"'")
    return " ".join(content_words(text))
