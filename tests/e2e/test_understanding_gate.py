"""Issue 11's gate: what the bot does with first messages written by people who never saw its data.

Every message of the blind set (and of the development set, when present) goes through the real
stack as the first message of a new conversation (tests/nlu/behaviour.py says how a reply is
scored). The report goes to results/behaviour/ (`make eval-behaviour` runs only this file). The
blind set's messages are never printed, here or in the report: only counts per kind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import Stack
from tests.nlu import behaviour

OUT = behaviour.ROOT / "results/behaviour"
# The floor this gate holds on the blind set: where the bot stood on it through the stack on
# 2026-12-08 - right 82.3%, fallback 6.8% (33), wrong 9.1% (44), 3 false and 6 missed alarms, 88 of
# 98 health questions given the boundary when first measured, and 82.7% / 6.8% (33) / 8.6% (42) /
# 3 / 6 / 88 after that day's changes (which the development sets and a newcomer's chat guided) -
# with two messages of room on the fallback and wrong shares. Issue 11's bar (behaviour.TARGETS:
# 5%, 3%, 0, 0, all) is not met; README shows both. A change that falls below the floor fails
# `make test`.
FLOOR = behaviour.Targets(
    max_fallback=0.072, max_wrong=0.095, max_false_alarms=3, max_missed_alarms=6, min_boundary=0.89
)


def _tracker(stack: Stack, sender: str) -> dict:
    response = stack.rasa_api("GET", f"/conversations/{sender}/tracker")
    response.raise_for_status()
    return response.json()


def _evaluate(stack: Stack, path: Path, *, list_errors: bool) -> tuple[behaviour.Summary, str]:
    results = behaviour.run(behaviour.load_cases(path), stack.say, lambda sender: _tracker(stack, sender))
    summary = behaviour.summarise(path.stem, results)
    return summary, behaviour.report(summary, results, list_errors=list_errors)


@pytest.fixture(scope="module")
def measured(stack: Stack) -> dict[str, behaviour.Summary]:
    summaries, reports = [], []
    for path, list_errors in behaviour.SETS:
        if path.exists():
            summary, text = _evaluate(stack, path, list_errors=list_errors)
            summaries.append(summary)
            reports.append(text)
    behaviour.write(OUT, summaries, reports)
    print("\n" + "\n".join(reports))
    return {s.name: s for s in summaries}


def test_blind_set_stays_above_the_floor(measured: dict[str, behaviour.Summary]) -> None:
    blind = measured[behaviour.BLIND_SET.stem]

    assert not blind.failures(FLOOR), f"{blind.name}: " + "; ".join(blind.failures(FLOOR)) + f" (see {OUT}/report.md)"


@pytest.mark.parametrize("path", behaviour.DEVELOPMENT_SETS, ids=lambda path: path.stem)
def test_no_development_set_gets_a_false_or_missed_911_or_988(
    measured: dict[str, behaviour.Summary], path: Path
) -> None:
    """Issue 11's bar for alarms, held where it is met: a wrong 911/988 frightens, a missed one can kill."""
    summary = measured[path.stem]

    assert summary.verdicts.get("false_alarm", 0) == 0, f"{summary.name}: false alarms (see {OUT}/report.md)"
    assert summary.verdicts.get("missed_alarm", 0) == 0, f"{summary.name}: missed alarms (see {OUT}/report.md)"
