"""Medical questions become questions for the doctors; the bot itself never advises."""

from __future__ import annotations

import pytest

from bot.understanding import advice


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("should I do chemo?", "Is chemotherapy the best option for me, and what are the alternatives?"),
        ("is my cancer curable?", "What is the goal of my treatment — cure or control — and what are my chances?"),
        (
            "is surgery better than radiation for me?",
            "What are the benefits and risks of surgery compared with radiation for me?",
        ),
        (
            "Should i get surgery or radiation",
            "What are the benefits and risks of surgery compared with radiation for me?",
        ),
        (
            "is surgery or radiation better",
            "What are the benefits and risks of surgery compared with radiation for me?",
        ),
        ("chemo vs radiation", "What are the benefits and risks of chemotherapy compared with radiation for me?"),
        (
            "do you think I should do chemo first?",
            "Is it best for me to do chemotherapy first, and what are the alternatives?",
        ),
        (
            "can you tell me if I should have the mastectomy",
            "Is the mastectomy the best option for me, and what are the alternatives?",
        ),
        ("should I take Keytruda", "Is Keytruda the best option for me, and what are the alternatives?"),
        (
            "should I stop taking tamoxifen",
            "Is it safe for me to stop or skip tamoxifen, and what would happen if I did?",
        ),
        ("do I really need a biopsy", "Why do I need a biopsy, and what would happen if I said no?"),
        (
            "can I wait a few months",
            "How long can I safely wait before starting treatment, and is there time for a second opinion?",
        ),
        (
            "which hospital is better for me",
            "Which hospitals or specialists have the most experience with my condition?",
        ),
        ("which treatment is best for me", "Which treatment do you recommend for me, and why?"),
        ("what would you do", "If you were in my place, what would you do, and why?"),
        ("what should i do", "What do I need to do, and why is it important for me to do this?"),
        ("is it serious", "How serious is my condition, and what does it mean for me?"),
        ("is the surgery safe", "How safe is the surgery for me, and what are the risks?"),
        ("what stage is my cancer", "What is the stage of my cancer, and what does it mean for my treatment?"),
        ("do I have cancer", "Could this be cancer, and what tests would show it for sure?"),
        ("tell me if it is cancer", "Could this be cancer, and what tests would show it for sure?"),
        ("will I survive this", "What is the goal of my treatment — cure or control — and what are my chances?"),
        (
            "should I get a second opinion?",
            "Would a second opinion help in my situation, and is there time to get one?",
        ),
    ],
)
def test_reframe_as_question(message: str, expected: str) -> None:
    assert advice.reframe_as_question(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("is it normal to feel tired after chemo", "Is it normal to feel tired after chemotherapy?"),
        ("hey bot, what do you think about keto for cancer", "What do you think about keto for cancer?"),
        ("do you think the scan was read right", "Do you think the scan was read right?"),
        ("is the tumor growing", "Is the tumor growing?"),
        ("can i keep working", "Can I keep working?"),
    ],
)
def test_fallback_keeps_the_persons_own_question(message: str, expected: str) -> None:
    assert advice.reframe_as_question(message) == expected


@pytest.mark.parametrize("message", ["", "   ", "???", "hey"])
def test_empty_input_gives_a_general_question(message: str) -> None:
    assert advice.reframe_as_question(message) == "What is my main problem, and what do I need to do?"


@pytest.mark.parametrize(
    "message",
    ["should I do chemo?", "is my cancer curable?", "is surgery better than radiation", "what should I do", "ok"],
)
def test_reframed_questions_never_give_advice(message: str) -> None:
    question = advice.reframe_as_question(message)
    assert question.endswith("?")
    assert question[0].isupper()
    for advice_phrase in ("you should", "I recommend", "I think", "I suggest"):
        assert advice_phrase not in question


@pytest.mark.parametrize(
    "message",
    [
        "how long do I have to live",
        "realistically how many years does my dad have left",
        "what's the survival rate for stage 3 ovarian cancer",
        "wat r my odds",
        "is my mom going to be ok",
        "will he survive the operation?",
        "is my cancer curable",
        "is stage 2 melanoma serious",
        "can it be cured?",
        "does this sound like lupus to you",
        "they said IBS but could it be celiac instead",
        "do u think its MS",
        "is my doctor giving me the right treatment",
        "is this the right treatment plan for me",
        "could the pathologist have misread my slides",
        "what would you do if you were me",
        "is proton therapy better than regular radiation",
        "my PSA is 9.2, is that bad",
        "what does a gleason 7 mean for me",
        "how worried should I be",
        "what dose of prednisone should my dad be on",
        "is it safe to stop my blood thinner before the trip",
        "can I skip my chemo this week",
        "is my treatment even working",
        "my husband was told he has lymphoma is it treatable",
        "tell me honestly, is stage 3 lung cancer a death sentence",
    ],
)
def test_plain_requests_for_a_medical_judgement_are_recognised(message: str) -> None:
    assert advice.asks_for_medical_judgement(message)


@pytest.mark.parametrize(
    "message",
    [
        # the assessment and the FAQs about second opinions, however they are worded
        "should I get a second opinion",
        "what are the chances the second doctor says something different",
        "is it bad if the second doctor disagrees",
        "is a second opinion better than just trusting my surgeon",
        "how long do they have to send my records",
        "how long do I have to wait for an appointment",
        "is it covered by insurance",
        "is it bad manners to see another specialist",
        # answers to assessment questions are statements
        "they said it's very treatable",
        "the oncologist is sure it's malignant",
        "they said it is very treatable",
        "the oncologist says stage 1 is highly curable",
        "they told us his chances of survival are good",
        "my dad has stage 4 lung cancer",
        # other intents that share words
        "can I stop the quiz",
        "can we skip this question",
        "is this thing working?",
        "is it ok if my wife comes with me",
        "what would you recommend I ask my doctor",
    ],
)
def test_look_alikes_are_not_taken_for_advice_requests(message: str) -> None:
    assert not advice.asks_for_medical_judgement(message)


@pytest.mark.parametrize(
    "text",
    [
        "i was told i have MS",
        "my wife got diagnosed with lymphoma",
        "got my biopsy results, its melanoma",
        "hi my mom has lupus",
        "just found out its a glioma",
        "dx'd w/ crohns last month",
        "my dad is diagnosed with lymphoma",
        "the scan came back and it's pancreatic cancer",
    ],
)
def test_telling_the_diagnosis(text: str) -> None:
    assert advice.tells_the_situation(text)


@pytest.mark.parametrize(
    "text",
    [
        "who can give me a second opinion on my MS",
        "whats my chance of survival with stage 3 colon cancer",
        "for my prostate cancer is surgery or radiation better",
        "any recommendations on where to go for a 2nd opinion on sarcoma",
        "my dad has lymphoma is it treatable",
        "i have lupus and need my records",
        "i was diagnosed with thyroid cancer and i'm worried my doctor will be upset",
        "dad was diagnosed with prostate cancer, do second opinions actually change things",
        "breast cancer stage 2",  # a bare name: an answer, not a telling
        "i have MS, can i talk to a person",
    ],
)
def test_questions_and_other_requests_are_not_a_telling(text: str) -> None:
    assert not advice.tells_the_situation(text)
