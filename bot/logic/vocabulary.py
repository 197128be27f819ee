"""Curated medical vocabulary: conditions, treatments, relations and topics in free text.

People type "my mom has ms", "stage 2 brest cancer" or "they want to do a cabg". The assessment,
the question suggestions and the advocate's case summary all need one canonical name for each
("multiple sclerosis", "breast cancer", "coronary artery bypass") plus its category, which decides
how strongly a second opinion is recommended. A curated list gives that deterministically and with
the source of every synonym in plain sight (`vocabulary/*.yml`); a statistical extractor alone could
neither canonicalise nor categorise.

Matching rules (`find_mentions`):

- case-insensitive and whole-word: "ms" is multiple sclerosis, but not inside "terms";
- the longest match wins and mentions of one entity type never overlap ("small cell lung cancer"
  is one mention); entity types are matched independently, so "chemo" can be both a treatment and
  a topic;
- spaces, hyphens and apostrophes are forgiving (see the alias syntax in `conditions.yml`);
- a stage/grade or similar qualifier in front of a condition belongs to the mention's `text`
  ("stage 2 breast cancer") while `value` stays canonical ("breast cancer");
- any other "<word> cancer" or "cancer of the <word>" is the condition "<word> cancer" in
  category cancer, so an unlisted cancer is never missed;
- negated conditions are DROPPED, not flagged: "it's not cancer", "they ruled out ms" and
  "no cancer" yield no condition. Callers then never act on a negated mention by mistake. Only a
  cue right before the mention (same clause, a few filler words allowed) or "ruled out"/"free"
  right after it counts, so "not sure if it's cancer" keeps the mention;
- "cancer center", "heart association": an organisation, not a diagnosis, gives no condition;
- "I'm a mom" / "I'm his wife" describe the speaker, not a patient, and give no relation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

ENTITY_TYPES: tuple[str, ...] = ("condition", "treatment", "relation", "topic")

_DIR = Path(__file__).with_name("vocabulary")
_FILES = {
    "condition": ("conditions.yml", "conditions"),
    "treatment": ("treatments.yml", "treatments"),
    "relation": ("relations.yml", "relations"),
    "topic": ("topics.yml", "topics"),
}
_FIELDS = frozenset({"name", "category", "aliases", "display", "icd10"})

# Between two alias words: any run of spaces or hyphens.
_SEP = r"[\s\-]+"
# Whole-word start; "non-cancerous"/"pre-cancer" style compounds are not the plain word.
_WORD_START = re.compile(r"(?<!\w)(?<!non-)(?<!pre-)\w", re.IGNORECASE)
_WORD_END = r"(?!\w)"

# Qualifiers that may precede a condition and belong to its mention ("stage 2", "metastatic").
_QUALIFIER = (
    r"(?:stage|grade)[\s\-]*(?:[0-4]|iv|i{1,3}|zero|one|two|three|four)[a-c]?"
    r"|(?:early|late|end)[\s\-]+stage|advanced|metastatic|recurrent|aggressive|invasive"
    r"|inoperable|terminal|localized|localised"
    r"|(?:low|high)[\s\-]+grade|(?:slow|fast)[\s\-]+growing|triple[\s\-]+negative"
)
_PREFIX = re.compile(rf"(?:(?:{_QUALIFIER}){_WORD_END}[\s,\-]+)+", re.IGNORECASE)

# Unlisted cancers: "<word> cancer" and "cancer of/in the <word>".
_CANCER_BEFORE = re.compile(rf"(?P<word>[^\W\d_]{{3,}}){_SEP}cancers?{_WORD_END}", re.IGNORECASE)
_CANCER_AFTER = re.compile(
    rf"cancers?\s+(?:of|in)\s+(?:the|my|his|her|their|your|our)\s+(?P<word>[^\W\d_]{{3,}}){_WORD_END}",
    re.IGNORECASE,
)
# Words in front of "cancer" that are not the cancer's site or type.
_NOT_A_SITE = frozenset(
    """
    the this that these those any some each every what which whose its my his her their your our
    a an no not nor and but or of in on with without from for about against after before into
    non pre anti post
    have has had get got gets getting beat beating beats fight fighting survive survived
    survivor treat treated treating cure cured curing is was are were be been being am
    it it's new old bad big small real actual kind type sort form case cases rare common
    early late advanced aggressive terminal metastatic invasive recurrent secondary primary benign
    malignant possible suspected probable likely confirmed curable incurable treatable untreatable
    slow fast growing spreading active remission stage grade other another same more most less
    """.split()
)

# A cue right before a condition that negates it, with a few filler words allowed in between.
_NEGATION_BEFORE = re.compile(
    r"\b(?:no|not|isn'?t|wasn'?t|aren'?t|weren'?t|ain'?t|ruled\s+out|rule\s+out|rules\s+out"
    r"|ruling\s+out|negative\s+for|free\s+of|clear\s+of|never\s+had|don'?t\s+have|doesn'?t\s+have"
    r"|didn'?t\s+have|do\s+not\s+have|does\s+not\s+have|did\s+not\s+have|no\s+signs?\s+of"
    r"|no\s+evidence\s+of|without)"
    r"(?:\s+(?:a|an|the|any|actually|really|even|likely|probably|it|it'?s|was|is|had))*\s*$",
    re.IGNORECASE,
)
_NEGATION_AFTER = re.compile(
    r"^(?:[\s\-]*free\b|\s+(?:(?:was|is|has\s+been|had\s+been|got|were|been)\s+)?"
    r"(?:ruled\s+out|excluded)\b)",
    re.IGNORECASE,
)
# Where a clause starts: a negation cue never reaches across these.
_CLAUSE_BREAK = re.compile(r"[.;!?,\n]|\bbut\b|\bhowever\b", re.IGNORECASE)
# "cancer center", "heart association": a place or an organisation, not a diagnosis.
_ORGANISATION_AFTER = re.compile(
    r"^[\s\-]+(?:centers?|centres?|institutes?|society|societies|foundation|hospitals?|association"
    r"|charity|charities|awareness|research|hotline|information\s+service)\b",
    re.IGNORECASE,
)
# "I'm a mom", "as his wife": the speaker's own role, not the person they are helping.
_SPEAKER_ROLE = re.compile(
    r"\b(?:i'?m|im|i\s+am|as|being)\s+(?:a|an|his|her|their|the)\s+$", re.IGNORECASE
)


@dataclass(frozen=True)
class Entry:
    """One curated vocabulary item: canonical name, category and the ways people write it."""

    name: str
    category: str | None
    aliases: tuple[str, ...]
    display: str | None = None
    icd10: str | None = None


@dataclass(frozen=True)
class Mention:
    """A vocabulary item found in a text: `value` is canonical, `text` is what the person wrote.

    `start`/`end` are character offsets of `text` in the original message (Rasa entity spans).
    """

    entity: str
    value: str
    category: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Matcher:
    """One alternation per first character, longest alias first; group `a<i>` is `targets[i]`."""

    by_first_char: dict[str, re.Pattern[str]]
    targets: tuple[Entry, ...]


@cache
def entries(entity: str) -> tuple[Entry, ...]:
    """The curated entries of one entity type, loaded and validated once.

    Validation catches curation mistakes early: a misspelt field, an upper-case canonical name, or
    one alias claimed by two entries would otherwise silently change what the bot understands.
    """
    filename, key = _FILES[entity]
    with (_DIR / filename).open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)[key]
    loaded: list[Entry] = []
    for item in raw:
        unknown = set(item) - _FIELDS
        if unknown:
            raise ValueError(f"{filename}: unknown field(s) {sorted(unknown)} in {item!r}")
        name = str(item["name"])
        if name != name.lower().strip():
            raise ValueError(f"{filename}: canonical name {name!r} must be lower case")
        aliases = tuple(dict.fromkeys([name, *(_fold(str(a)).lower() for a in item.get("aliases") or ())]))
        loaded.append(
            Entry(
                name=name,
                category=item.get("category"),
                aliases=aliases,
                display=item.get("display"),
                icd10=item.get("icd10"),
            )
        )
    _check_unique(filename, loaded)
    return tuple(loaded)


def _check_unique(filename: str, loaded: list[Entry]) -> None:
    """Two entries must never share a name or an alias (after the forgiving spelling rules)."""
    owner: dict[str, str] = {}
    for entry in loaded:
        for alias in entry.aliases:
            key = _alias_regex(alias)
            if owner.setdefault(key, entry.name) != entry.name:
                raise ValueError(f"{filename}: alias {alias!r} of {entry.name!r} also belongs to {owner[key]!r}")


def _alias_regex(alias: str) -> str:
    """The regex of one alias: forgiving about separators, apostrophes and a plural "s"."""
    words = []
    for word in alias.split():
        suffix = ""
        if word.endswith("'s"):
            word, suffix = word[:-2], "(?:'?s)?"
        elif word.endswith("s'"):
            word, suffix = word[:-1], "'?"
        chars = []
        for char in word:
            if char == "-":
                chars.append(r"[\s\-]?")
            elif char == "'":
                chars.append("'?")
            else:
                chars.append(re.escape(char))
        words.append("".join(chars) + suffix)
    return _SEP.join(words) + "s?"


@cache
def _matcher(entity: str) -> _Matcher:
    """Compiles the aliases of one entity type once (per first character, for speed)."""
    pairs = sorted(
        ((alias, entry) for entry in entries(entity) for alias in entry.aliases),
        key=lambda pair: (-len(pair[0]), pair[0]),
    )
    grouped: dict[str, list[str]] = {}
    for index, (alias, _entry) in enumerate(pairs):
        grouped.setdefault(alias[0], []).append(f"(?P<a{index}>{_alias_regex(alias)})")
    return _Matcher(
        by_first_char={
            char: re.compile(rf"(?:{'|'.join(alts)}){_WORD_END}", re.IGNORECASE)
            for char, alts in grouped.items()
        },
        targets=tuple(entry for _alias, entry in pairs),
    )


def _match_alias(entity: str, text: str, pos: int) -> tuple[Entry, int] | None:
    """The longest alias of `entity` starting exactly at `pos`, with its end offset."""
    matcher = _matcher(entity)
    if pos >= len(text):
        return None
    pattern = matcher.by_first_char.get(text[pos].lower())
    match = pattern.match(text, pos) if pattern else None
    if match is None or match.lastgroup is None:
        return None
    return matcher.targets[int(match.lastgroup[1:])], match.end()


def _match_unlisted_cancer(text: str, pos: int) -> tuple[Entry, int] | None:
    """An unlisted "<word> cancer" / "cancer of the <word>" starting at `pos`."""
    for pattern in (_CANCER_BEFORE, _CANCER_AFTER):
        match = pattern.match(text, pos)
        if match is None:
            continue
        word = match.group("word").lower()
        if word in _NOT_A_SITE or word.endswith(("ing", "ed", "ly")):
            continue
        name = f"{word} cancer"
        known = _match_alias("condition", name, 0)
        if known is not None and known[1] == len(name):
            return known[0], match.end()
        return Entry(name=name, category="cancer", aliases=(name,)), match.end()
    return None


def _candidates(entity: str, text: str) -> list[tuple[int, int, int, Entry]]:
    """Every possible mention as (start, end, priority, entry); lower priority wins ties."""
    found = []
    for word in _WORD_START.finditer(text):
        start = word.start()
        starts = [start]
        if entity == "condition":
            prefix = _PREFIX.match(text, start)
            if prefix is not None:
                starts.append(prefix.end())
        for priority, at in enumerate(starts):
            hit = _match_alias(entity, text, at)
            if hit is not None:
                found.append((start, hit[1], priority, hit[0]))
            if entity == "condition":
                unlisted = _match_unlisted_cancer(text, at)
                if unlisted is not None:
                    found.append((start, unlisted[1], priority + 2, unlisted[0]))
    return found


def _is_negated(text: str, start: int, end: int) -> bool:
    """A negation cue right before the mention (same clause) or "ruled out"/"free" right after."""
    before = text[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    return bool(_NEGATION_BEFORE.search(clause) or _NEGATION_AFTER.match(text[end:]))


def _keep(entity: str, text: str, start: int, end: int) -> bool:
    """Per-type filters: negated conditions, organisations and the speaker's own role are dropped."""
    if entity == "condition":
        return not (_is_negated(text, start, end) or _ORGANISATION_AFTER.match(text[end:]))
    if entity == "relation":
        return not _SPEAKER_ROLE.search(text[:start])
    return True


