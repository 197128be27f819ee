"""Entities from the curated medical vocabulary (`bot/logic/vocabulary`, matched by `bot.nlp`).

config.yml (after the tokenizer and DIETClassifier, so its entities can win over DIET's)::

    pipeline:
      - name: bot.rasa_ext.spacy_nlp.AdvocateSpacyNLP
      ...
      - name: bot.rasa_ext.vocabulary_extractor.VocabularyEntityExtractor

With `AdvocateSpacyNLP` earlier in the pipeline, the message already carries the processed spaCy
doc and this component only reads its mentions; without it, it runs the same pipeline itself
(`bot.logic.vocabulary.find_mentions`). Either way the rules are those of `bot.nlp`.

Why not only DIET or lookup tables: people type "my mom has ms", "chemo", "brest cancer"; the
vocabulary knows the synonyms and misspellings and, unlike a lookup table, returns the canonical
name ("multiple sclerosis", "chemotherapy", "breast cancer") that the slots, the assessment and
the question suggestions are keyed on. The matching lives in `bot.logic.vocabulary` (no Rasa
imports, unit-tested on its own); this component only turns its mentions into Rasa entities:
`condition`, `treatment`, `relation`, `topic`, `specialty` and `record_type`, canonical values,
negated conditions left out.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TEXT,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.logic.vocabulary import Mention, find_mentions
from bot.nlp.mentions import doc_mentions
from bot.rasa_ext.untrained import UntrainedComponent
from bot.understanding.payloads import is_button_payload


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same entity type and intersecting character spans."""
    return (
        a.get(ENTITY_ATTRIBUTE_TYPE) == b.get(ENTITY_ATTRIBUTE_TYPE)
        and a.get(ENTITY_ATTRIBUTE_START, 0) < b.get(ENTITY_ATTRIBUTE_END, 0)
        and b.get(ENTITY_ATTRIBUTE_START, 0) < a.get(ENTITY_ATTRIBUTE_END, 0)
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class VocabularyEntityExtractor(UntrainedComponent, EntityExtractorMixin):
    """Adds the vocabulary's entities (`condition`, `treatment`, `relation`, `topic`, ...).

    Each entity carries `extractor: VocabularyEntityExtractor`; `rasa test nlu` discovers the
    extractors to evaluate from that key in the predictions, so this one gets its own report.
    Nothing to configure or load: the vocabulary is data shipped with the code.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the vocabulary's mentions, replacing other extractors' overlapping ones.

        For a span both found, the vocabulary's canonical value is the one the rest of the bot
        expects, so an overlapping entity of the same type from another extractor is dropped;
        other entities are kept. Button payloads are skipped: RegexMessageHandler replaces them.
        """
        for message in messages:
            text = message.get(TEXT)
            if not text or is_button_payload(text):
                continue
            doc = message.get(SPACY_DOCS[TEXT])
            ours = doc is not None and doc.has_extension("advocate") and doc._.advocate is not None
            mentions = doc_mentions(doc, text) if ours else find_mentions(text)
            own = self.add_extractor_name([self._entity(mention) for mention in mentions])
            others = [entity for entity in message.get(ENTITIES, []) if not any(_overlaps(entity, o) for o in own)]
            message.set(ENTITIES, others + own, add_to_output=True)
        return messages

    @staticmethod
    def _entity(mention: Mention) -> dict[str, Any]:
        return {
            ENTITY_ATTRIBUTE_TYPE: mention.entity,
            ENTITY_ATTRIBUTE_VALUE: mention.value,
            ENTITY_ATTRIBUTE_START: mention.start,
            ENTITY_ATTRIBUTE_END: mention.end,
            ENTITY_ATTRIBUTE_TEXT: mention.text,
        }
