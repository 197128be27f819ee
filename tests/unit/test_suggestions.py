"""The curated question library and how suggestions are chosen."""

from __future__ import annotations

import pytest

from bot.logic import suggestions
from bot.logic.suggestions import Suggestion


def test_library_is_large_valid_and_has_no_duplicates() -> None:
    library = suggestions.load_library()
    texts = [entry.suggestion.text.lower() for entry in library]
    assert len(library) >= 60
    assert len(texts) == len(set(texts))
    for entry in library:
        assert entry.suggestion.text.endswith("?")
        assert entry.suggestion.source
        assert set(entry.suggestion.topics) <= set(suggestions.TOPICS)
    covered = {topic for entry in library for topic in entry.suggestion.topics}
    assert covered == set(suggestions.TOPICS)


def test_library_holds_the_frameworks_word_for_word() -> None:
    by_source: dict[str, set[str]] = {}
    for entry in suggestions.load_library():
        by_source.setdefault(entry.suggestion.source, set()).add(entry.suggestion.text)
    assert by_source["Ask Me 3 (IHI)"] == {
        "What is my main problem?",
        "What do I need to do?",
        "Why is it important for me to do this?",
    }
    bran = " ".join(by_source["BRAN"]).lower()
    for word in ("benefits", "risks", "alternatives", "nothing"):
        assert word in bran
    assert {"AHRQ Questions Are the Answer", "American Cancer Society", "NCI", "Medicare.gov"} <= set(by_source)


def test_without_context_the_essentials_come_first() -> None:
    picks = suggestions.suggest()
    assert [pick.source for pick in picks[:3]] == ["Ask Me 3 (IHI)"] * 3
    assert picks[3].source == "BRAN"
    assert len(picks) == 5


def test_condition_category_ranks_its_questions_first() -> None:
    picks = suggestions.suggest(condition_category="cancer")
    assert all(pick.source == "American Cancer Society" for pick in picks)
    assert any("stage" in pick.text for pick in picks)


def test_questions_for_another_condition_are_never_suggested() -> None:
    texts = " ".join(pick.text for pick in suggestions.suggest(condition_category="cardiac", limit=100)).lower()
    assert "cancer" not in texts
    assert "heart" in texts


def test_topic_and_category_together_rank_highest() -> None:
    picks = suggestions.suggest("surgery", condition_category="cancer", treatment_category="major_surgery")
    assert picks[0].text == "Will I need other treatment, like chemo or radiation, before or after surgery?"
    assert all("surgery" in pick.topics for pick in picks)


def test_topic_opens_treatment_questions_before_the_treatment_is_known() -> None:
    picks = suggestions.suggest("chemotherapy")
    assert picks and all("chemotherapy" in pick.topics for pick in picks)


def test_unrelated_treatment_questions_stay_out() -> None:
    texts = " ".join(pick.text for pick in suggestions.suggest(treatment_category="radiation", limit=100)).lower()
    assert "chemo" not in texts
    assert "radiation" in texts


def test_a_narrow_topic_is_filled_up_with_the_essentials() -> None:
    picks = suggestions.suggest("records", limit=10)
    assert all("records" in pick.topics for pick in picks[:3])
    assert picks[-1].source in suggestions.ESSENTIAL_SOURCES


def test_saved_questions_are_not_suggested_again() -> None:
    first = suggestions.suggest()
    again = suggestions.suggest(exclude=[first[0].text.upper(), first[1].text.rstrip("?")])
    assert first[0] not in again
    assert first[1] not in again
    assert again[0] == first[2]


def test_suggestions_are_deterministic_and_respect_the_limit() -> None:
    one = suggestions.suggest("side_effects", "cancer", "chemotherapy", limit=7)
    two = suggestions.suggest("side_effects", "cancer", "chemotherapy", limit=7)
    assert one == two
    assert len(one) == 7
    assert suggestions.suggest(limit=0) == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("side effects", "side_effects"),
        ("chemo", "chemotherapy"),
        ("Second opinion", "second_opinion"),
        ("clinical trials", "clinical_trials"),
        ("cost", "costs"),
        ("astrology", None),
        (None, None),
    ],
)
def test_normalise_topic(typed: str | None, expected: str | None) -> None:
    assert suggestions.normalise_topic(typed) == expected


def test_an_unknown_topic_gives_general_suggestions() -> None:
    assert suggestions.suggest("astrology") == suggestions.suggest()


def test_format_suggestions_numbers_and_credits_each_question() -> None:
    text = suggestions.format_suggestions(
        [Suggestion("What is my main problem?", "Ask Me 3 (IHI)", ("diagnosis",)), Suggestion("B?", "BRAN", ())]
    )
    assert text == "1. What is my main problem? [Ask Me 3 (IHI)]\n2. B? [BRAN]"
    assert suggestions.format_suggestions([])
