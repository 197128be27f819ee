"""Questions in free text: is it one, the questions a "save this" message holds, edit commands."""

from __future__ import annotations

import pytest

from bot.understanding import questions


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "save this question: do I need more tests before the operation?",
            ["Do I need more tests before the operation?"],
        ),
        (
            "Please save this question: do I need more tests before the operation?",
            ["Do I need more tests before the operation?"],
        ),
        (
            "add to my list - how long is recovery? and can I keep working during chemo",
            ["How long is recovery?", "Can I keep working during chemo?"],
        ),
        (
            "pls write down: 1) what stage is it 2) who reads my scans",
            ["What stage is it?", "Who reads my scans?"],
        ),
        ("add a question: will I need chemo after surgery?", ["Will I need chemo after surgery?"]),
        (
            "write down: how long is recovery? and can I work during treatment?",
            ["How long is recovery?", "Can I work during treatment?"],
        ),
        ("note: is it curable; who pays for the scans", ["Is it curable?", "Who pays for the scans?"]),
        (
            "write down\n- how long is recovery\n- when can i drive\n* will i need help at home",
            ["How long is recovery?", "When can I drive?", "Will I need help at home?"],
        ),
        ("remember to ask the surgeon if I can keep working", ["Can I keep working?"]),
        # "ask ... if/whether <statement>" becomes the question itself
        ("ask my neurologist if the lesion has changed size", ["Has the lesion changed size?"]),
        ("remind me to ask if the margins were clear", ["Were the margins clear?"]),
        ("ask dr okafor whether my iron levels are too low", ["Are my iron levels too low?"]),
        ("add: ask if there is a less invasive option", ["Is there a less invasive option?"]),
        ("ask whether my mom has to stop her metformin before surgery",
         ["Does my mom have to stop her metformin before surgery?"]),
        ("ask if he needs to stay in hospital overnight", ["Does he need to stay in hospital overnight?"]),
        # the command said after the question is not part of it
        ("ask my surgeon if the drain can come out sooner, save that for me", ["Can the drain come out sooner?"]),
        ("will the scar fade? put it on my list please", ["Will the scar fade?"]),
        ("do I need a referral - could you add that to my list", ["Do I need a referral?"]),
        ("i want to ask the doctor whether I need to fast", ["Do I need to fast?"]),
        ("remember to ask about side effects", ["Ask about side effects"]),
        ("I'd like to add a question: can my husband come to the visit?", ["Can my husband come to the visit?"]),
        ("could you please add this to my list: \u2018can I keep working?\u2019", ["Can I keep working?"]),
        ('can you save "what are my treatment options?"', ["What are my treatment options?"]),
        ("my question is how long will chemo last? thanks", ["How long will chemo last?"]),
        ("jot this down - second opinion costs", ["Second opinion costs"]),
        ("note: is it stage 2. What happens next", ["Is it stage 2?", "What happens next?"]),
        # Lead-ins seen in real messages: "the question", a count, or a label naming the visit.
        ("save the question should I get genetic testing", ["Should I get genetic testing?"]),
        ("note for the appt - is watchful waiting an option", ["Is watchful waiting an option?"]),
        ("pls add this for my mom's appt: can she still drive", ["Can she still drive?"]),
        ("for the list: how long is recovery", ["How long is recovery?"]),
        ("keep this one for the surgeon - will I need a drain", ["Will I need a drain?"]),
        ("record this question for dr patel - what stage is it", ["What stage is it?"]),
        ("my dad wants one added: is surgery safe at 80", ["Is surgery safe at 80?"]),
        (
            "save 2 questions pls. what stage is it? who reads my scans?",
            ["What stage is it?", "Who reads my scans?"],
        ),
        # A label that does not name the list or the visit is part of the question.
        ("for the surgery - will I be asleep?", ["For the surgery - will I be asleep?"]),
    ],
)
def test_extract_questions_strips_lead_in_and_splits(message: str, expected: list[str]) -> None:
    assert questions.extract_questions(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "can you save a question for my cardiologist",
        "pls add a q for my urologist",
        "I need to write down a question for Dr. Nguyen",
        "save one more question for the care team",
        "jot down a question for my consult next week",
        "add a question for my appointment on thursday",
    ],
)
def test_who_or_when_the_question_is_for_is_part_of_the_command(message: str) -> None:
    """Saved as "For my cardiologist" it would be a question nobody can ask: ask for the question instead."""
    assert questions.extract_questions(message) == []


