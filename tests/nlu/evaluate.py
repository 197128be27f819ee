"""Measure how well the trained model understands people: `make eval` and the quality gate.

Usage: python -m tests.nlu.evaluate [--model models/advocate.tar.gz] [--folds 5] [--out results/eval]

Every figure comes from Rasa's own evaluation code (`rasa.nlu.test`), run on test sets that are
never trained on (a test guards that: tests/nlu/test_quality.py):

- `heldout`: the held-out set of issue 2 (realistic messages per intent);
- `blind`, `blind2`, `blind3`: each written from the intent definitions by someone who never saw
  the training data or the other sets. Errors on `heldout`, `blind` and `blind2` guided the
  training data (by kind of mistake, never by copying a message); `blind3` was written last and
  only its headline figures were ever looked at, so it is the least biased figure;
- `robustness`: typos, SMS abbreviations, ALL CAPS, no punctuation, caregiver voice;
- `entities`: messages with every condition/treatment/... span annotated with its canonical value
  (the only set whose entity annotations are complete, so the only one scored for entities).

Entity scores are per entity type and count a predicted entity as right when its type matches a
gold annotation whose span it overlaps and, where the annotation states a canonical value, whose
value it equals (what the bot acts on: "stage 2 brest cancer" must become "breast cancer"). This is
stricter than Rasa's token-level report about values and kinder about where a qualifier like
"stage 2" ends.

`--folds N` adds N-fold cross-validation on the training data (one NLU training per fold, see
`cross_validate`). The report is printed and written to `<out>/report.md` and `<out>/report.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
INTENT_SETS: dict[str, Path] = {
    "heldout": ROOT / "tests/nlu/heldout.yml",
    "blind": ROOT / "tests/nlu/blind.yml",
    "blind2": ROOT / "tests/nlu/blind2.yml",
    "blind3": ROOT / "tests/nlu/blind3.yml",
    "robustness": ROOT / "tests/nlu/robustness.yml",
}
# Its intent labels are placeholders: only its entities are scored.
ENTITY_SET = ROOT / "tests/nlu/entities_heldout.yml"
TEST_SETS: dict[str, Path] = {**INTENT_SETS, "entities": ENTITY_SET}
DEFAULT_MODEL = ROOT / "models/advocate.tar.gz"


@dataclass(frozen=True)
class Targets:
    """The quality bar. Issue 5 sets it on the held-out file: intent macro-F1 >= 0.93 with no intent
    below 0.85, condition/treatment F1 >= 0.90, robustness accuracy >= 0.88. The blind sets are held
    to issue 2's bar (macro-F1 >= 0.90): they measure the same thing without anyone having tuned
    against them, and have only 8-10 messages per intent, where one miss moves an intent's F1 by
    ~0.1 (so no per-intent floor there: it would measure luck).
    """

    macro_f1: tuple[tuple[str, float], ...] = (("heldout", 0.93), ("blind", 0.90), ("blind2", 0.90), ("blind3", 0.90))
    min_intent_f1: float = 0.85
    floor_sets: tuple[str, ...] = ("heldout",)
    entity_f1: float = 0.90
    gated_entities: tuple[str, ...] = ("condition", "treatment")
    robustness_accuracy: float = 0.88
    # Which FAQ answer is chosen (response selector), once the intent is known to be an FAQ.
    faq_macro_f1: float = 0.90


TARGETS = Targets()


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class SetResult:
    """What one test set says about the model."""

    name: str
    examples: int
    intent_accuracy: float
    intent_macro_f1: float
    intents: dict[str, Score]
    confusions: list[tuple[str, str, int]]
    errors: list[dict[str, Any]]
    # Share of messages the classifier got below the FallbackClassifier threshold: in a real
    # conversation these get "sorry, could you put that another way?" (Rasa's evaluation scores
    # the classifier's own guess, so this is the cost the accuracy figures don't show).
    below_fallback: float = 0.0
    faq_accuracy: float | None = None
    faq_macro_f1: float | None = None


@dataclass
class Evaluation:
    """Intent results per test set and entity scores per entity type."""

    sets: dict[str, SetResult]
    entities: dict[str, Score]


def _score(report_row: dict[str, Any]) -> Score:
    return Score(
        precision=report_row["precision"],
        recall=report_row["recall"],
        f1=report_row["f1-score"],
        support=int(report_row["support"]),
    )


def _per_label(report: dict[str, Any]) -> dict[str, Score]:
    return {
        label: _score(row)
        for label, row in report.items()
        if isinstance(row, dict) and label not in {"macro avg", "weighted avg", "micro avg"}
    }


def entity_scores(examples: Iterable[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]]) -> dict[str, Score]:
    """Per-type precision/recall/F1 of the entities the bot acts on (see the module docstring).

    `examples` are (message, gold entities, predicted entities), each entity a Rasa-style dict
    with `entity`, `start`, `end` and `value`.
    """
    true_positives: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    for message, targets, predictions in examples:
        gold.update(target["entity"] for target in targets)
        matched: set[int] = set()
        for prediction in predictions:
            predicted[prediction["entity"]] += 1
            for index, target in enumerate(targets):
                if index in matched or target["entity"] != prediction["entity"]:
                    continue
                overlaps = prediction["start"] < target["end"] and target["start"] < prediction["end"]
                if overlaps and _same_value(prediction, target, message):
                    matched.add(index)
                    true_positives[prediction["entity"]] += 1
                    break
    scores = {}
    for entity in sorted(set(gold) | set(predicted)):
        precision = true_positives[entity] / predicted[entity] if predicted[entity] else 0.0
        recall = true_positives[entity] / gold[entity] if gold[entity] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[entity] = Score(precision, recall, f1, gold[entity])
    return scores


def _same_value(prediction: dict[str, Any], target: dict[str, Any], message: str) -> bool:
    """An annotation that states a canonical value must get it; one without only needs the span.

    Rasa gives an annotation without an explicit value its own text as value, and older test sets
    annotate spans only ("[Parkinson's](condition)").
    """
    target_value = str(target.get("value", "")).lower()
    if target_value == message[target["start"] : target["end"]].lower():
        return True
    return str(prediction.get("value", "")).lower() == target_value


async def _eval_data(processor: Any, path: Path) -> tuple[list[Any], list[Any], list[Any]]:
    """Rasa's (intent, response selection, entity) results for every message of a test file."""
    from rasa.nlu.test import get_eval_data
    from rasa.shared.importers.importer import TrainingDataImporter

    test_data = TrainingDataImporter.load_from_dict(
        training_data_paths=[str(path)], domain_path=str(ROOT / "domain.yml")
    ).get_nlu_data()
    return await get_eval_data(processor, test_data)


