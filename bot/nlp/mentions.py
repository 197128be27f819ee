"""A processed `Doc` as `Mention`s: what `bot.logic.vocabulary` and the Rasa extractor consume."""

from __future__ import annotations

from spacy.tokens import Doc

from bot.nlp.vocab import ENTITY_TYPES, Mention


def doc_mentions(doc: Doc, text: str | None = None) -> list[Mention]:
    """Every mention, in order of appearance; negated conditions are dropped, not flagged.

    Callers then never act on "it's not cancer" by mistake. `text` is the original message when
    the doc was made from a transformed copy of the same length (Rasa may lower-case it), so a
    mention's `text` is always what the person typed.
    """
    source = text if text is not None and len(text) == len(doc.text) else doc.text
    found = [
        Mention(
            entity=entity,
            value=span.id_,
            category=span._.category,
            start=span.start_char,
            end=span.end_char,
            text=source[span.start_char : span.end_char],
            experiencer=span._.experiencer,
        )
        for entity in ENTITY_TYPES
        for span in doc.spans.get(entity, [])
        if not span._.negated
    ]
    return sorted(found, key=lambda m: (m.start, ENTITY_TYPES.index(m.entity)))
