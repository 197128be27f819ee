"""Rasa's `SpacyNLP` on the project's own content-addressed spaCy pipeline (`bot.nlp`).

config.yml::

    pipeline:
      - name: bot.rasa_ext.spacy_nlp.AdvocateSpacyNLP
      - name: SpacyTokenizer
      ...
      - name: bot.rasa_ext.vocabulary_extractor.VocabularyEntityExtractor

Why a subclass: Rasa's `SpacyNLP` loads a model by name and fingerprints only that name, so a
changed vocabulary under an unchanged name would silently reuse cached training results. Here the
model is `build/spacy/advocate_med-<content hash>` (built on first use when missing) and the hash
is also the component's fingerprint add-on: a changed alias retrains whatever depends on the
tokens, an unchanged one hits Rasa's cache.

Messages are processed case-sensitively (Rasa's default lower-cases them): matching is
case-insensitive anyway, and entity texts then stay exactly what the person typed.
"""
from __future__ import annotations

import logging
from typing import Any

import spacy
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP

from bot.nlp import components  # noqa: F401  (registers the pipeline's factories before loading)
from bot.nlp.build import build, content_hash
from bot.rasa_ext.untrained import UntrainedComponent

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="AdvocateSpacyNLP",
)
class AdvocateSpacyNLP(UntrainedComponent, SpacyNLP):
    """Provides the project's spaCy pipeline to SpacyTokenizer and the vocabulary extractor.

    `UntrainedComponent` first, so its `create` (which builds with `_from_config` below) is the
    one Rasa calls instead of `SpacyNLP.create`, which loads a model by name.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Case-sensitive docs (see the module docstring); `model` is chosen by content."""
        return {**SpacyNLP.get_default_config(), "case_sensitive": True}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The pipeline's content hash: vocabularies and `bot/nlp` code."""
        return content_hash()

    @classmethod
    def _from_config(cls, config: dict[str, Any], execution_context: ExecutionContext) -> AdvocateSpacyNLP:
        """Builds (when missing) and loads the pipeline for the current vocabularies."""
        path = build()
        logger.info("Loading the advocate spaCy pipeline from '%s'.", path)
        model = SpacyModel(model=spacy.load(path), model_name=str(path.name))
        cls.ensure_proper_language_model(model.model)
        return cls(model, {**cls.get_default_config(), **config})
