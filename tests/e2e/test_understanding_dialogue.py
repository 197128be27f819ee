"""Issue 11's dialogue through the real Rasa server, action server and web app.

"Did you mean" is about what the bot does with a ranking, not about which ranking the model gives
a sentence today: those tests put a message that fell back, with its ranking, on the tracker
(Rasa's HTTP API) and run the real action_fallback on it; everything after that is the person
pressing, typing a number by SMS or writing again. The other tests send the person's own words.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.harness import Stack
from tests.e2e.test_journeys import click, new_sender, summary, text_of
from tests.e2e.test_sms import choices, conversation, fakes, new_number, sent, settle, text_and_wait

RECORDS_FIRST_QUESTION = "Which doctor, hospital or clinic has the records?"
UNCLEAR = "the place on Elm street has all the films and the notes from my knee"


def fell_back(text: str, channel: str) -> dict[str, Any]:
    """A user event as Rasa records a message that fell back between the records and an FAQ."""
    return {
        "event": "user",
        "text": text,
        "input_channel": channel,
        "parse_data": {
            "text": text,
            "intent": {"name": "nlu_fallback", "confidence": 0.4},
            "intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.4},
                {"name": "faq", "confidence": 0.33},
                {"name": "request_records", "confidence": 0.31},
                {"name": "greet", "confidence": 0.08},
            ],
            "entities": [],
            "response_selector": {
                "all_retrieval_intents": ["faq"],
                "faq": {"response": {"intent_response_key": "faq/what_to_bring", "confidence": 0.71}},
            },
        },
    }


def miss(stack: Stack, sender: str, text: str, channel: str = "rest") -> list[dict[str, Any]]:
    """The message falls back, and the real action_fallback answers it; its messages."""
    response = stack.rasa_api("POST", f"/conversations/{sender}/tracker/events", json=fell_back(text, channel))
    assert response.status_code == 200, response.text
    response = stack.rasa_api(
        "POST",
        f"/conversations/{sender}/execute",
        params={"output_channel": "latest"},
        json={"name": "action_fallback"},
    )
    assert response.status_code == 200, response.text
    # As after any bot turn, the bot listens: the rules for the next message start from there.
    listen = stack.rasa_api(
        "POST", f"/conversations/{sender}/tracker/events", json={"event": "action", "name": "action_listen"}
    )
    assert listen.status_code == 200, listen.text
    return response.json().get("messages") or []


def test_did_you_mean_offers_both_readings_and_the_faq_button_answers_that_faq(stack: Stack) -> None:
    sender = new_sender("did-you-mean")
    stack.say(sender, "hi")

    [question] = miss(stack, sender, UNCLEAR)

    assert "Did you mean" in question["text"]
    assert [b["title"] for b in question["buttons"]] == [
        "What to bring to the visit", "Get my medical records", "Something else",
    ]  # fmt: skip
    answer = click(stack, sender, [question], "What to bring")
    assert "Bring all your records" in text_of(answer)
    assert RECORDS_FIRST_QUESTION in text_of(stack.say(sender, "yes please")), "the FAQ's offer is open"


def test_a_yes_to_did_you_mean_asks_which_one_and_its_button_then_picks_it(stack: Stack) -> None:
    sender = new_sender("did-you-mean-yes")
    stack.say(sender, "hi")
    [question] = miss(stack, sender, UNCLEAR)

    [which] = stack.say(sender, "yeah")

    assert which["text"] == "Which one did you mean? Tap it, or type its number."
    assert [b["title"] for b in which["buttons"]] == [b["title"] for b in question["buttons"]]
    assert RECORDS_FIRST_QUESTION in text_of(click(stack, sender, [which], "Get my medical records"))


def test_something_else_asks_again_and_a_second_miss_brings_a_person(stack: Stack) -> None:
    sender = new_sender("something-else")
    stack.say(sender, "hi")
    question = miss(stack, sender, UNCLEAR)

    again = click(stack, sender, question, "Something else")

    assert "put it another way" in text_of(again)
    assert summary(stack, sender)["handoff"] is None
    handed = miss(stack, sender, "the films from the knee place, the one on Elm")
    assert "human patient advocate" in text_of(handed)
    assert summary(stack, sender)["handoff"]["reason"] == "bot_did_not_understand"


def test_on_sms_the_readings_are_numbered_and_2_starts_the_records_letter(stack: Stack) -> None:
    number = new_number()
    text_and_wait(stack, number, "hello")
    before = len(sent(stack, number))

    miss(stack, conversation(number), UNCLEAR, channel="twilio")
    fakes(stack).twilio.wait_for(lambda _: len(sent(stack, number)) > before, timeout=90)
    [question] = settle(stack, number)[before:]

    assert "Did you mean" in question
    assert choices(question) == {
        "what to bring to the visit": "1", "get my medical records": "2", "something else": "3",
    }  # fmt: skip
    assert RECORDS_FIRST_QUESTION in "\n".join(text_and_wait(stack, number, "2"))


def test_are_you_a_bot_offers_a_person_and_yes_brings_one(stack: Stack) -> None:
    sender = new_sender("bot-challenge")
    answer = stack.say(sender, "/bot_challenge")
    assert "virtual patient advocate" in text_of(answer)
    assert [b["payload"] for r in answer for b in r.get("buttons") or []] == ["/human_handoff"]

    stack.say(sender, "yes")

    assert summary(stack, sender)["handoff"]["reason"] == "asked_for_person"


def test_a_fed_up_demand_for_a_person_reaches_one_on_the_first_try(stack: Stack) -> None:
    sender = new_sender("fed-up")
    stack.say(sender, "hi")

    replies = stack.say(sender, "are you even a human?? this is useless, put me through to a real person")

    assert "human patient advocate" in text_of(replies)
    assert summary(stack, sender)["handoff"]["status"] == "open"


def test_a_question_is_removed_by_what_it_says_and_two_that_fit_are_asked_about(stack: Stack) -> None:
    sender = new_sender("by-description")
    for question in ("Will the scar fade after the surgery?", "Who reads the biopsy?", "Is surgery my only option?"):
        stack.say(sender, f'/add_question{{"question":"{question}"}}')

    removed = stack.say(sender, "remove the question about the biopsy")
    assert 'Removed: "Who reads the biopsy?"' in text_of(removed)

    which = stack.say(sender, "remove the question about surgery")
    assert "Which one should I remove?" in text_of(which)
    click(stack, sender, which, "only option")
    assert [q["text"] for q in summary(stack, sender)["questions"]] == ["Will the scar fade after the surgery?"]


def test_a_medicine_question_after_a_story_gets_the_boundary_and_only_the_question_saved(stack: Stack) -> None:
    sender = new_sender("health-question")
    replies = stack.say(
        sender,
        "My mum has had psoriasis for years and her dermatologist just started her on methotrexate. "
        "Her hair is coming out in the shower. Is the methotrexate doing that?",
    )
    said = text_of(replies)
    assert "can't answer it" in said and "pharmacist" in said
    assert '"Is the methotrexate doing that?"' in said

    stack.say(sender, "yes")

    assert [q["text"] for q in summary(stack, sender)["questions"]] == ["Is the methotrexate doing that?"]


def test_emergency_care_now_with_a_question_about_waiting_says_do_not_delay(stack: Stack) -> None:
    sender = new_sender("emergency-question")
    stack.say(sender, "should I get a second opinion")

    replies = stack.say(
        sender,
        "my wife is in the ER right now with a brain bleed and they want to operate tonight, "
        "can we wait and get another opinion first?",
    )

    said = text_of(replies)
    assert "Call 911" in said and "Don't wait for a second opinion" in said


def test_a_question_in_the_middle_of_the_assessment_is_answered_and_the_question_comes_back(stack: Stack) -> None:
    """The classifier is only half sure it is a medical question; it is still no answer to the form."""
    sender = new_sender("mid-form-question")
    story = "my mom has stage 2 breast cancer and the surgeon wants a mastectomy next week"
    started = text_of(stack.say(sender, story))
    assert "Are the doctors sure about your mom's diagnosis?" in started

    replied = text_of(stack.say(sender, "how long do we have to decide? is waiting a week ok?"))

    assert "didn't catch that" not in replied
    assert replied.rstrip().endswith("Are the doctors sure about your mom's diagnosis?")
    assert len(replied) > len("Are the doctors sure about your mom's diagnosis?") + 40  # something answered it first
    carry_on = text_of(stack.say(sender, "ok continue"))
    assert "Sure, let's carry on." in carry_on and "Are the doctors sure" in carry_on


def test_heavy_bleeding_after_a_birth_gets_911_even_with_a_past_date_and_a_question(stack: Stack) -> None:
    replies = stack.say(
        new_sender("postpartum-bleeding"),
        "I gave birth five days ago and now I'm bleeding through a pad in under half an hour and I'm dizzy, "
        "should I just wait for my checkup?",
    )

    assert "Call 911 now" in text_of(replies)


def test_asking_when_chest_pain_calls_for_911_is_a_health_question_not_an_alarm(stack: Stack) -> None:
    replies = stack.say(new_sender("chest-pain-question"), "how would I know if chest pain is bad enough to call 911?")

    said = text_of(replies)
    assert "Call 911 now" not in said
    assert "can't answer it" in said


def test_a_records_request_already_made_told_at_length_asks_for_its_status(stack: Stack) -> None:
    replies = stack.say(
        new_sender("records-status-story"),
        "Following up on the request I made through you a few weeks back for my MRI disc. The imaging place "
        "keeps giving me the runaround and my appointment is Friday. Can you check where it stands?",
    )

    assert "You don't have a records request with me yet" in text_of(replies)
