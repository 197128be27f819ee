"""Suggested questions for a second-opinion appointment, from a curated library.

People often don't know what to ask, and a blank page is hardest when you are frightened. The
library (`question_library.yml`) holds plain-language questions from recognised frameworks
(Ask Me 3, BRAN, AHRQ, the American Cancer Society, NCI, Medicare.gov) so each suggestion can show
where it comes from. Ranking is deterministic: the same situation always gives the same list, which
keeps conversations and tests predictable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.understanding.questions import question_key

LIBRARY_PATH = Path(__file__).with_name("question_library.yml")

TOPICS = (
    "diagnosis",
    "treatment",
    "surgery",
    "chemotherapy",
    "radiation",
    "medication",
    "second_opinion",
    "records",
    "insurance",
    "recovery",
    "side_effects",
    "clinical_trials",
    "costs",
)

# The questions worth asking at any visit; they fill the list after the tailored ones.
ESSENTIAL_SOURCES = frozenset({"Ask Me 3 (IHI)", "BRAN"})

# A broader treatment also matches questions written for its narrower kind: a transplant is
# major surgery, and questions about "surgery" apply to major surgery too.
_TREATMENT_INCLUDES = {
    "major_surgery": frozenset({"major_surgery", "surgery"}),
    "transplant": frozenset({"transplant", "major_surgery", "surgery"}),
    "major_procedure": frozenset({"major_procedure", "procedure"}),
}

# Asking about a topic opens the treatment-specific questions for it, even before the person has
# told us their treatment ("suggest questions about chemo").
_TOPIC_TREATMENTS = {
    "surgery": frozenset({"surgery", "major_surgery", "procedure", "major_procedure", "transplant"}),
    "chemotherapy": frozenset({"chemotherapy"}),
    "radiation": frozenset({"radiation"}),
    "medication": frozenset({"medication"}),
    "clinical_trials": frozenset({"experimental"}),
}

_TOPIC_ALIASES = {
    "chemo": "chemotherapy",
    "operation": "surgery",
    "surgeries": "surgery",
    "radiotherapy": "radiation",
    "radiation_therapy": "radiation",
    "medications": "medication",
    "medicine": "medication",
    "medicines": "medication",
    "meds": "medication",
    "drugs": "medication",
    "second_opinions": "second_opinion",
    "record": "records",
    "medical_records": "records",
    "cost": "costs",
    "money": "costs",
    "side_effect": "side_effects",
    "clinical_trial": "clinical_trials",
    "trials": "clinical_trials",
    "trial": "clinical_trials",
    "insurer": "insurance",
    "coverage": "insurance",
    "recovering": "recovery",
}


@dataclass(frozen=True)
class Suggestion:
    """One suggested question and the framework it comes from (shown so people can trust it)."""

    text: str
    source: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class _Entry:
    suggestion: Suggestion
    condition_categories: frozenset[str]
    treatment_categories: frozenset[str]

    @property
    def essential(self) -> bool:
        return self.suggestion.source in ESSENTIAL_SOURCES


def suggest(
    topic: str | None = None,
    condition_category: str | None = None,
    treatment_category: str | None = None,
    exclude: Iterable[str] = (),
    limit: int = 5,
) -> list[Suggestion]:
    """The best `limit` questions for this topic and situation, never one already in `exclude`.

    Order: questions on the asked topic first, the ones fitting the person's condition and
    treatment first among them; then Ask Me 3 and BRAN, which suit every case. Questions written
    for one kind of condition or treatment (cancer staging, chemo schedules) are left out when they
    don't fit, so nobody with a heart condition is asked about their tumour. `exclude` holds the
    saved questions: compared case-insensitively, so nothing already saved is offered again.
    """
    wanted_topic = normalise_topic(topic)
    treatments = _treatment_scope(treatment_category)
    open_treatments = treatments | _TOPIC_TREATMENTS.get(wanted_topic or "", frozenset())
    excluded = {question_key(text) for text in exclude}
    ranked: list[tuple[tuple[bool, int, bool, int], Suggestion]] = []
    for index, entry in enumerate(load_library()):
        if question_key(entry.suggestion.text) in excluded:
            continue
        if entry.condition_categories and condition_category not in entry.condition_categories:
            continue
        if entry.treatment_categories and not entry.treatment_categories & open_treatments:
            continue
        on_topic = wanted_topic is not None and wanted_topic in entry.suggestion.topics
        fit = int(condition_category in entry.condition_categories) + int(bool(entry.treatment_categories & treatments))
        if wanted_topic is not None and not (on_topic or fit or entry.essential):
            continue
        ranked.append(((not on_topic, -fit, not entry.essential, index), entry.suggestion))
    ranked.sort(key=lambda item: item[0])
    return [suggestion for _, suggestion in ranked[: max(limit, 0)]]


def format_suggestions(suggestions: Iterable[Suggestion]) -> str:
    """A short numbered list for chat, each question with its source in brackets.

    The numbers let the person pick by replying "1 and 3", also by SMS.
    """
    lines = [
        f"{index}. {suggestion.text} [{suggestion.source}]" for index, suggestion in enumerate(suggestions, start=1)
    ]
    return "\n".join(lines) if lines else "I don't have more questions to suggest on that right now."


def normalise_topic(topic: str | None) -> str | None:
    """Map a topic as typed or extracted ("side effects", "chemo") to a library topic, else None.

    An unknown topic gives general suggestions instead of an error or an empty list.
    """
    if not topic:
        return None
    key = "_".join(topic.strip().lower().replace("-", " ").split())
    key = _TOPIC_ALIASES.get(key, key)
    return key if key in TOPICS else None


@lru_cache(maxsize=1)
def load_library() -> tuple[_Entry, ...]:
    """Read and check the library once; a typo in a topic fails loudly instead of hiding entries."""
    with LIBRARY_PATH.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    entries = []
    for item in raw["questions"]:
        topics = tuple(item["topics"])
        unknown = set(topics) - set(TOPICS)
        if unknown:
            raise ValueError(f"Unknown topic(s) {sorted(unknown)} in {item['text']!r}")
        entries.append(
            _Entry(
                suggestion=Suggestion(text=item["text"], source=item["source"], topics=topics),
                condition_categories=frozenset(item.get("condition_categories", ())),
                treatment_categories=frozenset(item.get("treatment_categories", ())),
            )
        )
    return tuple(entries)


def _treatment_scope(treatment_category: str | None) -> frozenset[str]:
    if not treatment_category:
        return frozenset()
    return _TREATMENT_INCLUDES.get(treatment_category, frozenset({treatment_category}))
