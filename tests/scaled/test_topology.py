"""`make run-scaled`: every instance healthy, and one person's conversation served by any of them.

Against the real topology (tests/scaled/conftest.py): nginx in front of two Rasa servers and two
action servers, PostgreSQL and Redis. A conversation started on one Rasa instance continues on the
other, over REST and over the widget's socket.io, because its state is in the shared database.
"""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace

from tests.e2e.test_identity import widget_turn
from tests.scaled.conftest import Scaled

REST = "/webhooks/rest/webhook"


def say_on(scaled: Scaled, instance: str, sender: str, text: str) -> list[str]:
    response = scaled.client.post(f"{scaled.instance_url(instance)}{REST}", json={"sender": sender, "message": text})
    response.raise_for_status()
    return [message.get("text", "") for message in response.json()]


def test_the_health_page_shows_every_instance_redis_and_the_database(scaled: Scaled) -> None:
    health = scaled.api("GET", "/healthz", token=None).json()

    assert health["status"] == "ok", health
    assert health["instances"] == {"rasa-1": "ok", "rasa-2": "ok", "actions-1": "ok", "actions-2": "ok"}
    assert health["redis"] == "ok" and health["database"] == "ok"


def test_a_conversation_started_on_one_instance_continues_on_the_other(scaled: Scaled) -> None:
    sender = f"scaled-{uuid.uuid4().hex[:8]}"
    marker = f"quokka{uuid.uuid4().hex[:6]}"

    saved = say_on(scaled, "rasa-1", sender, f"Please save this question: is {marker} rehab right for me?")
    listed = say_on(scaled, "rasa-2", sender, "show me my questions")
    # The form's state travels too: started on one instance, its question answered on the other.
    started = say_on(scaled, "rasa-2", sender, "should I get a second opinion?")
    followed = say_on(scaled, "rasa-1", sender, "yes")

    assert any(marker in text.lower() for text in saved), saved
    assert any(marker in text.lower() for text in listed), listed
    tracker = scaled.client.get(
        f"{scaled.instance_url('rasa-2')}/conversations/{sender}/tracker", params={"token": scaled.rasa_token}
    ).json()
    said = [event["text"] for event in tracker["events"] if event["event"] == "user"]
    assert said[-4:-2] == [f"Please save this question: is {marker} rehab right for me?", "show me my questions"]
    assert tracker["active_loop"].get("name") == "assessment_form", (started, followed)
    assert not any("didn't understand" in text or "Did you mean" in text for text in started + followed)
    questions = scaled.api("GET", f"/api/conversations/{sender}/questions").json()
    assert [q for q in questions if marker in q["text"].lower()], questions


def test_nginx_spreads_rest_turns_and_every_one_is_answered(scaled: Scaled) -> None:
    senders = [f"spread-{uuid.uuid4().hex[:8]}" for _ in range(8)]
    for sender in senders:
        response = scaled.client.post(f"{scaled.rasa_url}{REST}", json={"sender": sender, "message": "hello"})
        assert response.status_code == 200 and response.json(), response.text

    access_log = (scaled.workdir / "var" / "nginx" / "access.log").read_text()
    used = {port for name, url in scaled.instances.items() if name.startswith("rasa-")
            for port in [url.rsplit(":", 1)[1]] if f"127.0.0.1:{port}" in access_log}  # fmt: skip
    assert len(used) == 2, f"only {used} served the turns"
    assert "hello" not in access_log and "token=" not in access_log  # no request lines, no bodies


def test_the_widget_continues_its_conversation_on_the_other_instance(scaled: Scaled) -> None:
    on_first, on_second = (SimpleNamespace(rasa_url=scaled.instance_url(name)) for name in ("rasa-1", "rasa-2"))
    marker = f"axolotl{uuid.uuid4().hex[:6]}"

    question = f"Please save this question: will {marker} surgery need a hospital stay?"
    session, replies = asyncio.run(widget_turn(on_first, None, question))  # type: ignore[arg-type]
    assert any(marker in reply.lower() for reply in replies), replies
    again, listed = asyncio.run(widget_turn(on_second, session, "show me my questions"))  # type: ignore[arg-type]

    assert again == session  # the signed session is accepted by the other instance
    assert any(marker in reply.lower() for reply in listed), listed
