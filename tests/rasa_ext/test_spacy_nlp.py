"""AdvocateSpacyNLP + SpacyTokenizer + VocabularyEntityExtractor, as Rasa's graph runs them."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.build import NAME, content_hash, pipeline_path
from bot.rasa_ext.spacy_nlp import AdvocateSpacyNLP
from bot.rasa_ext.vocabulary_extractor import VocabularyEntityExtractor
from tests.rasa_ext.nlu_helpers import build, user_message


@pytest.fixture(scope="module")
def nlp_component(tmp_path_factory: pytest.TempPathFactory) -> AdvocateSpacyNLP:
    return build(AdvocateSpacyNLP, tmp_path_factory.mktemp("spacy"))


def run(nlp_component: AdvocateSpacyNLP, tmp_path: Path, text: str) -> Message:
    [message] = nlp_component.process([user_message(text)], nlp_component.provide())
    [message] = SpacyTokenizer(SpacyTokenizer.get_default_config()).process([message])
    [message] = build(VocabularyEntityExtractor, tmp_path).process([message])
    return message


def entities(message: Message) -> list[tuple[str, str, str]]:
    found: list[dict[str, Any]] = message.get(ENTITIES) or []
    return [(e["entity"], e["value"], e["text"]) for e in found]


def test_the_model_is_the_content_addressed_pipeline(nlp_component: AdvocateSpacyNLP) -> None:
    model = nlp_component.provide()
    assert model.model_name == pipeline_path().name
    assert model.fingerprint().startswith(f"{NAME}-{content_hash()[:16]}")
    assert AdvocateSpacyNLP.fingerprint_addon({}) == content_hash()
    assert model.model.pipe_names[-3:] == ["advocate_mentions", "advocate_negation", "advocate_experiencer"]


def test_entities_come_from_the_spacy_doc(nlp_component: AdvocateSpacyNLP, tmp_path: Path) -> None:
    text = "My husband's onc says it's NOT lymphoma but stage 2 Brest Cancer, need the path report w/ slides"
    message = run(nlp_component, tmp_path, text)

    assert message.get(SPACY_DOCS[TEXT]).text == text  # case kept: entity texts are what was typed
    assert entities(message) == [
        ("relation", "husband", "husband"),
        ("specialty", "oncology", "onc"),
        ("condition", "breast cancer", "stage 2 Brest Cancer"),
        ("record_type", "pathology report", "path report"),
        ("record_type", "pathology slides", "slides"),
    ]
    assert all(e["extractor"] == "VocabularyEntityExtractor" for e in message.get(ENTITIES))


def test_spacy_tokens_keep_sms_shorthand_whole(nlp_component: AdvocateSpacyNLP, tmp_path: Path) -> None:
    message = run(nlp_component, tmp_path, "dx'd w/ afib, 2nd opinion?")

    assert [t.text for t in message.get(TOKENS_NAMES[TEXT])] == ["dx'd", "w/", "afib", ",", "2nd", "opinion", "?"]
    assert ("condition", "atrial fibrillation", "afib") in entities(message)


def test_button_payloads_are_still_left_to_rasa(nlp_component: AdvocateSpacyNLP, tmp_path: Path) -> None:
    assert run(nlp_component, tmp_path, '/inform{"condition":"lupus"}').get(ENTITIES) is None