def test_who_the_question_is_for_is_dropped_and_the_question_kept() -> None:
    message = "save a question for my surgeon: how many of these operations has she done?"
    assert questions.extract_questions(message) == ["How many of these operations has she done?"]


@pytest.mark.parametrize("message", ["add a question", "save", "please add", "save this question:", "write down", ""])
def test_extract_questions_returns_nothing_when_only_the_command_was_typed(message: str) -> None:
    assert questions.extract_questions(message) == []


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # "and" between two questions splits; "and" inside one question does not.
        ("what stage is it and who reads my scans", ["What stage is it?", "Who reads my scans?"]),
        ("is it safe and is the surgeon experienced", ["Is it safe?", "Is the surgeon experienced?"]),
        ("what are the risks and benefits", ["What are the risks and benefits?"]),
        ("do I need surgery and radiation", ["Do I need surgery and radiation?"]),
        ("what happens if I wait and do nothing at all", ["What happens if I wait and do nothing at all?"]),
        ("how long and how often will I get chemo", ["How long and how often will I get chemo?"]),
        # A lone "stage 2." is not a numbered list.
        ("is it stage 2. or 3", ["Is it stage 2. or 3?"]),
    ],
)
def test_extract_questions_splits_conservatively(message: str, expected: list[str]) -> None:
    assert questions.extract_questions(message) == expected


def test_a_lead_in_verb_that_is_part_of_the_question_is_kept() -> None:
    assert questions.extract_questions("keep working during chemo?") == ["Keep working during chemo?"]


def test_tidy_question_capitalises_and_marks_questions() -> None:
    assert questions.tidy_question("can i bring my daughter") == "Can I bring my daughter?"
    assert questions.tidy_question("  side effects of chemo.  ") == "Side effects of chemo"
    assert questions.tidy_question("...") == ""


def test_question_key_ignores_case_spacing_and_final_punctuation() -> None:
    assert questions.question_key("What  stage is it?") == questions.question_key("what stage is it")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("change question 2 to: how long will recovery take?", (2, "How long will recovery take?")),
        ("edit #1 - is it curable", (1, "Is it curable?")),
        ("replace 3 with what is my stage", (3, "What is my stage?")),
        ("change the second one to 'is surgery needed'", (2, "Is surgery needed?")),
        ("question 4 should be: who pays", (4, "Who pays?")),
        ("make q3 say when can I go home", (3, "When can I go home?")),
        ("update 2", None),
        ("change 2 to", None),
        ("change my question please", None),
    ],
)
def test_parse_edit(message: str, expected: tuple[int, str] | None) -> None:
    assert questions.parse_edit(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("what does stage 2 mean?", True),
        ("How long does a records request take", True),
        ("can I bring my daughter", True),
        ("tell me about second opinions", True),
        ("explain the costs", True),
        ("an electronic copy?", True),
        ("an electronic copy", False),
        ("Dr. Help at Mercy", False),
        ("whatever works", False),
        ("next week", False),
    ],
)
def test_is_question(message: str, expected: bool) -> None:
    assert questions.is_question(message) is expected


@pytest.mark.parametrize(
    ("message", "asks", "reads"),
    [
        ("my dad has lymphoma is it treatable", True, True),
        ("tell me the truth about stage 4", True, False),
        ("wut are his chances", True, True),
        ("r they going to operate", True, False),  # "r" is asking only in asks_anywhere
        ("any advice for the biopsy", False, True),
        ("i'm worried about the surgery", False, True),
        ("is surgery better", True, True),
        ("they said his chances of survival are good", False, False),
        ("i was diagnosed with lupus last week", False, False),
    ],
)
def test_asks_anywhere_and_reads_as_question(message: str, asks: bool, reads: bool) -> None:
    assert questions.asks_anywhere(message) is asks
    assert questions.reads_as_question(message) is reads
