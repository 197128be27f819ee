"""De-identification of messages kept for review (bot.understanding.deidentify), as a table."""

from __future__ import annotations

import pytest

from bot.understanding.deidentify import MAX_LENGTH, deidentify

CASES = [
    # names after an introduction, in any case after "my name is"
    ("my name is jane doe and my mom has lupus", "my name is <name> and my mom has lupus"),
    ("My name is Philippa Quennell-Hartwig.", "My name is <name>."),
    ("Hi, I'm Maria Lee, I need my records", "Hi, I'm <name>, I need my records"),
    ("call me Bo", "call me <name>"),
    ("this is Ana from Ohio", "this is <name> from Ohio"),
    # "I'm" + a lower-case or ordinary word is not a name
    ("i'm scared about the surgery", "i'm scared about the surgery"),
    ("I'm Not sure what to ask", "I'm Not sure what to ask"),
    ("I am diagnosed with lymphoma", "I am diagnosed with lymphoma"),
    # titles
    ("records from Mercy General Hospital, Dr. Maria Lee", "records from Mercy General Hospital, Dr. <name>"),
    ("dr lee said I need surgery", "dr <name> said I need surgery"),
    ("records from dr lee pls", "records from dr <name> pls"),
    ("my name is jane doe", "my name is <name>"),
    ("Dr. O'Neil's office lost my scans", "Dr. <name>'s office lost my scans"),
    ("Mrs Smith at the front desk", "Mrs <name> at the front desk"),
    ("ask Ms. Patel", "ask Ms. <name>"),
    ("my doctor appointment is soon", "my doctor appointment is soon"),
    ("I have MS fatigue", "I have MS fatigue"),
    ("Doctor Alvarez wants a biopsy", "Doctor <name> wants a biopsy"),
    # people the vocabulary knows by role
    ("my husband John has a tumor", "my husband <name> has a tumor"),
    ("my daughter, Emma Rose, is 6", "my daughter, <name>, is 6"),
    ("my son has leukemia", "my son has leukemia"),
    # contact details
    ("text me at (415) 555-0199", "text me at <phone>"),
    ("my number is +1 415 555 0199", "my number is <phone>"),
    ("email jane.doe+health@example.org please", "email <email> please"),
    ("see https://portal.example.org/chart?id=991 or www.example.org", "see <url> or <url>"),
    # dates, birth dates included
    ("DOB 03/04/1961", "DOB <date>"),
    ("born 1961-03-04", "born <date>"),
    ("I was born March 4, 1961", "I was born <date>"),
    ("my appointment is on March 3rd", "my appointment is on <date>"),
    ("surgery on the 3rd of March", "surgery on the <date>"),
    ("the biopsy is 3/14", "the biopsy is <date>"),
    # long digit runs: record numbers, member ids, SSNs, ZIP codes
    ("MRN 123456789", "MRN <number>"),
    ("member id XJH123456789", "member id <number>"),
    ("ssn 123-45-6789", "ssn <number>"),
    ("policy #88812-3", "policy <number>"),
    ("I live in 94110", "I live in <number>"),
    # what must stay: the request, small numbers, years, conditions
    ("stage 4 since 2019, is a second opinion worth it?", "stage 4 since 2019, is a second opinion worth it?"),
    ("can I wait 30 days for the surgery", "can I wait 30 days for the surgery"),
    ("", ""),
]


@pytest.mark.parametrize(("message", "expected"), CASES)
def test_deidentify(message: str, expected: str) -> None:
    assert deidentify(message) == expected


def test_a_long_message_is_cut_after_it_is_deidentified() -> None:
    story = "my husband has been sick for a long time and " * 30 + "call 415-555-0199"
    cleaned = deidentify("call 415-555-0199 " + story)
    assert cleaned.startswith("call <phone> ") and cleaned.endswith(" ...")
    assert len(cleaned) <= MAX_LENGTH + 4
    assert "555" not in cleaned


def test_typographic_apostrophes_and_spacing_are_folded() -> None:
    assert deidentify("I\u2019m  Jane\n\nand I\u2019m lost") == "I'm <name> and I'm lost"
