"""Quality gate on the trained model: the understanding targets hold on sets it never saw.

These load models/advocate.tar.gz (marker `model`: `make test-nlu` runs them right after training)
and fail, never skip, when it is missing. The same evaluation prints the full report with
`make eval`; the report of this run is written to results/nlu/.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import yaml

from tests.nlu.evaluate import (
    DEFAULT_MODEL,
    ROOT,
    TARGETS,
    TEST_SETS,
    Evaluation,
    SetResult,
    evaluate_all,
    load_processor,
    target_checks,
    write_report,
)

_WORD = re.compile(r"[a-z0-9']+")


def _examples(path: Path) -> list[str]:
    """The plain text of every example in a Rasa YAML NLU file (entity markup removed)."""
    data = yaml.safe_load(path.read_text()) or {}
    texts = []
    for item in data.get("nlu", []):
        for line in str(item.get("examples", "")).splitlines():
            if line.strip().startswith("- "):
                text = re.sub(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:])
                texts.append(text)
    return texts


# Issue 11's sets of first messages, in their own format (each with the intent, the kind of message
# and what an advocate should do), each written by someone who saw no training data or other set:
# external2 is the blind set; the others are development sets whose errors may be read
# (tests/nlu/behaviour.py).
EXTERNAL_SET = ROOT / "tests/nlu/external.yml"
EXTERNAL_SET_2 = ROOT / "tests/nlu/external2.yml"
DEV_SET = ROOT / "tests/nlu/dev.yml"
SAFETY_DEV_SET = ROOT / "tests/nlu/safety_dev.yml"
UNCLEAR_DEV_SET = ROOT / "tests/nlu/unclear_dev.yml"


def _external_examples(path: Path = EXTERNAL_SET) -> list[str]:
    return [message["text"] for message in yaml.safe_load(path.read_text())["messages"]]


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def test_no_test_message_is_trained_on() -> None:
    """A test set copied (or nearly copied) into data/nlu would measure memory, not understanding.

    Near copies are messages whose words are 90% the same: "can i print this" vs "can i print
    this?" or "Can I print this". Short messages (under four words) may legitimately recur
    ("yes", "no idea") and are compared exactly only.
    """
    training = [_words(text) for path in sorted((ROOT / "data/nlu").glob("*.yml")) for text in _examples(path)]
    exact = set(training)
    leaks = []
    sets = {name: _examples(path) for name, path in TEST_SETS.items() if path.is_file()}
    sets["external"] = _external_examples()
    sets["external2"] = _external_examples(EXTERNAL_SET_2)
    sets["dev"] = _external_examples(DEV_SET)
    sets["safety_dev"] = _external_examples(SAFETY_DEV_SET)
    sets["unclear_dev"] = _external_examples(UNCLEAR_DEV_SET)
    for name, texts in sets.items():
        for text in texts:
            words = _words(text)
            if len(words) < 4:
                if words in exact and len(words) > 2:
                    leaks.append(f"{name}: {text}")
                continue
            if any(len(words & other) / len(words | other) >= 0.9 for other in training):
                leaks.append(f"{name}: {text}")
    assert not leaks, "test messages found in data/nlu:\n" + "\n".join(leaks)


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    """Every test set through the trained model once; the report lands in results/nlu/."""
    evaluated = asyncio.run(evaluate_all(load_processor(DEFAULT_MODEL)))
    write_report(ROOT / "results/nlu", evaluated, None, target_checks(evaluated))
    return evaluated


@pytest.fixture(scope="module")
def results(evaluation: Evaluation) -> dict[str, SetResult]:
    return evaluation.sets


def _intents_below(result: SetResult, floor: float) -> list[str]:
    return [f"{label} {score.f1:.2f}" for label, score in result.intents.items() if score.f1 < floor]


@pytest.mark.model
@pytest.mark.parametrize(("name", "target"), TARGETS.macro_f1)
def test_intent_macro_f1_meets_target(results: dict[str, SetResult], name: str, target: float) -> None:
    result = results[name]
    assert (
        result.intent_macro_f1 >= target
    ), f"{name} intent macro-F1 {result.intent_macro_f1:.3f} < {target}; see results/nlu/report.md"


@pytest.mark.model
@pytest.mark.parametrize("name", TARGETS.floor_sets)
def test_every_intent_meets_the_floor(results: dict[str, SetResult], name: str) -> None:
    weak = _intents_below(results[name], TARGETS.min_intent_f1)
    assert not weak, f"{name}: intents below {TARGETS.min_intent_f1}: {', '.join(weak)}"


@pytest.mark.model
def test_robustness_accuracy_meets_target(results: dict[str, SetResult]) -> None:
    accuracy = results["robustness"].intent_accuracy
    assert accuracy >= TARGETS.robustness_accuracy, f"robustness accuracy {accuracy:.3f}"


@pytest.mark.model
@pytest.mark.parametrize("entity", TARGETS.gated_entities)
def test_entity_f1_meets_target(evaluation: Evaluation, entity: str) -> None:
    score = evaluation.entities[entity]
    assert score.f1 >= TARGETS.entity_f1, f"{entity}: {score}"


@pytest.mark.model
def test_faq_answers_are_selected_well(results: dict[str, SetResult]) -> None:
    """The right FAQ answer, not only "some FAQ": the response selector on the held-out set."""
    faq_f1 = results["heldout"].faq_macro_f1
    assert faq_f1 is not None and faq_f1 >= TARGETS.faq_macro_f1, f"FAQ macro-F1 {faq_f1}"
