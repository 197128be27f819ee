"""The advocate console in real headless Chromium, against the web app served by uvicorn.

Rasa is the live stand-in of tests/web/conftest.py and the person's side is written into Rasa's
tracker table as Rasa writes it, so this runs in seconds without a model; the whole stack with
the chat widget is tests/e2e/test_advocate_browser.py.
"""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn

from bot.advocates.passwords import hash_password
from bot.persistence import audit as audit_trail
from bot.persistence import repository, staff
from bot.web import rasa_client
from bot.web.app import create_app
from tests.browser import chromium, screenshot
from tests.web.conftest import free_port

if TYPE_CHECKING:
    from tests.web.conftest import AddEvent, FakeRasa

PAGE_READS = {"view_queue", "view_audit", "list_handoffs"}
EMAIL = "maria@example.org"
PASSWORD = "correct horse battery staple"
XSS = "<script>alert(1)</script>"
LIVE_WITHIN_MS = 2000  # the issue: a person's message shows in the console within 2 seconds


@pytest.fixture
def web_app(database: str, fake_rasa: FakeRasa) -> Iterator[str]:
    """The web app on a free port in this process (so it shares the test's environment)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def epoch(iso: str) -> float:
    moment = datetime.fromisoformat(iso)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def test_advocate_works_a_handoff_in_the_browser(
    web_app: str, fake_rasa: FakeRasa, add_event: AddEvent, request: pytest.FixtureRequest
) -> None:
    staff.create_advocate(EMAIL, "Maria Lopez", hash_password(PASSWORD))
    repository.record_case("web-person", "socketio", condition="breast cancer", treatment="mastectomy")
    repository.add_questions("web-person", [XSS, "How long is recovery?"])
    handoff = repository.open_handoff("web-person", "socketio", "asked_for_person", {"condition": "breast cancer"})
    start = epoch(handoff["created_at"])
    add_event("web-person", "user", start + 0.5, text="can I talk to a person")
    dialogs: list[str] = []

    with chromium() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{web_app}/advocate")
        assert "/advocate/login" in page.url
        screenshot(page, request.node.name, "0-login")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{web_app}/advocate")
        row = page.locator(f'tr[data-handoff-id="{handoff["id"]}"]')
        assert "Asked for a person" in row.inner_text()
        screenshot(page, request.node.name, "1-queue")

        row.locator("a").first.click()
        page.wait_for_url(f"{web_app}/advocate/handoffs/{handoff['id']}")
        questions = page.locator("#summary-questions li")
        assert questions.first.inner_text() == XSS  # shown as text ...
        assert page.locator("#case-summary script").count() == 0  # ... never made into an element
        assert "breast cancer" in page.locator("#summary-condition").inner_text()
        page.locator("#transcript li", has_text="can I talk to a person").wait_for()

        add_event("web-person", "user", time.time(), text="I'm scared about the surgery")
        page.locator("#transcript li.from-person", has_text="I'm scared about the surgery").wait_for(
            timeout=LIVE_WITHIN_MS
        )
        add_event("web-person", "user", time.time(), text=XSS)
        page.locator("#transcript li.from-person", has_text=XSS).wait_for(timeout=LIVE_WITHIN_MS)
        screenshot(page, request.node.name, "2-conversation")

        page.fill("#reply-text", "Hi, I'm Maria, a patient advocate. I'm here.")
        page.click("#reply-form button[type=submit]")
        page.locator(".notice.ok", has_text="Sent.").wait_for()
        page.locator("#transcript li.from-advocate", has_text="I'm here.").wait_for()
        [sent] = fake_rasa.tracker_posts()
        assert sent.body[0]["text"] == "Hi, I'm Maria, a patient advocate. I'm here."
        assert sent.body[0]["metadata"]["advocate"] == "Maria Lopez"

        page.click("#close-form button[type=submit]")
        page.wait_for_url(f"{web_app}/advocate?notice=closed&handoff={handoff['id']}")
        assert page.locator(f'#queue-body tr[data-handoff-id="{handoff["id"]}"]').count() == 0
        screenshot(page, request.node.name, "3-closed")
        assert fake_rasa.tracker_posts()[-1].body[0] == {"event": "slot", "name": "handoff_active", "value": False}

        page.goto(f"{web_app}/advocate/audit")
        for action in ("sign_in", "view", "reply", "close", "view_audit"):
            assert page.locator("table.audit tbody td", has_text=action).first.is_visible(), action
        screenshot(page, request.node.name, "4-audit-log")

        page.click("text=Sign out")
        page.wait_for_url(f"{web_app}/advocate/login?notice=signed_out")

    assert dialogs == []  # no script people typed ever ran
    # Page reads (queue, audit log) and the script's polls are audited too; these are the handoff's steps.
    actions = [e["action"] for e in reversed(audit_trail.list_audit()) if e["action"] not in PAGE_READS]
    assert actions == ["sign_in", "view", "reply", "close", "sign_out"]
    assert audit_trail.verify_chain().ok


def test_queue_shows_a_new_handoff_without_a_reload(
    web_app: str, add_event: Any, request: pytest.FixtureRequest
) -> None:
    staff.create_advocate(EMAIL, "Maria Lopez", hash_password(PASSWORD))
    with chromium() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(f"{web_app}/advocate/login")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.locator("#queue-empty").wait_for()

        handoff = repository.open_handoff("late-person", "twilio", "billing_dispute", {})

        page.locator(f'tr[data-handoff-id="{handoff["id"]}"]', has_text="Billing dispute").wait_for(timeout=8000)
        assert "SMS" in page.locator(f'tr[data-handoff-id="{handoff["id"]}"]').inner_text()
        screenshot(page, request.node.name, "queue")


def test_closing_is_not_undone_by_the_live_transcript(
    web_app: str, fake_rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """While the close is on its way (Rasa can be slow), the page's poll already sees "closed".

    It must not reload the page then: the reload would cancel the form submission, and the
    advocate would never learn whether the bot was told.
    """
    original = rasa_client.append_events

    async def slow_rasa(*args: Any, **kwargs: Any) -> None:
        await asyncio.sleep(2.5)  # longer than two polls of the transcript
        await original(*args, **kwargs)

    monkeypatch.setattr(rasa_client, "append_events", slow_rasa)  # the server runs in this process
    staff.create_advocate(EMAIL, "Maria Lopez", hash_password(PASSWORD))
    handoff = repository.open_handoff("web-person", "socketio", "asked_for_person", {})
    with chromium() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(f"{web_app}/advocate/login?next=/advocate/handoffs/{handoff['id']}")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.locator("#close-form").wait_for()
        page.click("#close-form button[type=submit]")
        page.locator(".notice.ok", has_text="Closed. The bot has told the person it is back.").wait_for(timeout=15000)
        screenshot(page, request.node.name, "closed")
    assert fake_rasa.tracker_posts()[-1].body[-1]["text"].startswith("You're back")
