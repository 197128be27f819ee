"""The web app's JSON API, health check and pages, against a real SQLite database.

Rows are written through the repository (as the actions write them) and Rasa's tracker table is
filled like Rasa fills it; Rasa itself is either a closed port or a live stand-in HTTP server.
"""
from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.advocates import api_keys
from bot.persistence import repository
from bot.persistence.db import dispose_engines, get_engine
from bot.persistence.people import sender_hash
from bot.web.rasa_client import BACK_TO_BOT_TEXT
from tests.web.conftest import free_port, rasa_events

if TYPE_CHECKING:
    from tests.web.conftest import AddEvent, FakeRasa

# Every endpoint behind the token; test_openapi_describes_every_endpoint keeps this list complete.
API_CALLS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/conversations/person-1", None),
    ("GET", "/api/conversations/person-1/questions", None),
    ("GET", "/api/conversations/person-1/records-requests", None),
    ("DELETE", "/api/conversations/person-1", None),
    ("GET", "/api/handoffs", None),
    ("GET", "/api/handoffs/1", None),
    ("POST", "/api/handoffs/1/messages", {"text": "Hello"}),
    ("POST", "/api/handoffs/1/close", None),
]
API_OPERATIONS = {
    ("get", "/api/conversations/{sender_id}"),
    ("get", "/api/conversations/{sender_id}/questions"),
    ("get", "/api/conversations/{sender_id}/records-requests"),
    ("delete", "/api/conversations/{sender_id}"),
    ("get", "/api/handoffs"),
    ("get", "/api/handoffs/{handoff_id}"),
    ("post", "/api/handoffs/{handoff_id}/messages"),
    ("post", "/api/handoffs/{handoff_id}/close"),
}
SUMMARY_KEYS = {
    "sender_id",
    "channel",
    "condition",
    "treatment",
    "recommendation",
    "reasons",
    "questions",
    "records_requests",
    "handoff",
}


def template(path: str) -> str:
    """The OpenAPI path of a concrete call in API_CALLS."""
    return re.sub(r"/handoffs/\d+", "/handoffs/{handoff_id}", path).replace("person-1", "{sender_id}")


