"""Token-level text features shrunk to one empty row: the classifiers never read them.

config.yml (after the featurizers, before DIETClassifier and ResponseSelector)::

    pipeline:
      ...
      - name: CountVectorsFeaturizer
      - name: bot.rasa_ext.token_features.UnusedTokenFeaturesDropper
      - name: DIETClassifier
        number_of_transformer_layers: 0

Why: with no transformer layers (our DIET, and ResponseSelector's default), DIET's intent and
response heads read only the sentence position of the text: Rasa appends the sentence-level
features as one more position after the tokens, runs the same feed-forward layers on every
position independently and takes the last one (``DIET._last_token``). The token positions are
computed, padded to the longest message of each batch, and thrown away. Long multi-sentence
messages made that the bulk of training: ~6 s an epoch on 2 cores for ~70 wasted token positions
per example. Each token-level text feature is replaced by a single all-zero row of the same width
(DIET needs the feature and its length, not its values), so the weights, the sentence features
and so the predictions are the same kind as before, for a fraction of the work, in training and
for every message at run time.

It refuses to be built into a graph whose classifiers would read token positions: with a
transformer, masked language modelling or DIET's entity recognition (or a CRF entity extractor)
the token features matter, and emptying them would quietly worsen the model
(``check_token_readers``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, SchemaNode
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.untrained import UntrainedComponent

# DIET's (and ResponseSelector's) settings under which the token positions are read.
_TOKEN_READING_SETTINGS = ("number_of_transformer_layers", "use_masked_language_model", "entity_recognition")


class TokenFeaturesStillRead(ValueError):
    """A component of the graph would read the token features the dropper empties."""


def check_token_readers(nodes: Iterable[SchemaNode]) -> None:
    """Raise when a component of the graph reads the text's token positions.

    The settings are those the component will run with: Rasa's defaults (DIET's are a
    transformer and entity recognition) overridden by config.yml's.
    """
    for node in nodes:
        if issubclass(node.uses, CRFEntityExtractor):
            raise TokenFeaturesStillRead(f"{node.uses.__name__} reads token features")
        if not issubclass(node.uses, DIETClassifier):
            continue
        settings = {**node.uses.get_default_config(), **node.config}
        if issubclass(node.uses, ResponseSelector):
            settings["entity_recognition"] = False  # ResponseSelector turns it off itself
        reading = [key for key in _TOKEN_READING_SETTINGS if settings.get(key)]
        if reading:
            raise TokenFeaturesStillRead(
                f"{node.uses.__name__} reads token features ({', '.join(reading)}): remove "
                f"{UnusedTokenFeaturesDropper.__name__} from config.yml or turn those off"
            )


def _one_empty_row(features: Features) -> Features:
    width = features.features.shape[-1]
    empty = scipy.sparse.coo_matrix((1, width)) if features.is_sparse() else np.zeros((1, width))
    return Features(empty, features.type, features.attribute, features.origin)


def drop_token_features(message: Message) -> None:
    """Replace each token-level feature of the message's text with one empty row."""
    message.features = [
        _one_empty_row(features)
        if features.attribute == TEXT and features.type == FEATURE_TYPE_SEQUENCE
        else features
        for features in message.features
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class UnusedTokenFeaturesDropper(UntrainedComponent):
    """Empties the text's token-level features, which the classifiers after it never read."""

    @classmethod
    def _from_config(cls, config: dict[str, Any], execution_context: ExecutionContext) -> UnusedTokenFeaturesDropper:
        """Nothing to configure or learn; refuses a graph that reads token features."""
        check_token_readers(execution_context.graph_schema.nodes.values())
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Empty the token features of every training example's text."""
        for message in training_data.training_examples:
            drop_token_features(message)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Empty the token features of each message at run time, as in training."""
        for message in messages:
            drop_token_features(message)
        return messages