def fallback_threshold(config: Path = ROOT / "config.yml") -> float:
    """The FallbackClassifier threshold of the project's pipeline (what the live bot uses)."""
    import yaml

    pipeline = yaml.safe_load(config.read_text())["pipeline"]
    return next(float(step["threshold"]) for step in pipeline if step["name"] == "FallbackClassifier")


async def evaluate_set(processor: Any, name: str, path: Path) -> SetResult:
    """Run one intent test set through the model with Rasa's evaluation code."""
    from rasa.nlu.test import evaluate_intents, evaluate_response_selections

    intent_results, faq_results, _ = await _eval_data(processor, path)
    threshold = fallback_threshold()
    intents = evaluate_intents(intent_results, None, False, False, True, report_as_dict=True)
    report = intents["report"]
    pairs = Counter(
        (r.intent_target, r.intent_prediction) for r in intent_results if r.intent_target != r.intent_prediction
    )
    errors = [
        {
            "text": r.message,
            "intent": r.intent_target,
            "predicted": r.intent_prediction,
            "confidence": round(r.confidence or 0.0, 3),
        }
        for r in intent_results
        if r.intent_target != r.intent_prediction
    ]
    result = SetResult(
        name=name,
        examples=len(intent_results),
        intent_accuracy=report["accuracy"],
        intent_macro_f1=report["macro avg"]["f1-score"],
        intents=_per_label(report),
        confusions=[(gold, predicted, n) for (gold, predicted), n in pairs.most_common()],
        errors=errors,
        below_fallback=sum((r.confidence or 0.0) < threshold for r in intent_results) / len(intent_results),
    )
    if faq_results:
        faq = evaluate_response_selections(faq_results, None, False, False, True, report_as_dict=True)
        result.faq_accuracy = faq["report"]["accuracy"]
        result.faq_macro_f1 = faq["report"]["macro avg"]["f1-score"]
    return result


async def evaluate_entities(processor: Any, path: Path = ENTITY_SET) -> dict[str, Score]:
    """Entity scores of the whole NLU pipeline on the entity test set."""
    _, _, entity_results = await _eval_data(processor, path)
    return entity_scores((r.message, list(r.entity_targets), list(r.entity_predictions)) for r in entity_results)


def load_processor(model: Path) -> Any:
    """Load the trained model once (tens of seconds): every set is then evaluated in memory."""
    from rasa.core.agent import Agent

    if not model.is_file():
        raise FileNotFoundError(f"no trained model at {model}: run `make train` first")
    return Agent.load(str(model)).processor


