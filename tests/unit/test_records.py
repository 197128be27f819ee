"""Reading the records form's answers (bot.logic.records.parse)."""

from __future__ import annotations

import pytest

from bot.logic import records


@pytest.mark.parametrize("reply", ["not sure", "idk", "no clue", "I don't know", "can't remember"])
def test_not_sure_of_the_dates_means_all_dates(reply: str) -> None:
    assert records.parse("date_range", reply) == "All dates"


def test_the_classifier_saying_not_sure_is_enough() -> None:
    assert records.parse("record_format", "hmm", "not_sure") == records.SKIP


@pytest.mark.parametrize("intent", [None, "not_sure"])
def test_a_long_answer_that_mentions_not_knowing_is_still_the_answer(intent: str | None) -> None:
    reply = "the clinic on Main St, I don't know its name but it's next to the pharmacy"

    assert records.parse("provider", reply, intent) == reply


@pytest.mark.parametrize(("slot", "reply", "value"), [("provider", "Mercy General", "Mercy General"),
                                                        ("date_range", "all", "All dates"),
                                                        ("patient_name", "skip", records.SKIP)])  # fmt: skip
def test_ordinary_answers_are_unchanged(slot: str, reply: str, value: str) -> None:
    assert records.parse(slot, reply) == value


@pytest.mark.parametrize(
    ("typed", "in_the_letter"),
    [
        ("st marys hospital in tucson", "St Marys Hospital in Tucson"),
        ("dr. lee at mercy general", "Dr. Lee at Mercy General"),
        ("jean-paul de la cruz", "Jean-Paul de la Cruz"),
        ("kaiser (oakland)", "Kaiser (Oakland)"),
        ("dr. patel at ucsf", "Dr. Patel at UCSF"),
        ("md anderson", "MD Anderson"),
        ("UCSF Medical Center", "UCSF Medical Center"),  # typed with capitals: left as typed
        ("dr McKay at the VA", "dr McKay at the VA"),
    ],
)
def test_names_typed_in_lower_case_are_capitalised_for_the_letter(typed: str, in_the_letter: str) -> None:
    assert records.parse("provider", typed) == in_the_letter
    assert records.parse("patient_name", typed) == in_the_letter


def test_other_answers_keep_their_case() -> None:
    assert records.parse("date_range", "since january") == "since january"
