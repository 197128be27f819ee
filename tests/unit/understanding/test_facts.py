"""Facts given without being asked: the assessment's answers said in passing, and only those."""

from __future__ import annotations

import pytest

from bot.understanding.facts import facts_in_text
from bot.understanding.form_answers import parse_answer

# (message, the answers it gives). Realistic first messages and form replies: typos, SMS style,
# caregivers. Each phrase is explicit; the expected dict is exact, so nothing else may come out.
FACTS_GIVEN = [
    # urgency: only a start of treatment counts
    (
        "my mom was just diagnosed w/ breast cancer stage 2, they want to do a mastectomy in 2 weeks. "
        "should she get a 2nd opinion?",
        {"urgency": "weeks"},
    ),
    ("dx'd w/ breast cancer, surgery nxt wk", {"urgency": "weeks"}),
    ("my dads surgury is in 2 wks", {"urgency": "weeks"}),
    ("my onc says chemo starts 2moro", {"urgency": "days"}),
    ("surgery in 2 weeks", {"urgency": "weeks"}),
    ("they want to start chemo next month", {"urgency": "months"}),
    ("starting tomorrow", {"urgency": "days"}),
    ("treatment already started", {"urgency": "days"}),
    ("chemo started last week", {"urgency": "days"}),
    ("my dad was diagnosed with lymphoma and his onc wants to start chemo asap", {"urgency": "days"}),
    ("surgery is booked for nxt friday", {"urgency": "days"}),
    ("they want to operate in 3 days", {"urgency": "days"}),
    ("they're planning a whipple in a few weeks", {"urgency": "weeks"}),
    ("the surgery is scheduled for 3 months from now", {"urgency": "months"}),
    ("chemo isn't supposed to start for another 2 months", {"urgency": "months"}),
    ("diagnosed 2 weeks ago, surgery in a month", {"urgency": "months"}),
    ("I want a second opinion before surgery next week", {"urgency": "weeks"}),
    ("we haven't scheduled the surgery yet", {"urgency": "not_started"}),
    ("treatment hasnt started yet", {"urgency": "not_started"}),
    ("they want to start chemo next week and surgery in 3 months", {"urgency": "weeks"}),  # the soonest
    ("she is in the ICU and they want to operate", {"urgency": "emergency"}),
    # diagnosis_certainty: the doctors' certainty, not the person's
    ("the doctors disagree", {"diagnosis_certainty": "disagree"}),
    ("drs dont agree", {"diagnosis_certainty": "disagree"}),
    ("two doctors told me different things", {"diagnosis_certainty": "disagree"}),
    ("the 2 specialists i saw disagree with each other", {"diagnosis_certainty": "disagree"}),
    ("one doctor said crohn's and the other said ulcerative colitis", {"diagnosis_certainty": "disagree"}),
    ("the second doctor thinks it's something else", {"diagnosis_certainty": "disagree"}),
    ("my husband's surgeons disagree about whether he needs the operation", {"diagnosis_certainty": "disagree"}),
    ("they're not sure it's cancer", {"diagnosis_certainty": "uncertain"}),
    ("the docs r not sure its cancer", {"diagnosis_certainty": "uncertain"}),
    ("the diagnosis isn't confirmed yet", {"diagnosis_certainty": "uncertain"}),
    ("they think it might be lymphoma", {"diagnosis_certainty": "uncertain"}),
    ("onc isnt sure yet if its spread", {"diagnosis_certainty": "uncertain"}),
    ("the doc seemed pretty unsure tbh", {"diagnosis_certainty": "uncertain"}),
    ("they're sure, the biopsy confirmed it", {"diagnosis_certainty": "certain"}),
    ("the oncologist seemed very sure about the diagnosis", {"diagnosis_certainty": "certain"}),
    ("they think it's ms but they're not sure, and one doctor says lupus while the other says ms",
     {"diagnosis_certainty": "disagree"}),  # disagreement says the most
    # rare_condition
    ("it's a rare disease", {"rare_condition": "yes"}),
    ("a very rare type", {"rare_condition": "yes"}),
    ("its super rare, only a few hundred ppl in the country have it", {"rare_condition": "yes"}),
    ("i have a rare type of breast cancer", {"rare_condition": "yes"}),
    ("it's not rare", {"rare_condition": "no"}),
    ("it's common", {"rare_condition": "no"}),
    ("no its pretty common, lots of people get it", {"rare_condition": "no"}),
    ("it's one of the most common cancers in men apparently", {"rare_condition": "no"}),
    # not_improving ("yes" = not getting better)
    ("it keeps getting worse", {"not_improving": "yes"}),
    ("her symptoms keep gettin worse", {"not_improving": "yes"}),
    ("the meds r not working", {"not_improving": "yes"}),
    ("the meds aren't working", {"not_improving": "yes"}),
    ("shes been on the meds 3 months and her symptoms arent getting any better", {"not_improving": "yes"}),
    ("my knee still hurts after 6 months of physical therapy", {"not_improving": "yes"}),
    ("his symptoms haven't budged", {"not_improving": "yes"}),
    ("the meds helped for a while but the pain came back", {"not_improving": "yes"}),
    ("she's getting better", {"not_improving": "no"}),
    ("the swelling has gone down a lot since i started the meds", {"not_improving": "no"}),
    # insurer_requires
    ("my insurance requires a second opinion", {"insurer_requires": "yes"}),
    ("insurence requires a 2nd opinon", {"insurer_requires": "yes"}),
    ("the insurance says I need one", {"insurer_requires": "yes"}),
    ("aetna says a 2nd opinion is required for this procedure", {"insurer_requires": "yes"}),
    ("my mom's medicare advantage plan says she needs one", {"insurer_requires": "yes"}),
    ("my insurance doesnt require it", {"insurer_requires": "no"}),
    ("I don't have insurance", {"insurer_requires": "no"}),
    # confidence: the person's or their loved one's, never the doctor's
    ("I'm scared", {"confidence": "not_confident"}),
    ("im so scared rn", {"confidence": "not_confident"}),
    ("i dont trust my dr", {"confidence": "not_confident"}),
    ("my dad is terrified", {"confidence": "not_confident"}),
    ("I don't trust my doctor", {"confidence": "not_confident"}),
    ("I'm not sure I trust them", {"confidence": "not_confident"}),
    ("honestly i dont feel confident at all", {"confidence": "not_confident"}),
    ("she feels kinda nervous about it", {"confidence": "somewhat"}),
    ("i have some doubts about the plan", {"confidence": "somewhat"}),
    ("kinda on the fence about the whole plan", {"confidence": "somewhat"}),
    ("I feel totally confident in my surgeon", {"confidence": "confident"}),
    ("i trust my doctor completely", {"confidence": "confident"}),
    # several at once
    (
        "my dad has lung cancer, surgery is next week, the two doctors disagree and he's terrified",
        {"urgency": "weeks", "diagnosis_certainty": "disagree", "confidence": "not_confident"},
    ),
    (
        "it's a rare type and the insurance says she needs a second opinion. i'm scared",
        {"rare_condition": "yes", "insurer_requires": "yes", "confidence": "not_confident"},
    ),
]