async def evaluate_all(processor: Any) -> Evaluation:
    """Every test set that exists, in a stable order."""
    sets = {name: await evaluate_set(processor, name, path) for name, path in INTENT_SETS.items() if path.is_file()}
    entities = await evaluate_entities(processor) if ENTITY_SET.is_file() else {}
    return Evaluation(sets, entities)


async def cross_validate(folds: int, out: Path) -> dict[str, Any]:
    """N-fold cross-validation on data/nlu: one NLU training per fold, scored like the test sets.

    Each fold is trained the way `make train` trains (config.yml, with the domain) and evaluated by
    `evaluate_set`, so its figures compare with the test sets'. Folds are stratified by intent
    (FAQ examples by their sub-intent), with a fixed shuffle: the same data gives the same folds.
    Figures are the mean over folds, with the lowest fold's macro-F1.
    """
    import rasa.model_training
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    data = TrainingDataImporter.load_from_dict(
        training_data_paths=[str(ROOT / "data/nlu")], domain_path=str(ROOT / "domain.yml")
    ).get_nlu_data()
    examples = data.intent_examples
    labels = [example.get("intent_response_key") or example.get("intent") for example in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=42)
    results = []
    for fold, (train_rows, test_rows) in enumerate(splitter.split(examples, labels)):
        fold_dir = out / f"fold{fold}"
        fold_dir.mkdir(parents=True, exist_ok=True)
        train = TrainingData([examples[row] for row in train_rows], regex_features=data.regex_features)
        RasaYAMLWriter().dump(fold_dir / "train.yml", train)
        RasaYAMLWriter().dump(fold_dir / "test.yml", TrainingData([examples[row] for row in test_rows]))
        model = rasa.model_training.train_nlu(
            str(ROOT / "config.yml"), str(fold_dir / "train.yml"), str(fold_dir), domain=str(ROOT / "domain.yml")
        )
        result = await evaluate_set(load_processor(Path(model)), f"fold{fold}", fold_dir / "test.yml")
        # The fold's misreadings, to read when deciding what in the training data is unclear or mislabelled.
        (fold_dir / "errors.json").write_text(json.dumps(result.errors, indent=1), encoding="utf-8")
        results.append(result)
    return {
        "folds": folds,
        "intent_accuracy": statistics.fmean(result.intent_accuracy for result in results),
        "intent_macro_f1": statistics.fmean(result.intent_macro_f1 for result in results),
        "lowest_fold_macro_f1": min(result.intent_macro_f1 for result in results),
        # Mean F1 per intent over the folds, lowest first: which intents pull the macro average down.
        "intent_f1": dict(
            sorted(
                (
                    (label, round(statistics.fmean(r.intents[label].f1 for r in results if label in r.intents), 3))
                    for label in {label for r in results for label in r.intents}
                ),
                key=lambda item: item[1],
            )
        ),
        "confusions": sum(
            (Counter({(gold, predicted): n for gold, predicted, n in result.confusions}) for result in results),
            Counter(),
        ).most_common(10),
    }


def target_checks(evaluation: Evaluation, targets: Targets = TARGETS) -> list[tuple[str, bool]]:
    """Each target as a readable line and whether it is met (missing sets count as not met)."""
    results = evaluation.sets
    checks = []
    for name, target in targets.macro_f1:
        result = results.get(name)
        checks.append(
            (
                f"{name}: intent macro-F1 {result.intent_macro_f1:.3f} >= {target}"
                if result
                else f"{name}: test set missing",
                bool(result and result.intent_macro_f1 >= target),
            )
        )
        if result and name in targets.floor_sets:
            worst = min(result.intents.items(), key=lambda item: item[1].f1)
            checks.append(
                (
                    f"{name}: lowest intent F1 {worst[1].f1:.3f} ({worst[0]}) >= {targets.min_intent_f1}",
                    worst[1].f1 >= targets.min_intent_f1,
                )
            )
    heldout = results.get("heldout")
    if heldout and heldout.faq_macro_f1 is not None:
        checks.append(
            (
                f"heldout: FAQ answer macro-F1 {heldout.faq_macro_f1:.3f} >= {targets.faq_macro_f1}",
                heldout.faq_macro_f1 >= targets.faq_macro_f1,
            )
        )
    robustness = results.get("robustness")
    checks.append(
        (
            f"robustness: intent accuracy {robustness.intent_accuracy:.3f} >= {targets.robustness_accuracy}"
            if robustness
            else "robustness: test set missing",
            bool(robustness and robustness.intent_accuracy >= targets.robustness_accuracy),
        )
    )
    for entity in targets.gated_entities:
        score = evaluation.entities.get(entity)
        checks.append(
            (
                f"entities: {entity} F1 {score.f1:.3f} >= {targets.entity_f1}"
                if score
                else f"entities: no {entity} annotations",
                bool(score and score.f1 >= targets.entity_f1),
            )
        )
    return checks