def _fold(text: str) -> str:
    """Typographic apostrophes (phones type them) as straight ones; the length stays the same."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def find_mentions(text: str) -> list[Mention]:
    """All conditions, treatments, relations and topics in `text`, in order of appearance."""
    folded = _fold(text)
    mentions: list[Mention] = []
    for entity in ENTITY_TYPES:
        taken: list[tuple[int, int]] = []
        ranked = sorted(_candidates(entity, folded), key=lambda c: (c[0] - c[1], c[2], c[0]))
        for start, end, _priority, entry in ranked:
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            if _keep(entity, folded, start, end):
                mentions.append(
                    Mention(
                        entity=entity,
                        value=entry.name,
                        category=entry.category,
                        start=start,
                        end=end,
                        text=text[start:end],
                    )
                )
    return sorted(mentions, key=lambda m: (m.start, ENTITY_TYPES.index(m.entity)))


def lookup(entity: str, value_or_text: str) -> Mention | None:
    """The first `entity` mention in a canonical value or a free-text reply, else None.

    Works for both because every canonical name is also an alias: the actions call it with slot
    values ("breast cancer") and with what the person typed ("I think it's stage 2 brest cancer").
    """
    return next((m for m in find_mentions(value_or_text) if m.entity == entity), None)


# Lead-ins and trailers around a condition or treatment typed in the person's own words.
_LEAD_IN = re.compile(
    r"^(?:(?:well|so|ok(?:ay)?|yeah|yes|um+|uh+|hmm+|i\s+think|i\s+believe|apparently|maybe"
    r"|probably|they\s+said|the\s+doctors?\s+said|doctors?\s+said|he\s+said|she\s+said"
    r"|they\s+told\s+me|i\s+was\s+told|they\s+think|they\s+say|i\s+was\s+diagnosed\s+with"
    r"|i'?ve\s+been\s+diagnosed\s+with|diagnosed\s+with|i\s+have|i'?ve\s+got|i\s+got"
    r"|(?:he|she|they)\s+(?:has|have)|my\s+\w+\s+(?:has|got)|they\s+want\s+to\s+do"
    r"|they\s+want\s+to|it'?s\s+called|it\s+is\s+called|its\s+called|called|something\s+called"
    r"|it'?s|it\s+is|its|some\s+kind\s+of|a\s+kind\s+of|a\s+type\s+of|a|an|the)\b[\s,:\-]*)+",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"(?:[\s,]+(?:i\s+think|i\s+guess|maybe|probably|or\s+something(?:\s+like\s+that)?))?[\s.!?,]*$",
    re.IGNORECASE,
)
_MAX_OWN_WORDS = 80


def canonical(entity: str, text: str) -> tuple[str, str | None] | None:
    """(name, category) of a condition or treatment typed as a reply; None when nothing is left.

    A known item gives its canonical name and category. An unknown one keeps the person's own
    words (lead-ins like "I think it's called" removed, at most 80 characters) with category None:
    their words are still the best label for the advocate and the doctor questions.
    """
    mention = lookup(entity, text)
    if mention is not None:
        return mention.value, mention.category
    words = _TRAILER.sub("", _LEAD_IN.sub("", _fold(text).strip()))
    words = " ".join(words.split())
    if len(words) > _MAX_OWN_WORDS:
        words = words[:_MAX_OWN_WORDS].rsplit(" ", 1)[0]
    return (words, None) if words else None


def canonical_condition(text: str) -> tuple[str, str | None] | None:
    """`canonical` for a condition: "lung cancer" -> ("lung cancer", "cancer")."""
    return canonical("condition", text)


def relation_display(relation: str) -> str:
    """How replies speak of the person being helped: "dad"/"father" -> "your dad"."""
    mention = lookup("relation", relation)
    if mention is not None:
        entry = next(e for e in entries("relation") if e.name == mention.value)
        if entry.display:
            return entry.display
    words = " ".join(relation.lower().split())
    words = re.sub(r"^(?:my|your)\s+", "", words)
    return f"your {words}"
