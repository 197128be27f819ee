"""UnusedTokenFeaturesDropper: token features emptied, and the classifiers' answers unchanged by it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from rasa.core.agent import Agent
from rasa.engine.graph import SchemaNode
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.token_features import TokenFeaturesStillRead, check_token_readers, drop_token_features
from tests.rasa_ext.nlu_helpers import train_project


def node(component: type, **config: Any) -> SchemaNode:
    return SchemaNode(needs={}, uses=component, constructor_name="create", fn="process", config=config)


def test_token_features_become_one_empty_row_of_the_same_width() -> None:
    tokens = scipy.sparse.coo_matrix(np.eye(4, 7))
    sentence = scipy.sparse.coo_matrix(np.ones((1, 7)))
    message = Message(data={TEXT: "a b c d"})
    message.features = [
        Features(tokens, FEATURE_TYPE_SEQUENCE, TEXT, "CountVectorsFeaturizer"),
        Features(np.ones((4, 3)), FEATURE_TYPE_SEQUENCE, TEXT, "DenseFeaturizer"),
        Features(sentence, FEATURE_TYPE_SENTENCE, TEXT, "CountVectorsFeaturizer"),
        Features(tokens, FEATURE_TYPE_SEQUENCE, INTENT, "CountVectorsFeaturizer"),
    ]

    drop_token_features(message)

    sparse_tokens, dense_tokens, kept_sentence, kept_intent = message.features
    assert sparse_tokens.is_sparse() and sparse_tokens.features.shape == (1, 7) and sparse_tokens.features.nnz == 0
    assert dense_tokens.is_dense() and dense_tokens.features.shape == (1, 3) and not dense_tokens.features.any()
    assert (sparse_tokens.origin, sparse_tokens.type, sparse_tokens.attribute) == (
        "CountVectorsFeaturizer", FEATURE_TYPE_SEQUENCE, TEXT,
    )  # fmt: skip
    assert kept_sentence.features is sentence and kept_intent.features is tokens


@pytest.mark.parametrize(
    "graph",
    [
        [node(DIETClassifier)],  # Rasa's defaults: a transformer and entity recognition
        [node(DIETClassifier, number_of_transformer_layers=0)],
        [
            node(
                DIETClassifier, number_of_transformer_layers=0, entity_recognition=False, use_masked_language_model=True
            )
        ],
        [node(ResponseSelector, number_of_transformer_layers=1)],
        [node(CRFEntityExtractor)],
    ],
)
def test_a_graph_that_reads_token_features_is_refused(graph: list[SchemaNode]) -> None:
    with pytest.raises(TokenFeaturesStillRead):
        check_token_readers(graph)


def test_classifiers_that_only_read_the_sentence_are_accepted() -> None:
    check_token_readers(
        [node(DIETClassifier, number_of_transformer_layers=0, entity_recognition=False), node(ResponseSelector)]
    )


DOMAIN = """
version: "3.1"
intents: [greet, goodbye, ask_records, ask_opinion]
"""
DATA = """
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hello there
      - hi, good morning
      - hey
      - good evening to you
  - intent: goodbye
    examples: |
      - bye for now
      - see you later
      - talk soon, goodbye
      - that's all, thanks bye
  - intent: ask_records
    examples: |
      - how do I get my medical records
      - I need a copy of my scans and reports
      - can you help me request my chart from the clinic
      - send my pathology slides to another hospital
  - intent: ask_opinion
    examples: |
      - should I get a second opinion
      - is it worth seeing another doctor about my diagnosis
      - my surgeon wants to operate, do I need a second opinion
      - would another specialist look at my case
"""
CONFIG = """
recipe: default.v1
language: en
assistant_id: token-features-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
{dropper}
  - name: DIETClassifier
    epochs: 30
    number_of_transformer_layers: 0
    entity_recognition: false
    random_seed: 7
policies: []
"""
PROBES = ["hiya", "I want to see a different doctor about this", "get my x-rays to the new clinic", "ok bye"]


def ranking(model: str) -> list[list[tuple[str, float]]]:
    agent = Agent.load(model)
    rankings = []
    for text in PROBES:
        parsed = asyncio.run(agent.parse_message(text))
        rankings.append([(entry["name"], entry["confidence"]) for entry in parsed["intent_ranking"]])
    return rankings


@pytest.mark.slow
def test_dropping_token_features_leaves_what_diet_predicts_unchanged(tmp_path: Path) -> None:
    """Same data, same seed, with and without the dropper: the same intents with the same confidences.

    This is the claim the component rests on: with no transformer layers DIET never reads the
    token positions, in training or at run time.
    """
    models = {}
    dropper_line = "  - name: bot.rasa_ext.token_features.UnusedTokenFeaturesDropper"
    for name, dropper in {"kept": "", "dropped": dropper_line}.items():
        project = tmp_path / name
        project.mkdir()
        models[name] = train_project(project, DOMAIN, CONFIG.format(dropper=dropper), DATA)

    kept, dropped = ranking(models["kept"]), ranking(models["dropped"])

    for with_tokens, without_tokens in zip(kept, dropped, strict=True):
        assert [name for name, _ in with_tokens] == [name for name, _ in without_tokens]
        assert [c for _, c in with_tokens] == pytest.approx([c for _, c in without_tokens], abs=1e-4)