def render(evaluation: Evaluation, cv: dict[str, Any] | None, checks: list[tuple[str, bool]]) -> str:
    """The Markdown report: headline figures, targets, entities, weakest intents, confusions."""
    lines = [
        "# NLU evaluation",
        "",
        "| set | examples | intent accuracy | intent macro-F1 | FAQ answer macro-F1 | asked to rephrase |",
        "|---|---|---|---|---|---|",
    ]
    for result in evaluation.sets.values():
        faq = f"{result.faq_macro_f1:.3f}" if result.faq_macro_f1 is not None else "-"
        lines.append(
            f"| {result.name} | {result.examples} | {result.intent_accuracy:.3f} "
            f"| {result.intent_macro_f1:.3f} | {faq} | {result.below_fallback:.1%} |"
        )
    if cv:
        lines.append(
            f"| {cv['folds']}-fold CV on the training data (mean; lowest fold {cv['lowest_fold_macro_f1']:.3f}) "
            f"| - | {cv['intent_accuracy']:.3f} | {cv['intent_macro_f1']:.3f} | - | - |"
        )
    if cv:
        lines.append("")
        lines.append(
            "Cross-validation, most confused (gold -> predicted, count over all folds): "
            + "; ".join(f"{gold} -> {predicted} ({n})" for (gold, predicted), n in cv["confusions"])
        )
    lines += [
        "",
        f"Asked to rephrase: messages the classifier scored below the fallback threshold "
        f'({fallback_threshold()}), which the live bot answers with "could you put that another way?" '
        "instead of acting on the guess that the accuracy columns score.",
    ]
    lines += ["", "## Targets", ""]
    lines += [f"- [{'x' if met else ' '}] {text}" for text, met in checks]
    if evaluation.entities:
        lines += ["", "## Entities (tests/nlu/entities_heldout.yml)", ""]
        lines += ["| entity | precision | recall | F1 | gold |", "|---|---|---|---|---|"]
        lines += [
            f"| {entity} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} | {score.support} |"
            for entity, score in evaluation.entities.items()
            if score.support  # the set annotates condition and treatment only
        ]
    for result in evaluation.sets.values():
        lines += ["", f"## {result.name}", ""]
        weakest = sorted(result.intents.items(), key=lambda item: item[1].f1)[:8]
        lines.append("Weakest intents: " + ", ".join(f"{label} {score.f1:.2f}" for label, score in weakest))
        if result.confusions:
            lines.append("")
            lines.append(
                "Most confused (gold -> predicted, count): "
                + "; ".join(f"{gold} -> {predicted} ({n})" for gold, predicted, n in result.confusions[:10])
            )
        if result.name in TARGETS.floor_sets:
            lines += ["", "| intent | precision | recall | F1 | messages |", "|---|---|---|---|---|"]
            lines += [
                f"| {label} | {score.precision:.2f} | {score.recall:.2f} | {score.f1:.2f} | {score.support} |"
                for label, score in sorted(result.intents.items(), key=lambda item: (item[1].f1, item[0]))
            ]
    return "\n".join(lines) + "\n"


def write_report(out: Path, evaluation: Evaluation, cv: dict[str, Any] | None, checks: list[tuple[str, bool]]) -> str:
    """Write report.md / report.json (errors included, for error analysis) and return the text."""
    out.mkdir(parents=True, exist_ok=True)
    text = render(evaluation, cv, checks)
    (out / "report.md").write_text(text)
    payload = {
        "sets": {name: asdict(result) for name, result in evaluation.sets.items()},
        "entities": {entity: asdict(score) for entity, score in evaluation.entities.items()},
        "cross_validation": cv,
        "targets": [{"check": check, "met": met} for check, met in checks],
    }
    (out / "report.json").write_text(json.dumps(payload, indent=2))
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--folds", type=int, default=0, help="cross-validation folds (0: none)")
    parser.add_argument("--out", type=Path, default=ROOT / "results/eval")
    args = parser.parse_args(argv)
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    evaluation = asyncio.run(evaluate_all(load_processor(args.model)))
    cv = asyncio.run(cross_validate(args.folds, args.out / "cv")) if args.folds else None
    checks = target_checks(evaluation)
    print(write_report(args.out, evaluation, cv, checks))
    print(f"(written to {args.out}/report.md and report.json; errors per set in report.json)")
    return 0 if all(met for _, met in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