# Ordinary requests and replies that must give nothing: bare yes/no/not sure, hedges, questions,
# negations, other people's feelings, and times that are not the start of treatment.
NO_FACTS = [
    "maybe I should get a second opinion",
    "could be worth asking",
    "probably",
    "maybe",
    "should I get a 2nd opinion",
    "should she get a second opinion?",
    "stage 2",
    "stage 2 breast cancer",
    "2nd opinion",
    "second doctor",
    "should I see another doctor",
    "one doctor",
    "I'm not sure what to do",
    "I'm not sure if I should get one",
    "help me decide",
    "yes",
    "no",
    "nope",
    "not sure",
    "idk",
    "thanks",
    "2",
    '/inform{"urgency":"weeks"}',
    "I need a second opinion asap",
    "can you help me get a second opinion today",
    "I want to get a second opinion before surgery",
    # times that are not a start of treatment
    "my appointment is next week",
    "I have a consult next week",
    "I see the oncologist tomorrow",
    "biopsy results in a week",
    "I've had symptoms for 2 weeks",
    "I was diagnosed 2 weeks ago",
    "chemo for 6 months",
    "I start a new job next month",
    "I can get a second opinion next week",
    "they might start chemo next week",
    "what if they want surgery tomorrow",
    "can they operate next week?",
    # doctors: hypothetical, the person's own disagreement, agreement, questions
    "what if the doctors disagree?",
    "what do people do when doctors disagree",
    "I disagree with my doctor",
    "my doctor and I disagree about the plan",
    "the second doctor said the same thing",
    "i dont think the doctors disagree",
    "they're not sure what to do",
    "they aren't sure when to start",
    "are the doctors sure?",
    # rarity in other senses
    "is it rare?",
    "is it common to get a second opinion",
    "it's common to feel scared",
    "it's rare for doctors to be offended",
    "in rare cases there are side effects",
    "a rare side effect is hair loss",
    # getting better or worse, not said as a fact
    "I hope she's getting better",
    "I want her to get better",
    "I'm worried it will get worse",
    "so it doesn't get worse",
    "if it gets worse what do I do",
    "she might get worse",
    "they want to keep it from getting worse",
    "I'd feel better with a second opinion",
    "is surgery better than radiation",
    "is my kidney disease getting worse",
    # insurance without a requirement
    "does my insurance require a second opinion?",
    "will my insurance cover a second opinion",
    "my insurance says I need a referral",
    "my insurance needs one more form",
    "the treatment plan requires surgery",
    "not sure if insurance covers it",
    "my insurance is aetna",
    # feelings that are not about the plan, negated, or the doctor's
    "I'm worried about the cost",
    "I'm nervous to ask my doctor",
    "I'm scared of upsetting my oncologist",
    "will my dr think I don't trust him",
    "i'm worried my endocrinologist will think i don't trust her",
    "I'm not scared",
    "don't be scared",
    "is it normal to be scared?",
    "the doctor is worried it spread",
    "my gp said no to a referral bc shes confident in the diagnosis",
    "the surgeon was confident and kind",
    "my husband trusts the plan but i don't",
    "should i trust my doctor's plan",
]


@pytest.mark.parametrize(("text", "expected"), FACTS_GIVEN)
def test_facts_in_text_reads_explicit_phrases(text: str, expected: dict[str, str]) -> None:
    assert facts_in_text(text) == expected


@pytest.mark.parametrize("text", NO_FACTS)
def test_facts_in_text_ignores_everything_else(text: str) -> None:
    assert facts_in_text(text) == {}


@pytest.mark.parametrize(("text", "expected"), FACTS_GIVEN)
def test_an_explicit_phrase_answers_its_question_the_same_way(text: str, expected: dict[str, str]) -> None:
    """Asked the question, the reply means what it means unasked: the lenient keyword rules read
    "her symptoms arent getting any better" as "better" and "isn't confirmed" as "confirmed"."""
    for slot, code in expected.items():
        assert parse_answer(slot, text) == code, slot


