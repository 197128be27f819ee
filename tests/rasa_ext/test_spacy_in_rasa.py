"""The spaCy components inside real Rasa: graph validation, the recipe's wiring and prediction.

A tiny model (keyword intents, no DIET) is trained with the proposed config.yml's NLU head:
AdvocateSpacyNLP -> SpacyTokenizer -> ... -> VocabularyEntityExtractor.
"""
from __future__ import annotations

import pytest
from rasa.core.agent import Agent

from tests.rasa_ext.nlu_helpers import train_project
from tests.rasa_ext.test_in_rasa import DATA, DOMAIN

pytestmark = pytest.mark.slow

CONFIG = """
recipe: default.v1
language: en
assistant_id: spacy-test
pipeline:
  - name: bot.rasa_ext.spacy_nlp.AdvocateSpacyNLP
  - name: SpacyTokenizer
  - name: CountVectorsFeaturizer
  - name: KeywordIntentClassifier
  - name: bot.rasa_ext.vocabulary_extractor.VocabularyEntityExtractor
policies:
  - name: RulePolicy
"""


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    domain = DOMAIN.replace("topic]", "topic, specialty, record_type]")
    return Agent.load(train_project(tmp_path_factory.mktemp("spacy-project"), domain, CONFIG, DATA))


@pytest.mark.asyncio
async def test_entities_through_the_spacy_pipeline(agent: Agent) -> None:
    text = "hi, my dad was dx'd with lymphoma, not ms. his hematologist wants the PET scans"
    parsed = await agent.parse_message(text)

    assert parsed["intent"]["name"] == "greet"
    assert [(e["entity"], e["value"]) for e in parsed["entities"]] == [
        ("relation", "dad"),
        ("topic", "diagnosis"),  # "dx'd": one token, spelled out by the tokenizer's special case
        ("condition", "lymphoma"),  # "ms" is negated: left out
        ("specialty", "hematology"),
        ("topic", "records"),
        ("record_type", "imaging files"),
    ]