def epoch(iso: str) -> float:
    """Seconds since the epoch; the repository gives naive ISO times when it read them back from SQLite (UTC)."""
    moment = datetime.fromisoformat(iso)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def open_handoff(sender_id: str = "person-1", channel: str = "rest") -> dict[str, Any]:
    return repository.open_handoff(sender_id, channel, "asked", {"condition": "breast cancer"})


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", "Bearer advocate-test-tokenX", "Basic YWR2b2NhdGU6dGVzdA==", "advocate-test-token"],
)
def test_api_refuses_missing_or_wrong_token(client: TestClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for method, path, body in API_CALLS:
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["detail"]


def test_non_ascii_token_is_refused_not_crashing(client: TestClient) -> None:
    response = client.get("/api/handoffs", headers={"Authorization": "Bearer caf\u00e9".encode()})
    assert response.status_code == 401


def test_unauthenticated_request_never_reaches_the_database(client: TestClient) -> None:
    repository.add_questions("person-1", ["Keep me?"])
    assert client.delete("/api/conversations/person-1").status_code == 401
    assert [q["text"] for q in repository.list_questions("person-1")] == ["Keep me?"]


@pytest.mark.parametrize("configured", ["", "   ", None])
def test_api_is_closed_when_no_token_is_configured(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, configured: str | None
) -> None:
    if configured is None:
        monkeypatch.delenv("ADVOCATE_API_TOKEN")
    else:
        monkeypatch.setenv("ADVOCATE_API_TOKEN", configured)
    for method, path, body in API_CALLS:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer anything"}):
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 503, (method, path, headers)
            assert "ADVOCATE_API_TOKEN" in response.json()["detail"]


# --- conversations ---------------------------------------------------------------------------


def test_unknown_person_has_an_empty_case(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get("/api/conversations/nobody-yet", headers=auth)
    assert response.status_code == 200
    assert response.json() == {
        "sender_id": "nobody-yet",
        "channel": None,
        "condition": None,
        "treatment": None,
        "recommendation": None,
        "reasons": [],
        "questions": [],
        "records_requests": [],
        "handoff": None,
    }


def test_case_summary_has_everything_stored(client: TestClient, auth: dict[str, str]) -> None:
    repository.record_case(
        "sms:+15550100", channel="twilio", condition="breast cancer", condition_category="cancer", treatment="surgery"
    )
    repository.save_assessment(
        "sms:+15550100", {"urgency": "weeks"}, "strongly_recommended", ["Cancer is a serious diagnosis."]
    )
    repository.add_questions("sms:+15550100", ["What stage is it?"])
    repository.create_records_request("sms:+15550100", provider="Mercy General", letter="Under 45 CFR 164.524 ...")
    handoff = open_handoff("sms:+15550100", "twilio")

    body = client.get("/api/conversations/sms:+15550100", headers=auth).json()
    # Ids are taken as they are, also percent-encoded (as a client quoting the path segment sends them).
    assert client.get("/api/conversations/sms%3A%2B15550100", headers=auth).json() == body

    assert set(body) == SUMMARY_KEYS
    assert body["sender_id"] == "sms:+15550100"
    assert body["channel"] == "twilio"
    assert body["condition"] == "breast cancer"
    assert body["treatment"] == "surgery"
    assert body["recommendation"] == "strongly_recommended"
    assert body["reasons"] == ["Cancer is a serious diagnosis."]
    assert [q["text"] for q in body["questions"]] == ["What stage is it?"]
    assert [r["provider"] for r in body["records_requests"]] == ["Mercy General"]
    assert body["handoff"]["id"] == handoff["id"]
    assert body["handoff"]["status"] == "open"


def test_questions_come_in_the_order_they_were_added(client: TestClient, auth: dict[str, str]) -> None:
    repository.add_questions("person-1", ["Is this the right diagnosis?", "What are my options?"])
    repository.add_questions("person-1", ["How long is recovery?"], source="suggested")
    repository.add_questions("person-2", ["Someone else's question"])

    response = client.get("/api/conversations/person-1/questions", headers=auth)

    assert response.status_code == 200
    questions = response.json()
    assert [q["text"] for q in questions] == [
        "Is this the right diagnosis?",
        "What are my options?",
        "How long is recovery?",
    ]
    assert [q["source"] for q in questions] == ["person", "person", "suggested"]
    assert all(set(q) == {"id", "text", "created_at", "source"} for q in questions)
    assert questions[0]["id"] < questions[1]["id"] < questions[2]["id"]


def test_records_requests_are_listed(client: TestClient, auth: dict[str, str]) -> None:
    repository.create_records_request(
        "person-1",
        provider="Dr. Maria Lee",
        record_types=["pathology", "imaging"],
        letter="I request my records under 45 CFR 164.524.",
    )
    repository.create_records_request("person-1", provider="City Imaging", letter="Second letter", status="sent")

    response = client.get("/api/conversations/person-1/records-requests", headers=auth)

    assert response.status_code == 200
    requests = response.json()
    assert [(r["provider"], r["status"]) for r in requests] == [("Dr. Maria Lee", "drafted"), ("City Imaging", "sent")]
    assert requests[0]["record_types"] == ["pathology", "imaging"]
    assert "164.524" in requests[0]["letter"]
    assert {"id", "provider", "letter", "status", "created_at"} <= set(requests[0])


def test_delete_erases_everything_about_the_person(
    client: TestClient, auth: dict[str, str], add_event: AddEvent
) -> None:
    for person in ("person-1", "person-2"):
        repository.record_case(person, channel="rest", condition="lupus")
        repository.save_assessment(person, {}, "recommended", ["Symptoms are not improving."])
        repository.add_questions(person, ["Question one?", "Question two?"])
        repository.create_records_request(person, provider="Clinic", letter="Letter")
        repository.add_handoff_message(open_handoff(person)["id"], "advocate", "Hi there")
        add_event(person, "user", 1.0, text="hello")
        add_event(person, "bot", 2.0, text="Hi!")
        repository.create_share_link(person)
        repository.record_question_text(person)
        repository.record_unclear_message(person, "blorp", "fallback", [("faq", 0.4)])

    response = client.delete("/api/conversations/person-1", headers=auth)

    assert response.status_code == 200
    assert response.json() == {
        "deleted": {
            "questions": 2,
            "records_requests": 1,
            "assessments": 1,
            "handoffs": 1,
            "share_links": 1,
            "question_texts": 1,
            "unclear_messages": 1,
            "inbox_messages": 0,
            "outbox_messages": 0,
            "conversations": 1,
            "events": 2,
        }
    }
    summary = client.get("/api/conversations/person-1", headers=auth).json()
    assert summary["condition"] is None
    assert summary["recommendation"] is None
    assert summary["questions"] == summary["records_requests"] == []
    assert summary["handoff"] is None
    assert [h["sender_id"] for h in client.get("/api/handoffs", headers=auth).json()] == ["person-2"]
    assert len(client.get("/api/conversations/person-2/questions", headers=auth).json()) == 2

    again = client.delete("/api/conversations/person-1", headers=auth)
    assert again.status_code == 200
    assert set(again.json()["deleted"].values()) == {0}


def test_delete_also_erases_what_a_turn_in_flight_saves_meanwhile(
    client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa, add_event: AddEvent, rasa_token: str
) -> None:
    """The erase runs through Rasa too, whose lock waits for the person's running turn; whatever that
    turn saved after the first erase (its tracker, a question its action stored) is gone at the end."""
    repository.add_questions("+15550100", ["Is it curable?"])
    add_event("+15550100", "user", 1.0, text="is it curable")

    def turn_in_flight_finishes() -> None:
        add_event("+15550100", "user", 1.0, text="is it curable")
        repository.add_questions("+15550100", ["What are my options?"])

    fake_rasa.on_execute = turn_in_flight_finishes

    response = client.delete("/api/conversations/+15550100", headers=auth)

    assert response.status_code == 200
    assert response.json()["deleted"]["questions"] == 1
    [execute] = fake_rasa.executions()
    assert execute.path == "/conversations/+15550100/execute"
    assert execute.body == {"name": "action_erase_data"}
    assert execute.query == {"token": [rasa_token]}  # no output_channel: the person is not messaged
    assert repository.list_questions("+15550100") == []
    assert client.get("/api/conversations/+15550100", headers=auth).json()["questions"] == []
    person = sender_hash("+15550100")
    events_left = select(func.count()).select_from(rasa_events).where(rasa_events.c.sender_id == person)
    with get_engine().connect() as connection:
        assert connection.execute(events_left).scalar_one() == 0


@pytest.mark.parametrize("rasa_answers", [404, 500])
def test_delete_erases_the_rows_whatever_rasa_answers(
    client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa, rasa_answers: int
) -> None:
    """404: Rasa never talked to this person (rows from the API only); 500: e.g. the action server is down."""
    fake_rasa.execute_status = rasa_answers
    repository.add_questions("person-9", ["Is it hereditary?"])

    response = client.delete("/api/conversations/person-9", headers=auth)

    assert response.status_code == 200
    assert response.json()["deleted"]["questions"] == 1
    assert repository.list_questions("person-9") == []


@pytest.mark.parametrize(
    "path",
    ["/api/conversations/{}", "/api/conversations/{}/questions", "/api/conversations/{}/records-requests"],
)
def test_sender_id_longer_than_255_characters_is_refused(client: TestClient, auth: dict[str, str], path: str) -> None:
    assert client.get(path.format("x" * 255), headers=auth).status_code == 200
    response = client.get(path.format("x" * 256), headers=auth)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "sender_id"]


# --- handoffs --------------------------------------------------------------------------------


def test_handoffs_are_listed_oldest_first_and_filtered(client: TestClient, auth: dict[str, str]) -> None:
    first = open_handoff("person-1")
    second = open_handoff("person-2", "slack")
    repository.close_handoff(first["id"])
    third = open_handoff("person-3", "twilio")

    everything = client.get("/api/handoffs", headers=auth).json()
    open_ones = client.get("/api/handoffs?status=open", headers=auth).json()
    closed_ones = client.get("/api/handoffs", params={"status": "closed"}, headers=auth).json()

    assert [h["id"] for h in everything] == [first["id"], second["id"], third["id"]]
    assert [h["id"] for h in open_ones] == [second["id"], third["id"]]
    assert [h["id"] for h in closed_ones] == [first["id"]]
    assert {"id", "sender_id", "channel", "reason", "summary", "status", "created_at"} <= set(everything[1])
    assert everything[1]["channel"] == "slack"
    assert everything[1]["reason"] == "asked"
    assert everything[1]["summary"] == {"condition": "breast cancer"}


@pytest.mark.parametrize("value", ["pending", "OPEN", ""])
def test_handoffs_with_an_unknown_status_are_refused(client: TestClient, auth: dict[str, str], value: str) -> None:
    response = client.get("/api/handoffs", params={"status": value}, headers=auth)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["query", "status"]
    assert "open" in error["msg"]
    assert "closed" in error["msg"]


@pytest.mark.parametrize(("method", "suffix"), [("GET", ""), ("POST", "/messages"), ("POST", "/close")])
def test_bad_handoff_ids_are_refused(client: TestClient, auth: dict[str, str], method: str, suffix: str) -> None:
    for handoff_id in ("abc", "0", "-1", "2147483648", "1.5"):
        response = client.request(method, f"/api/handoffs/{handoff_id}{suffix}", json={"text": "hi"}, headers=auth)
        assert response.status_code == 422, handoff_id
        assert response.json()["detail"][0]["loc"] == ["path", "handoff_id"]


@pytest.mark.parametrize(("method", "suffix"), [("GET", ""), ("POST", "/messages"), ("POST", "/close")])
def test_unknown_handoff_is_404(client: TestClient, auth: dict[str, str], method: str, suffix: str) -> None:
    response = client.request(method, f"/api/handoffs/4242{suffix}", json={"text": "hi"}, headers=auth)
    assert response.status_code == 404
    assert "4242" in response.json()["detail"]


def test_handoff_detail_merges_tracker_and_advocate_messages(
    client: TestClient, auth: dict[str, str], add_event: AddEvent
) -> None:
    handoff = open_handoff("person-1")
    start = epoch(handoff["created_at"])
    delivered = repository.add_handoff_message(handoff["id"], "Sam", "Hi, I'm Sam, a patient advocate.")
    untagged = repository.add_handoff_message(handoff["id"], "Sam", "Take your time.")
    undelivered = repository.add_handoff_message(handoff["id"], "Sam", "Are you still there?")
    add_event("person-1", "user", start - 60, text="an old message from before the handoff")
    add_event("person-1", "user", start + 1, text="I want to talk to a person", parse_data={"intent": {}})
    add_event("person-1", "action", start + 1.5, name="action_handoff")
    add_event("person-1", "bot", start + 2, text="An advocate will be with you shortly.", metadata={})
    add_event("person-1", "bot", start + 2.5, text=None, data={"buttons": []})
    add_event(
        "person-1",
        "bot",
        start + 3,
        text=delivered["text"],
        metadata={"advocate": "Sam", "handoff_message_id": delivered["id"]},
    )
    add_event("person-1", "user", start + 4, text="thank you")
    add_event("person-1", "bot", start + 5, text=untagged["text"], metadata={"advocate": "Sam"})
    add_event("person-2", "user", start + 6, text="someone else entirely")

    response = client.get(f"/api/handoffs/{handoff['id']}", headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == handoff["id"]
    assert body["sender_id"] == "person-1"
    assert body["status"] == "open"
    assert [m["text"] for m in body["advocate_messages"]] == [delivered["text"], untagged["text"], undelivered["text"]]
    transcript = [(entry["from"], entry["text"], entry["author"]) for entry in body["transcript"]]
    assert transcript == [
        ("advocate", "Are you still there?", "Sam"),  # never delivered: shown when it was stored
        ("person", "I want to talk to a person", None),
        ("bot", "An advocate will be with you shortly.", None),
        ("advocate", "Hi, I'm Sam, a patient advocate.", "Sam"),
        ("person", "thank you", None),
        ("advocate", "Take your time.", "Sam"),
    ]
    assert epoch(body["transcript"][1]["at"]) == pytest.approx(start + 1)
    assert body["transcript"][1]["at"].endswith("+00:00")


def test_closed_handoff_transcript_ends_when_it_was_closed(
    client: TestClient, auth: dict[str, str], add_event: AddEvent
) -> None:
    handoff = open_handoff("person-1")
    closed = repository.close_handoff(handoff["id"])
    add_event("person-1", "user", epoch(handoff["created_at"]) + 0.000001, text="during")
    add_event("person-1", "user", epoch(closed["closed_at"]) + 30, text="after the bot took over")

    body = client.get(f"/api/handoffs/{handoff['id']}", headers=auth).json()

    assert body["status"] == "closed"
    assert [entry["text"] for entry in body["transcript"]] == ["during"]


def test_transcript_is_empty_before_rasa_created_its_table(client: TestClient, auth: dict[str, str]) -> None:
    handoff = open_handoff("person-1")

    response = client.get(f"/api/handoffs/{handoff['id']}", headers=auth)

    assert response.status_code == 200
    assert response.json()["transcript"] == []


# --- advocate messages -----------------------------------------------------------------------


def test_message_is_delivered_through_rasa(
    client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa, rasa_token: str
) -> None:
    handoff = open_handoff("sms:+15550100", "twilio")
    key, _ = api_keys.create("Sam")

    response = client.post(
        f"/api/handoffs/{handoff['id']}/messages",
        json={"text": "  Hello, I'm Sam. How are you feeling?  "},
        # The name comes from the key: a header naming someone else changes nothing.
        headers={"Authorization": f"Bearer {key}", "X-Advocate-Name": "Mallory"},
    )

    assert response.status_code == 201
    message = response.json()
    assert message["text"] == "Hello, I'm Sam. How are you feeling?"
    assert message["author"] == "Sam"
    assert message["delivered"] is True
    [sent] = fake_rasa.tracker_posts()
    assert sent.path == "/conversations/sms:+15550100/tracker/events"
    # The id's channel, not the conversation's latest (a REST caller could once name any channel).
    assert sent.query == {"output_channel": ["twilio"], "execute_side_effects": ["true"], "token": [rasa_token]}
    assert sent.headers["content-type"] == "application/json"
    assert sent.body == [
        {
            "event": "bot",
            "text": "Hello, I'm Sam. How are you feeling?",
            "metadata": {"advocate": "Sam", "handoff_message_id": message["id"]},
        }
    ]
    stored = repository.get_handoff(handoff["id"])["advocate_messages"]
    assert [(m["id"], m["author"], m["text"]) for m in stored] == [(message["id"], "Sam", message["text"])]


@pytest.mark.parametrize("header", ["Sam", "  ", "n" * 256])
def test_bootstrap_token_writes_as_advocate_whatever_the_header_says(
    client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa, header: str
) -> None:
    handoff = open_handoff()

    response = client.post(
        f"/api/handoffs/{handoff['id']}/messages", json={"text": "Hi"}, headers={**auth, "X-Advocate-Name": header}
    )

    assert response.status_code == 201
    assert response.json()["author"] == "advocate"
    assert fake_rasa.tracker_posts()[0].body[0]["metadata"]["advocate"] == "advocate"


def test_message_is_kept_when_rasa_is_unreachable(client: TestClient, auth: dict[str, str]) -> None:
    handoff = open_handoff()

    response = client.post(f"/api/handoffs/{handoff['id']}/messages", json={"text": "Are you there?"}, headers=auth)

    assert response.status_code == 502
    body = response.json()
    assert body["stored"] is True
    assert body["delivered"] is False
    assert "stored but not delivered" in body["detail"]
    assert "unreachable" in body["detail"]
    assert body["message"]["text"] == "Are you there?"
    detail = client.get(f"/api/handoffs/{handoff['id']}", headers=auth).json()
    assert [m["id"] for m in detail["advocate_messages"]] == [body["message"]["id"]]
    assert [(e["from"], e["text"]) for e in detail["transcript"]] == [("advocate", "Are you there?")]


def test_message_to_someone_who_texted_stop_is_kept_and_refused(
    client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa
) -> None:
    """Twilio's STOP is the person's decision: the advocate hears "not sent", not "delivered"."""
    handoff = open_handoff("sms:+15550100", "twilio")
    repository.set_sms_opt_out("+15550100", "stop")  # opt-outs are kept per number

    response = client.post(f"/api/handoffs/{handoff['id']}/messages", json={"text": "Checking in"}, headers=auth)

    assert response.status_code == 409
    body = response.json()
    assert body["stored"] is True and body["delivered"] is False
    assert "texted STOP" in body["detail"]
    assert fake_rasa.tracker_posts() == []
    assert [m["text"] for m in repository.get_handoff(handoff["id"])["advocate_messages"]] == ["Checking in"]


def test_message_is_kept_when_rasa_refuses_it(client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa) -> None:
    fake_rasa.tracker_status = 401
    handoff = open_handoff()

    response = client.post(f"/api/handoffs/{handoff['id']}/messages", json={"text": "Hello"}, headers=auth)

    assert response.status_code == 502
    assert "HTTP 401" in response.json()["detail"]
    assert len(repository.get_handoff(handoff["id"])["advocate_messages"]) == 1


def test_the_rasa_token_never_leaks_into_a_response(client: TestClient, auth: dict[str, str], rasa_token: str) -> None:
    handoff = open_handoff()
    posted = client.post(f"/api/handoffs/{handoff['id']}/messages", json={"text": "Hello"}, headers=auth)
    closed = client.post(f"/api/handoffs/{handoff['id']}/close", headers=auth)
    for response in (posted, closed):
        assert rasa_token not in response.text
        assert "rasa%20secret" not in response.text


@pytest.mark.parametrize(
    "payload",
    [{"text": ""}, {"text": "   \n\t "}, {"text": "x" * 2001}, {}, {"text": ["a list"]}, {"text": None}, None],
)
def test_invalid_message_is_refused(client: TestClient, auth: dict[str, str], payload: Any) -> None:
    handoff = open_handoff()

    response = client.post(f"/api/handoffs/{handoff['id']}/messages", json=payload, headers=auth)

    assert response.status_code == 422
    assert response.json()["detail"]
    assert repository.get_handoff(handoff["id"])["advocate_messages"] == []


def test_malformed_json_is_refused(client: TestClient, auth: dict[str, str]) -> None:
    handoff = open_handoff()
    response = client.post(
        f"/api/handoffs/{handoff['id']}/messages",
        content=b"{not json",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_message_of_2000_characters_is_accepted(client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa) -> None:
    handoff = open_handoff()
    text = " " + "x" * 2000 + " "
    response = client.post(f"/api/handoffs/{handoff['id']}/messages", json={"text": text}, headers=auth)
    assert response.status_code == 201
    assert len(response.json()["text"]) == 2000


def test_message_to_a_closed_handoff_is_a_conflict(
    client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa
) -> None:
    handoff = open_handoff()
    repository.close_handoff(handoff["id"])

    response = client.post(f"/api/handoffs/{handoff['id']}/messages", json={"text": "Hello?"}, headers=auth)

    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert repository.get_handoff(handoff["id"])["advocate_messages"] == []
    assert fake_rasa.tracker_posts() == []


# --- closing a handoff -----------------------------------------------------------------------


def test_close_hands_back_to_the_bot(
    client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa, rasa_token: str
) -> None:
    handoff = open_handoff("slack:T0TEAM:U024BE7LH", "slack")

    response = client.post(f"/api/handoffs/{handoff['id']}/close", headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["handoff"]["status"] == "closed"
    assert body["handoff"]["closed_at"]
    assert body["already_closed"] is False
    assert body["delivered"] is True
    assert body["detail"] is None
    [sent] = fake_rasa.tracker_posts()
    assert sent.path == "/conversations/slack:T0TEAM:U024BE7LH/tracker/events"
    assert sent.query == {"output_channel": ["slack"], "execute_side_effects": ["true"], "token": [rasa_token]}
    assert sent.body == [
        {"event": "slot", "name": "handoff_active", "value": False},
        {"event": "bot", "text": BACK_TO_BOT_TEXT},
    ]
    assert BACK_TO_BOT_TEXT.startswith("You're back with the virtual advocate.")
    assert repository.get_handoff(handoff["id"])["status"] == "closed"


def test_closing_twice_is_idempotent_and_says_goodbye_once(
    client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa
) -> None:
    handoff = open_handoff()
    first = client.post(f"/api/handoffs/{handoff['id']}/close", headers=auth).json()

    response = client.post(f"/api/handoffs/{handoff['id']}/close", headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["already_closed"] is True
    assert body["handoff"]["status"] == "closed"
    assert epoch(body["handoff"]["closed_at"]) == epoch(first["handoff"]["closed_at"])
    second_call = fake_rasa.tracker_posts()[1]
    assert second_call.body == [{"event": "slot", "name": "handoff_active", "value": False}]


def test_close_still_closes_when_rasa_is_unreachable(client: TestClient, auth: dict[str, str]) -> None:
    handoff = open_handoff()

    response = client.post(f"/api/handoffs/{handoff['id']}/close", headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["delivered"] is False
    assert "unreachable" in body["detail"]
    assert body["handoff"]["status"] == "closed"
    assert repository.get_handoff(handoff["id"])["status"] == "closed"
    assert [h["id"] for h in client.get("/api/handoffs?status=open", headers=auth).json()] == []


# --- health, pages, OpenAPI ------------------------------------------------------------------


def test_health_is_degraded_but_200_when_rasa_is_down(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "rasa": "unreachable",
        "action_server": "unreachable",
    }


def test_health_is_ok_when_everything_answers(client: TestClient, fake_rasa: FakeRasa) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "rasa": "ok", "action_server": "ok"}
    assert sorted(r.path for r in fake_rasa.requests if r.method == "GET") == ["/", "/health"]


def test_health_shows_every_instance_of_the_scaled_topology(
    client: TestClient, fake_rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run-scaled names each instance in ADVOCATE_INSTANCES; one that does not answer degrades the page."""
    dead = f"http://127.0.0.1:{free_port()}"
    instances = {"rasa-1": f"{fake_rasa.url}/", "rasa-2": f"{dead}/", "actions-1": f"{fake_rasa.url}/health"}
    monkeypatch.setenv("ADVOCATE_INSTANCES", json.dumps(instances))

    health = client.get("/healthz").json()

    assert health["instances"] == {"actions-1": "ok", "rasa-1": "ok", "rasa-2": "unreachable"}
    assert health["status"] == "degraded"
    monkeypatch.setenv("ADVOCATE_INSTANCES", json.dumps({"rasa-1": f"{fake_rasa.url}/"}))
    assert client.get("/healthz").json()["status"] == "ok"


def test_health_says_when_the_instance_list_cannot_be_read(
    client: TestClient, fake_rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVOCATE_INSTANCES", "rasa-1=http://127.0.0.1:1")

    health = client.get("/healthz").json()

    assert health["status"] == "degraded"
    assert health["instances"]["configuration"].startswith("error: ADVOCATE_INSTANCES must be a JSON object")


def test_health_shows_redis_when_it_is_configured(
    client: TestClient, fake_rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", f"redis://:secret-password@127.0.0.1:{free_port()}/0")
    down = client.get("/healthz")
    assert down.json()["redis"] == "error: ConnectionError"
    assert down.json()["status"] == "degraded"
    assert "secret-password" not in down.text
    if os.environ.get("TEST_REDIS_URL"):  # .ci/run: the real Redis answers
        monkeypatch.setenv("REDIS_URL", os.environ["TEST_REDIS_URL"])
        assert client.get("/healthz").json() == {
            "status": "ok", "database": "ok", "rasa": "ok", "action_server": "ok", "redis": "ok"
        }  # fmt: skip


def test_broken_database_shows_in_health_and_api(
    client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}")  # a directory cannot be opened
    dispose_engines()

    health = client.get("/healthz").json()
    api = client.get("/api/handoffs", headers=auth)

    assert health["status"] == "degraded"
    assert health["database"] == "error: OperationalError"
    assert api.status_code == 503
    assert "database" in api.json()["detail"]


def test_home_page_is_html(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Second Opinion Advocate" in response.text
    assert 'id="chat"' in response.text and "Talk to a person" in response.text  # bot/web/widget.py
    assert 'href="/healthz"' in response.text  # the API docs stay at /docs, unlinked from the patients' page


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()

    assert schema["info"]["title"] == "Second Opinion Advocate"
    assert schema["info"]["version"]
    assert "ADVOCATE_API_TOKEN" in schema["info"]["description"]
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert {op for op in operations if op[1].startswith("/api/")} == API_OPERATIONS
    assert {("get", "/"), ("get", "/healthz")} <= operations
    assert {(method.lower(), template(path)) for method, path, _ in API_CALLS} == API_OPERATIONS
    for path, item in schema["paths"].items():
        for operation in item.values():
            assert operation["summary"]
            if path.startswith("/api/"):
                assert "401" in operation["responses"]
                assert operation["security"] == [{"HTTPBearer": []}]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
