"""VocabularyEntityExtractor with the real vocabulary, on Rasa Message objects."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.nlu.test import EntityEvaluationResult, _get_active_entity_extractors, align_entity_predictions
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.vocabulary_extractor import VocabularyEntityExtractor
from tests.rasa_ext.nlu_helpers import build, user_message

TEXT_WITH_EVERYTHING = "my mom has stage 2 brest cancer and they want chemo in 2 weeks"
EXTRACTOR = "VocabularyEntityExtractor"


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def by_type(entities: list[dict[str, Any]], extractor: str = EXTRACTOR) -> dict[str, dict[str, Any]]:
    return {e["entity"]: e for e in entities if e.get("extractor") == extractor}


def run(tmp_path: Path, *messages: Message) -> list[Message]:
    return build(VocabularyEntityExtractor, tmp_path).process(list(messages))


def test_adds_canonical_entities_with_spans(tmp_path: Path) -> None:
    [message] = run(tmp_path, user_message(TEXT_WITH_EVERYTHING))

    found = by_type(message.as_dict(only_output_properties=True)[ENTITIES])
    assert set(found) == {"relation", "condition", "treatment", "topic"}
    condition = found["condition"]
    assert condition["value"] == "breast cancer"
    assert (condition["start"], condition["end"]) == span(TEXT_WITH_EVERYTHING, "stage 2 brest cancer")
    assert condition["text"] == "stage 2 brest cancer"
    assert found["relation"]["value"] == "mom"
    assert found["treatment"]["value"] == "chemotherapy"
    assert (found["treatment"]["start"], found["treatment"]["end"]) == span(TEXT_WITH_EVERYTHING, "chemo")


def test_keeps_other_extractors_entities_and_wins_overlaps_of_its_type(tmp_path: Path) -> None:
    def diet(entity: str, part: str, value: str) -> dict[str, Any]:
        start, end = span(TEXT_WITH_EVERYTHING, part)
        return {"entity": entity, "start": start, "end": end, "value": value, "extractor": "DIETClassifier"}

    urgency = diet("urgency", "in 2 weeks", "weeks")
    other_type_same_span = diet("treatment", "stage 2 brest", "stage 2 brest")
    message = user_message(
        TEXT_WITH_EVERYTHING,
        entities=[diet("condition", "brest", "brest"), diet("topic", "chemo", "chemo"), urgency, other_type_same_span],
    )

    [message] = run(tmp_path, message)

    from_diet = [e for e in message.get(ENTITIES) if e["extractor"] == "DIETClassifier"]
    assert from_diet == [urgency, other_type_same_span]
    assert by_type(message.get(ENTITIES))["condition"]["value"] == "breast cancer"


def test_message_without_mentions_keeps_its_entities(tmp_path: Path) -> None:
    kept = {"entity": "urgency", "start": 0, "end": 4, "value": "days", "extractor": "DIETClassifier"}

    [message] = run(tmp_path, user_message("soon, they said", entities=[kept]))

    assert message.get(ENTITIES) == [kept]


def test_button_payloads_are_left_to_rasa(tmp_path: Path) -> None:
    payload = '/inform{"condition":"breast cancer"}'
    domain = Domain.from_dict({"version": "3.1", "intents": ["inform"], "entities": ["condition"]})

    [message] = run(tmp_path, user_message(payload))
    assert message.get(ENTITIES) is None

    [handled] = build(RegexMessageHandler, tmp_path).process([message], domain)
    assert [(e["entity"], e["value"], e["extractor"]) for e in handled.get(ENTITIES)] == [
        ("condition", "breast cancer", "RegexMessageHandler")
    ]


@pytest.mark.parametrize("text", ["/ my mom has breast cancer", "/stage 2 breast cancer?"])
def test_typed_text_starting_with_a_slash_is_still_read(tmp_path: Path, text: str) -> None:
    [message] = run(tmp_path, user_message(text))

    assert by_type(message.get(ENTITIES))["condition"]["value"] == "breast cancer"


def test_rasa_test_nlu_evaluates_it(tmp_path: Path) -> None:
    """`rasa test nlu` finds extractors by the `extractor` key and scores them per token."""
    text = "my mom has stage 2 brest cancer"
    [message] = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([user_message(text)])
    [message] = run(tmp_path, message)
    start, end = span(text, "stage 2 brest cancer")
    targets = [
        {"entity": "relation", "start": 3, "end": 6, "value": "mom"},
        {"entity": "condition", "start": start, "end": end, "value": "breast cancer"},
    ]
    result = EntityEvaluationResult(targets, message.get(ENTITIES), message.get("text_tokens"), message.get(TEXT))

    assert _get_active_entity_extractors([result]) == {EXTRACTOR}
    aligned = align_entity_predictions(result, {EXTRACTOR})
    assert aligned["extractor_labels"][EXTRACTOR] == aligned["target_labels"]
    assert aligned["target_labels"] == ["O", "relation", "O", "condition", "condition", "condition", "condition"]
