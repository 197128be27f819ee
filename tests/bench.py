"""Micro-benchmark of the pure logic that runs on every message: `make bench` / `python -m tests.bench`.

Safety detection, the intent holds and vocabulary matching (the project's spaCy pipeline, `bot.nlp`, alone and as
`find_mentions`) run on every message the assistant receives (the NLU pipeline's safety override,
AdvocateSpacyNLP and the entity extractor), and the recommendation rules at the end of
every assessment. This times each over realistic inputs so a slow regex or an accidental reload
of the vocabularies shows up as a number, not as a slow chat. Figures are per call, in
microseconds, measured call by call after one warm-up call (whose time is shown: it includes
building the spaCy pipeline from the vocabulary files).

    python -m tests.bench --iterations 5000
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.logic import recommendation, vocabulary
from bot.nlp.build import shared_nlp
from bot.understanding import form_answers, intent_holds, risk

MESSAGES = (
    "hi",
    "I have stage 2 brest cancer and they want to do chemo in 2 weeks",
    "my mom has ms and the neurologist wants to start her on a new infusion next month",
    "they want to do a cabg but the second cardiologist disagrees, not sure what to do",
    "I was told it's probably nothing but they want to take out my gallbladder, is that normal? "
    "the surgeon seemed rushed and didn't explain much, and my insurance says I need a referral",
    "it's not cancer, they ruled it out, but my knee still hurts after 6 months of physical therapy",
    "honestly I don't want to live anymore if this is what the rest of my life looks like",
    "my dad has chest pain and can't breathe right now",
    "Can you text me my questions? Also add: how long is recovery? and can I work during treatment?",
)

ANSWERS: tuple[dict[str, Any], ...] = (
    {"condition": "breast cancer", "treatment": "chemotherapy", "urgency": "weeks"},
    {
        "condition": "knee pain",
        "treatment": "knee replacement",
        "urgency": "months",
        "diagnosis_certainty": "certain",
        "rare_condition": "no",
        "not_improving": "yes",
        "insurer_requires": "not_sure",
        "confidence": "somewhat",
    },
    {
        "condition": "high blood pressure",
        "treatment": "medication",
        "urgency": "not_started",
        "diagnosis_certainty": "certain",
        "rare_condition": "no",
        "not_improving": "no",
        "insurer_requires": "no",
        "confidence": "confident",
    },
    {"condition": "not_sure", "treatment": "not_sure", "urgency": "emergency", "diagnosis_certainty": "disagree"},
)

FREE_TEXT_ANSWERS = (
    ("urgency", "they want to start in about 3 weeks"),
    ("diagnosis_certainty", "the second doctor thinks it's something else"),
    ("confidence", "not really, I don't trust him"),
    ("rare_condition", "2"),
    ("insurer_requires", '/inform{"insurer_requires":"yes"}'),
)


@dataclass(frozen=True)
class Case:
    name: str
    call: Callable[[Any], Any]
    inputs: Sequence[Any]


CASES = (
    Case("risk.detect_risk", risk.detect_risk, MESSAGES),
    # every hold's reader on a message the classifier was unsure of: the most work the holds do
    Case(
        "intent_holds.hold (all readers)",
        lambda text: intent_holds.hold(intent_holds.Reading(text=text, intent=intent_holds.UNSURE)),
        MESSAGES,
    ),
    Case("spacy pipeline (nlp(text))", lambda text: shared_nlp()(text), MESSAGES),
    Case("vocabulary.find_mentions", vocabulary.find_mentions, MESSAGES),
    Case("vocabulary.canonical_condition", vocabulary.canonical_condition, [m[:60] for m in MESSAGES]),
    Case("form_answers.parse_answer", lambda pair: form_answers.parse_answer(*pair), FREE_TEXT_ANSWERS),
    Case("recommendation.recommend", recommendation.recommend, ANSWERS),
)


def _run(case: Case, iterations: int) -> tuple[float, list[float]]:
    """The warm-up call's time and every later call's time, in microseconds."""
    start = time.perf_counter_ns()
    case.call(case.inputs[0])
    first = (time.perf_counter_ns() - start) / 1000
    samples = []
    for _ in range(iterations):
        for value in case.inputs:
            start = time.perf_counter_ns()
            case.call(value)
            samples.append((time.perf_counter_ns() - start) / 1000)
    return first, samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=1000, help="passes over each case's inputs (1000)")
    args = parser.parse_args(argv)

    print(f"{args.iterations} passes over each case's inputs; microseconds per call\n")
    header = f"{'case':<32} {'inputs':>6} {'first':>9} {'mean':>8} {'median':>8} {'p95':>8} {'max':>8}"
    print(header)
    print("-" * len(header))
    for case in CASES:
        first, samples = _run(case, args.iterations)
        p95 = statistics.quantiles(samples, n=20)[-1]
        print(
            f"{case.name:<32} {len(case.inputs):>6} {first:>9.1f} {statistics.fmean(samples):>8.1f} "
            f"{statistics.median(samples):>8.1f} {p95:>8.1f} {max(samples):>8.1f}"
        )
    print("\nfirst: the warm-up call (builds the spaCy pipeline from the vocabularies); the others exclude it.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
