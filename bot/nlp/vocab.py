"""The curated vocabularies (`bot/logic/vocabulary/*.yml`), loaded and validated once.

The YAML files are the single source of every synonym the bot understands; both the spaCy build
and `bot.logic.vocabulary` read them through this module, so a curation mistake (a misspelt field,
an upper-case canonical name, an alias claimed twice) fails loudly in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

# Order matters: it is the order of mentions that start at the same character.
ENTITY_TYPES: tuple[str, ...] = ("condition", "treatment", "relation", "topic", "specialty", "record_type")

VOCABULARY_DIR = Path(__file__).resolve().parents[1] / "logic" / "vocabulary"
_FILES = {
    "condition": ("conditions.yml", "conditions"),
    "treatment": ("treatments.yml", "treatments"),
    "relation": ("relations.yml", "relations"),
    "topic": ("topics.yml", "topics"),
    "specialty": ("specialties.yml", "specialties"),
    "record_type": ("record_types.yml", "record_types"),
}
_FIELDS = frozenset({"name", "category", "aliases", "display", "icd10"})


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
    `experiencer` is the relation (canonical, e.g. "dad") of the person a condition or treatment
    belongs to when a caregiver writes about someone else ("my dad was diagnosed with lymphoma");
    None when it is the writer's own or nobody is named.
    """

    entity: str
    value: str
    category: str | None
    start: int
    end: int
    text: str
    experiencer: str | None = None


def fold(text: str) -> str:
    """Typographic apostrophes (phones type them) as straight ones; the length stays the same."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def vocabulary_files() -> tuple[Path, ...]:
    """The YAML files, in a fixed order (they are part of the pipeline's content hash)."""
    return tuple(VOCABULARY_DIR / filename for filename, _key in _FILES.values())


@cache
def entries(entity: str) -> tuple[Entry, ...]:
    """The curated entries of one entity type, loaded and validated once."""
    filename, key = _FILES[entity]
    with (VOCABULARY_DIR / filename).open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)[key]
    loaded: list[Entry] = []
    owner: dict[str, str] = {}
    for item in raw:
        unknown = set(item) - _FIELDS
        if unknown:
            raise ValueError(f"{filename}: unknown field(s) {sorted(unknown)} in {item!r}")
        name = str(item["name"])
        if name != name.lower().strip():
            raise ValueError(f"{filename}: canonical name {name!r} must be lower case")
        aliases = tuple(dict.fromkeys([name, *(fold(str(a)).lower().strip() for a in item.get("aliases") or ())]))
        for alias in aliases:
            if owner.setdefault(alias, name) != name:
                raise ValueError(f"{filename}: alias {alias!r} of {name!r} also belongs to {owner[alias]!r}")
        icd10 = item.get("icd10")
        loaded.append(
            Entry(
                name=name,
                category=item.get("category"),
                aliases=aliases,
                display=item.get("display"),
                icd10=str(icd10) if icd10 else None,
            )
        )
    return tuple(loaded)
