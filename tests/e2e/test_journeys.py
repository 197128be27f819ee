"""Whole journeys over HTTP: talk through Rasa's REST channel, check the outcome in the JSON API."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.e2e.harness import Stack


def new_sender(journey: str) -> str:
    return f"e2e-{journey}-{uuid.uuid4().hex[:10]}"


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def click(stack: Stack, sender: str, replies: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
    """Press the button whose title matches ``title``, as the widget would."""
    buttons = [b for r in replies for b in r.get("buttons") or []]
    matching = [b for b in buttons if re.search(title, b["title"], re.I)]
    assert matching, f"no button /{title}/ in {[b['title'] for b in buttons]}"
    return stack.say(sender, matching[0]["payload"])


def summary(stack: Stack, sender: str) -> dict[str, Any]:
    response = stack.api("GET", f"/api/conversations/{sender}")
    assert response.status_code == 200, response.text
    return response.json()


def test_opening_says_who_we_are_and_offers_the_journeys(stack: Stack) -> None:
    replies = stack.say(new_sender("hello"), "hello")
    text = text_of(replies)
    assert "not a doctor" in text and "911" in text and "person" in text
    titles = " ".join(b["title"] for r in replies for b in r.get("buttons") or [])
    assert "2nd opinion" in titles and "records" in titles and "Talk to a person" in titles


def test_a_saved_question_is_listed_by_the_api(stack: Stack) -> None:
    sender = new_sender("notebook")
    replies = stack.say(sender, "Please save this question: do I need more tests before the operation?")
    assert "Saved" in text_of(replies)
    questions = stack.api("GET", f"/api/conversations/{sender}/questions").json()
    assert [q["text"] for q in questions] == ["Do I need more tests before the operation?"]
    # and it comes back in a later conversation with the same sender id
    assert "1 saved question" in text_of(stack.say(sender, "hi"))


def test_assessment_from_the_first_message_to_the_recommendation(stack: Stack) -> None:
    sender = new_sender("assess")
    replies = stack.say(sender, "I was diagnosed with lung cancer and my doctor wants me to have surgery")
    assert "lung cancer" in text_of(replies)
    for _ in range(8):
        if summary(stack, sender)["recommendation"]:
            break
        replies = click(stack, sender, replies, "not sure")
    case = summary(stack, sender)
    assert case["recommendation"] == "strongly_recommended"
    assert case["condition"] == "lung cancer" and case["treatment"] == "surgery"
    assert case["reasons"]
    assert "strongly" in text_of(replies).lower()


def test_a_caregiver_is_spoken_to_about_their_relative(stack: Stack) -> None:
    """Experiencer: "my dad was diagnosed" makes the questions and the result about "your dad"."""
    sender = new_sender("caregiver")
    replies = stack.say(sender, "my dad was diagnosed with lymphoma and his onc wants to start chemo asap")
    assert "your dad" in text_of(replies).lower()
    for _ in range(8):
        if summary(stack, sender)["recommendation"]:
            break
        replies = click(stack, sender, replies, "not sure")
    case = summary(stack, sender)
    assert case["condition"] == "lymphoma" and case["treatment"] == "chemotherapy"
    assert case["recommendation"] == "strongly_recommended"
    assert "your dad" in text_of(replies).lower()


def test_a_negated_diagnosis_is_not_taken_as_one(stack: Stack) -> None:
    """Negation: "they said it's not cancer" must not record cancer (which would change the advice)."""
    sender = new_sender("negation")
    stack.say(sender, "should I get a second opinion? they said it's not cancer, it's a benign cyst")
    assert summary(stack, sender)["condition"] != "cancer"


def test_crisis_inside_a_form_gets_988_and_911_first(stack: Stack) -> None:
    sender = new_sender("crisis")
    stack.say(sender, "should I get a second opinion?")
    replies = stack.say(sender, "I have cancer and I don't want to live anymore")
    first = replies[0]["text"]
    assert "988" in first and "911" in first
    assert summary(stack, sender)["condition"] is None  # the crisis message is not taken as an answer


def test_handoff_opens_a_record_and_the_bot_goes_quiet_except_for_safety(stack: Stack) -> None:
    sender = new_sender("handoff")
    stack.say(sender, "save this question: what stage is it?")
    replies = stack.say(sender, "can I speak with a human advocate")
    assert "advocate" in text_of(replies)
    handoff = summary(stack, sender)["handoff"]
    assert handoff["status"] == "open" and handoff["reason"] == "asked_for_person"
    assert handoff["summary"]["questions"][0]["text"] == "What stage is it?"
    assert any(h["sender_id"] == sender for h in stack.api("GET", "/api/handoffs?status=open").json())
    assert stack.say(sender, "hello? is anyone there") == []
    assert "988" in text_of(stack.say(sender, "i want to kill myself"))


def test_records_request_letter_is_stored(stack: Stack) -> None:
    sender = new_sender("records")
    answers = [
        "I need to request my medical records",
        "Mercy General Hospital",
        "All of them",
        "All dates",
        "Electronic copy",
        "email them to me at jane.doe@example.com",
        "Jane Doe",
        "March 2, 1970",
    ]
    for answer in answers:
        replies = stack.say(sender, answer)
    assert "164.524" in text_of(replies)
    [request] = stack.api("GET", f"/api/conversations/{sender}/records-requests").json()
    assert request["provider"] == "Mercy General Hospital"
    assert "Jane Doe" in request["letter"] and "jane.doe@example.com" in request["letter"]


def test_delete_my_data_leaves_nothing(stack: Stack) -> None:
    sender = new_sender("erase")
    stack.say(sender, "Please save this question: do I need more tests before the operation?")
    replies = stack.say(sender, "erase everything you have about me")
    assert summary(stack, sender)["questions"], "nothing may be deleted before the person confirms"
    replies = click(stack, sender, replies, "yes, delete")
    assert "deleted" in text_of(replies).lower()
    case = summary(stack, sender)
    assert case["questions"] == [] and case["records_requests"] == [] and case["handoff"] is None
    tracker = stack.rasa_api("GET", f"/conversations/{sender}/tracker").json()
    assert not [e for e in tracker["events"] if e.get("event") == "user" and "treatment options" in e.get("text", "")]


def test_api_delete_erases_a_person(stack: Stack) -> None:
    sender = new_sender("api-delete")
    stack.say(sender, "save this question: is it hereditary?")
    assert stack.api("DELETE", f"/api/conversations/{sender}").status_code == 200
    assert summary(stack, sender)["questions"] == []
    tracker = stack.rasa_api("GET", f"/conversations/{sender}/tracker").json()
    assert [e for e in tracker["events"] if e.get("event") in ("user", "bot")] == []
    assert stack.say(sender, "hi"), "the person can start again after an erase they did not ask for in the chat"
