"""Vocabulary entries and fixed cue phrases as spaCy token patterns on `Token.norm_`.

Every phrase (an alias in the YAML, a negation cue, a qualifier) is tokenized by the pipeline's own
tokenizer and normalised by `normalize.norm`, exactly like a message, so matching is consistent by
construction. Forgiving rules, as in the alias syntax documented in `conditions.yml`:

- a space between two alias words also matches a hyphen ("ehlers danlos" = "ehlers-danlos");
- a hyphen inside a word is optional and may be a space; the alias without it is added too
  ("a-fib" = "a fib" = "afib");
- "'s" is optional ("crohn's" = "crohn" = "crohns", the plural "s" is folded by `norm`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from spacy.tokens import Doc

from bot.nlp.normalize import norm
from bot.nlp.vocab import ENTITY_TYPES, entries

Pattern = list[dict[str, Any]]
Tokenize = Callable[[str], Doc]

_OPTIONAL_HYPHEN: dict[str, Any] = {"ORTH": "-", "OP": "?"}


def phrase_pattern(doc: Doc) -> Pattern:
    """The token pattern of one tokenized phrase (see the module docstring for the rules)."""
    pattern: Pattern = []
    for index, token in enumerate(doc):
        key = norm(token.text)
        if token.text == "-":
            pattern.append(_OPTIONAL_HYPHEN)
            continue
        pattern.append({"NORM": key, "OP": "?"} if key == "'s" else {"NORM": key})
        if token.whitespace_ and index < len(doc) - 1:
            pattern.append(_OPTIONAL_HYPHEN)
    return pattern


def phrase_key(doc: Doc) -> str:
    """Two phrases with the same key match the same texts: the normalised words, hyphens dropped."""
    return " ".join(norm(token.text) for token in doc if token.text != "-" and norm(token.text) != "'s")


def phrase_patterns(tokenize: Tokenize, phrases: Iterable[str]) -> list[Pattern]:
    """Patterns for fixed cue phrases (negation, qualifiers, organisations)."""
    return [phrase_pattern(tokenize(phrase)) for phrase in phrases]


def _spellings(alias: str) -> list[str]:
    """The alias, plus its joined form when a hyphen sits inside a word ("a-fib" -> "afib")."""
    joined = alias.replace("-", "")
    return [alias, joined] if joined != alias else [alias]


def ruler_patterns(tokenize: Tokenize) -> list[dict[str, Any]]:
    """Span-ruler patterns for every alias: label = entity type, id = canonical name.

    Raises ValueError when two entries of one type would match the same words: which one a
    message means would otherwise depend on the order of the YAML file.
    """
    patterns: list[dict[str, Any]] = []
    for entity in ENTITY_TYPES:
        owner: dict[str, str] = {}
        seen: set[str] = set()
        for entry in entries(entity):
            for alias in entry.aliases:
                for spelling in _spellings(alias):
                    doc = tokenize(spelling)
                    key = phrase_key(doc)
                    if owner.setdefault(key, entry.name) != entry.name:
                        raise ValueError(
                            f"{entity}: {spelling!r} of {entry.name!r} matches the same words as {owner[key]!r}"
                        )
                    pattern = phrase_pattern(doc)
                    serial = json.dumps(pattern, sort_keys=True)
                    if serial in seen:
                        continue
                    seen.add(serial)
                    patterns.append({"label": entity, "id": entry.name, "pattern": pattern})
    return patterns


def alias_index(tokenize: Tokenize) -> dict[str, dict[str, str]]:
    """Per entity type, phrase key -> canonical name (to canonicalise an unlisted "<x> cancer")."""
    return {
        entity: {phrase_key(tokenize(alias)): entry.name for entry in entries(entity) for alias in entry.aliases}
        for entity in ENTITY_TYPES
    }


def categories() -> dict[str, dict[str, str | None]]:
    """Per entity type, canonical name -> category."""
    return {entity: {entry.name: entry.category for entry in entries(entity)} for entity in ENTITY_TYPES}


def displays() -> dict[str, str]:
    """Relation canonical name -> how replies speak of that person ("your dad")."""
    return {entry.name: entry.display for entry in entries("relation") if entry.display}
