"""Entity quality of the vocabulary pipeline alone on tests/nlu/entities_heldout.yml.

No trained model needed, so a vocabulary change that breaks recognition fails in the unit tests,
minutes before the model-level gate (tests/nlu/test_quality.py) would. Scoring is the evaluation's
own (`tests.nlu.evaluate.entity_scores`): same type, overlapping span, same canonical value. Run as
a script for the report, including every miss:

    .venv/bin/python -m tests.unit.test_entity_heldout
"""

from __future__ import annotations

from typing import Any

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.logic.vocabulary import find_mentions
from tests.nlu.evaluate import TARGETS, TEST_SETS, Score, entity_scores

Example = tuple[str, list[dict[str, Any]], list[dict[str, Any]]]


def _examples() -> list[Example]:
    examples = []
    for message in RasaYAMLReader().read(TEST_SETS["entities"]).training_examples:
        text = message.get("text")
        predicted = [
            {"entity": m.entity, "start": m.start, "end": m.end, "value": m.value} for m in find_mentions(text)
        ]
        gold = [e for e in message.get("entities", []) if e["entity"] in TARGETS.gated_entities]
        examples.append((text, gold, [p for p in predicted if p["entity"] in TARGETS.gated_entities]))
    return examples


def _misses(examples: list[Example]) -> list[str]:
    """Every gold entity not found and every prediction not in the gold set, for the report."""
    lines = []

    def describe(kind: str, text: str, entity: dict[str, Any]) -> str:
        span = text[entity["start"] : entity["end"]]
        return f"{kind} {entity['entity']} {span!r}={entity['value']!r} in {text!r}"

    for text, gold, predicted in examples:
        lines += [
            describe("FN", text, entity)
            for entity in gold
            if not entity_scores([(text, [entity], predicted)])[entity["entity"]].recall
        ]
        lines += [
            describe("FP", text, entity)
            for entity in predicted
            if not entity_scores([(text, gold, [entity])])[entity["entity"]].precision
        ]
    return lines


def test_condition_and_treatment_f1_on_the_heldout_set() -> None:
    examples = _examples()
    scores: dict[str, Score] = entity_scores(examples)
    assert scores["condition"].support >= 100  # a set big enough to mean something
    for entity in TARGETS.gated_entities:
        assert scores[entity].f1 >= TARGETS.entity_f1, (entity, scores[entity], _misses(examples))


def main() -> int:
    examples = _examples()
    for entity, score in entity_scores(examples).items():
        print(f"{entity:<10} P={score.precision:.3f} R={score.recall:.3f} F1={score.f1:.3f} (gold={score.support})")
    print("\n".join(f"  {line}" for line in _misses(examples)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
