"""The records form's answers read from free text: not sure, names, record types, format, delivery."""

from __future__ import annotations

import pytest

from bot.logic import records
from bot.logic.letters import BLANK, RECORD_TYPES
from bot.understanding import records_answers


@pytest.mark.parametrize("reply", ["not sure", "idk", "no clue", "I don't know", "can't remember"])
def test_not_sure_of_the_dates_means_all_dates(reply: str) -> None:
    assert records_answers.parse("date_range", reply) == "All dates"


def test_the_classifier_saying_not_sure_is_enough() -> None:
    assert records_answers.parse("record_format", "hmm", "not_sure") == records.SKIP


@pytest.mark.parametrize("intent", [None, "not_sure"])
def test_a_long_answer_that_mentions_not_knowing_is_still_the_answer(intent: str | None) -> None:
    reply = "the clinic on Main St, I don't know its name but it's next to the pharmacy"

    assert records_answers.parse("provider", reply, intent) == reply


@pytest.mark.parametrize(("slot", "reply", "value"), [("provider", "Mercy General", "Mercy General"),
                                                        ("date_range", "all", "All dates"),
                                                        ("patient_name", "skip", records.SKIP)])  # fmt: skip
def test_ordinary_answers_are_unchanged(slot: str, reply: str, value: str) -> None:
    assert records_answers.parse(slot, reply) == value


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
    assert records_answers.parse("provider", typed) == in_the_letter
    assert records_answers.parse("patient_name", typed) == in_the_letter


def test_other_answers_keep_their_case() -> None:
    assert records_answers.parse("date_range", "since january") == "since january"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("pathology and slides, imaging", ["pathology", "imaging"]),
        ("labs", ["labs"]),
        ("scans", ["imaging"]),
        ("biopsy", ["pathology"]),
        ("notes", ["visit_notes"]),
        ("meds", ["medications"]),
        ("treatment plan", ["treatment_plan"]),
        ("op notes and discharge papers", ["operative_notes", "discharge_summaries"]),
        ("blood work and x-rays", ["imaging", "labs"]),
        ("all my labs", ["labs"]),
        ("I don't know", []),
    ],
)
def test_parse_record_types(answer: str, expected: list[str]) -> None:
    assert records_answers.parse_record_types(answer) == expected


@pytest.mark.parametrize("answer", ["all of them", "everything", "All", "the whole chart", "all my records please"])
def test_parse_record_types_all(answer: str) -> None:
    assert records_answers.parse_record_types(answer) == list(RECORD_TYPES)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("electronic", "electronic"),
        ("email is fine", "electronic"),
        ("a PDF please", "electronic"),
        ("through the portal", "electronic"),
        ("paper", "paper"),
        ("printed copies", "paper"),
        ("on a CD", "disc"),
        ("a disc", "disc"),
        ("DVD", "disc"),
        ("usb stick", "disc"),
        ("cd, or email if not", "disc"),
        ("whatever works", None),
    ],
)
def test_parse_format(answer: str, expected: str | None) -> None:
    assert records_answers.parse_format(answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("email me at Jane.Doe@example.com", "By email to Jane.Doe@example.com"),
        ("jane.doe@example.com", "By email to jane.doe@example.com"),
        ("email", f"By email to {BLANK}"),
        ("put them on the portal", "Through the patient portal"),
        ("I'll pick them up", "I will pick them up in person"),
        ("fax to (555) 123-4567", "By fax to (555) 123-4567"),
        ("mail them to 12 Oak St, Springfield IL 62704", "By mail to 12 Oak St, Springfield IL 62704"),
        ("by mail", f"By mail to {BLANK}"),
        ("send to Dr. Smith at 5 Elm St", "Send to Dr. Smith at 5 Elm St"),
        ("  ", ""),
    ],
)
def test_parse_delivery(answer: str, expected: str) -> None:
    assert records_answers.parse_delivery(answer) == expected


@pytest.mark.parametrize(("reply", "intent"), [("ok continue", "resume"), ("okay", "affirm"), ("yes go on", "affirm")])
def test_go_on_is_not_a_clinic_or_a_name(reply: str, intent: str) -> None:
    assert records_answers.parse("provider", reply, intent) is None
    assert records_answers.parse("patient_name", reply, intent) is None


def test_a_clinic_the_classifier_took_for_a_yes_is_still_the_clinic_when_it_is_long() -> None:
    assert "Mercy General" in str(records_answers.parse("provider", "yes it's Mercy General on 5th street", "affirm"))
