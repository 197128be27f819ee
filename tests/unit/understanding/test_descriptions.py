"""bot.understanding.descriptions on tables: which saved question a command means."""

from __future__ import annotations

import pytest

from bot.understanding.descriptions import Edit, describes_something, matches, positions, read_edit

SAVED = [
    "Do I need surgery at all?",
    "What are the risks of surgery for someone my age?",
    "Is stage 2 curable with chemotherapy alone?",
    "Who will read my biopsy slides?",
    "Can I keep working during treatment?",
    "Should I change my diet?",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", [2]),
        ("#3", [3]),
        ("remove #4", [4]),
        ("delete question 5", [5]),
        ("remove number 1", [1]),
        ("remove the second one", [2]),
        ("delete 1 and 3", [1, 3]),
        ("take off the third", [3]),
        ("remove the question about stage 2", []),
        ("delete the one about the 2 week wait", []),
        ("remove the second opinion question", []),
        ("remove one", []),
        ("remove question one", [1]),
        ("get rid of the biopsy one", []),
    ],
)
def test_positions_are_read_only_from_a_pick_or_a_marked_number(text: str, expected: list[int]) -> None:
    assert positions(text) == expected


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("remove the question about whether I need surgery at all", [1]),
        ("delete the one about my biopsy", [4]),
        ("remove the biopsies question", [4]),
        ("the one about stage 2", [3]),
        ("take out the chemo one", [3]),
        ("the question about keep working", [5]),
        ("remove the one about changing my diet", [6]),
        ("remove the question about surgery", [1, 2]),  # two fit equally: ask which
        ("delete the one about insurance", []),
        ("remove the question about parking at the hospital", []),
    ],
)
def test_a_description_finds_the_questions_it_fits_best(description: str, expected: list[int]) -> None:
    assert matches(description, SAVED) == expected


def test_no_saved_questions_match_nothing() -> None:
    assert matches("the one about surgery", []) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "change the one about the biopsy to: did they test for HER2?",
            Edit("the one about the biopsy", "Did they test for HER2?"),
        ),
        (
            "edit the question about going back to work to can I work part time",
            Edit("the question about going back to work", "Can I work part time?"),
        ),
        (
            "please change the surgery risks one to say what are the risks at 80",
            Edit("the surgery risks one", "What are the risks at 80?"),
        ),
        (
            "replace the diet question with what should I eat during chemo",
            Edit("the diet question", "What should I eat during chemo?"),
        ),
    ],
)
def test_an_edit_by_description_names_the_question_and_its_new_words(text: str, expected: Edit) -> None:
    assert read_edit(text) == expected


@pytest.mark.parametrize("text", ["change it", "edit question 2", "change to: what now?", "what should I change?"])
def test_an_edit_without_a_description_or_new_words_is_not_read(text: str) -> None:
    assert read_edit(text) is None


@pytest.mark.parametrize(
    ("text", "expected"), [("remove one", False), ("delete a question", False), ("remove the scan one", True)]
)
def test_whether_a_command_describes_a_question(text: str, expected: bool) -> None:
    assert describes_something(text) is expected
