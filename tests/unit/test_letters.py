"""The records request: parsing the form's answers, the HIPAA letter and the follow-up advice."""

from __future__ import annotations

from datetime import date

import pytest

from bot.logic import letters
from bot.logic.letters import BLANK, RECORD_TYPES

TODAY = date(2025, 3, 5)


def _letter(**changes: object) -> str:
    fields: dict[str, object] = {
        "patient_name": "Jane Doe",
        "date_of_birth": "02/01/1970",
        "provider": "Mercy Hospital",
        "record_types": ["pathology", "imaging", "treatment_plan"],
        "date_range": None,
        "record_format": "electronic",
        "delivery": "By email to jane.doe@example.com",
        "today": TODAY,
    }
    fields.update(changes)
    return letters.records_request_letter(**fields)  # type: ignore[arg-type]


def test_record_types_cover_the_brief() -> None:
    assert list(RECORD_TYPES)[:7] == [
        "visit_notes",
        "pathology",
        "imaging",
        "labs",
        "operative_notes",
        "medications",
        "treatment_plan",
    ]
    assert "slides" in RECORD_TYPES["pathology"]
    assert "images themselves" in RECORD_TYPES["imaging"]


def test_letter_cites_the_law_and_the_30_day_rule() -> None:
    letter = _letter()
    assert letter.startswith("March 5, 2025")
    assert "To: Mercy Hospital" in letter
    assert "Re: Request for access to my health information under HIPAA (45 CFR 164.524)" in letter
    assert "164.524(b)(2)" in letter
    assert "30 calendar days" in letter
    assert "one extension" in letter


def test_letter_lists_records_with_slides_and_images() -> None:
    letter = _letter()
    assert "Pathology reports, including the original slides" in letter
    assert "Imaging reports, including the original images" in letter
    assert "The proposed treatment plan" in letter
    assert "Lab results" not in letter
    assert "Dates: all dates" in letter


def test_letter_without_record_types_asks_for_everything() -> None:
    letter = _letter(record_types=[])
    for line in ("Office and visit notes", "Lab results", "Operative and procedure notes", "medication list"):
        assert line in letter


def test_letter_states_the_fee_rules() -> None:
    letter = _letter()
    assert "reasonable, cost-based fee" in letter
    assert "No fees for searching for or retrieving" in letter
    assert "$6.50" in letter
    assert "in advance" in letter


def test_letter_asks_for_the_electronic_format() -> None:
    letter = _letter()
    assert "164.524(c)(2)" in letter
    assert "readily producible" in letter
    assert "By email to jane.doe@example.com" in letter
    assert "may not be encrypted" in letter


def test_letter_leaves_blank_lines_for_missing_details() -> None:
    letter = _letter(patient_name=None, date_of_birth="  ", delivery=None, record_format=None)
    assert f"Patient name: {BLANK}" in letter
    assert f"Date of birth: {BLANK}" in letter
    assert f"Printed name: {BLANK}" in letter
    assert "Signature: ____" in letter
    assert "An electronic copy is best" in letter


def test_letter_uses_the_given_details() -> None:
    letter = _letter(date_range="January 2024 to now", record_format="paper", record_types=["labs"])
    assert "Patient name: Jane Doe" in letter
    assert "Date of birth: 02/01/1970" in letter
    assert "Dates: January 2024 to now" in letter
    assert "Please send paper copies." in letter
    assert "slides" not in letter


def test_letter_does_not_mention_psychotherapy_notes_but_the_summary_does() -> None:
    assert "sychotherapy" not in _letter()
    assert "Psychotherapy notes" in letters.RIGHTS_SUMMARY


def test_rights_summary_covers_the_rules() -> None:
    summary = letters.RIGHTS_SUMMARY
    for phrase in ("164.524", "30 calendar days", "30 more days", "in writing", "$6.50", "reason", "format"):
        assert phrase in summary


@pytest.mark.parametrize(
    ("days", "phrases"),
    [
        (0, ["today", "January 31"]),
        (10, ["10 days", "20 days from now", "in writing"]),
        (30, ["30 days", "(today)"]),
        (31, ["past the 30-day limit", "extension", "March 2", "Office for Civil Rights"]),
        (75, ["past the only extension", "Office for Civil Rights", "hhs.gov/ocr"]),
    ],
)
def test_follow_up_advice(days: int, phrases: list[str]) -> None:
    created = date(2025, 1, 1)
    advice = letters.follow_up_advice(created, date.fromordinal(created.toordinal() + days))
    for phrase in phrases:
        assert phrase in advice
    if days <= 30:
        assert "Civil Rights" not in advice


def test_no_text_uses_the_word_emergency() -> None:
    texts = [_letter(), letters.RIGHTS_SUMMARY, letters.follow_up_advice(date(2025, 1, 1), TODAY)]
    assert all("emergency" not in text.lower() for text in texts)
