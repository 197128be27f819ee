"""The advocate console (/advocate): accounts, sessions, CSRF, the queue, a conversation, audit, XSS.

Real SQLite database, real Argon2 hashes, and Rasa either a closed port or the live stand-in of
tests/web/conftest.py, so replies and closing go over HTTP exactly as in production.
"""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from bot.advocates.config import AdvocateSettings
from bot.advocates.passwords import hash_password
from bot.persistence import audit as audit_trail
from bot.persistence import repository, staff
from bot.persistence.db import session_scope
from bot.persistence.models import AdvocateSession
from bot.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from bot.web.rasa_client import BACK_TO_BOT_TEXT

if TYPE_CHECKING:
    from tests.web.conftest import AddEvent, FakeRasa

EMAIL = "maria@example.org"
PASSWORD = "correct horse battery staple"
NAME = "Maria Lopez"
XSS = "<script>alert(1)</script>"
_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def advocate(database: str) -> dict[str, Any]:
    return staff.create_advocate(EMAIL, NAME, hash_password(PASSWORD))


def csrf_in(page: str) -> str:
    match = _CSRF_INPUT.search(page)
    assert match, "no CSRF field on the page"
    return html.unescape(match.group(1))


def sign_in(client: TestClient, email: str = EMAIL, password: str = PASSWORD, **extra: str) -> Any:
    """Fill in the login form like a browser: fetch it (CSRF cookie + field), then post it."""
    form = client.get("/advocate/login")
    assert form.status_code == 200
    data = {"email": email, "password": password, "csrf_token": csrf_in(form.text), **extra}
    return client.post("/advocate/login", data=data, follow_redirects=False)


@pytest.fixture
def signed_in(client: TestClient, advocate: dict[str, Any]) -> str:
    """Sign the client in; returns the session's CSRF token (as the console's pages carry it)."""
    response = sign_in(client)
    assert response.status_code == 303, response.text
    return csrf_in(client.get("/advocate").text)


def open_handoff(sender_id: str = "person-1", reason: str = "asked_for_person", **summary: Any) -> dict[str, Any]:
    return repository.open_handoff(sender_id, "socketio", reason, {"condition": "lupus", **summary})


def audit_actions(handoff_id: int | None = None) -> list[tuple[str, str]]:
    """(actor, action), oldest first."""
    return [(e["actor"], e["action"]) for e in reversed(audit_trail.list_audit(handoff_id=handoff_id))]


def set_cookie_header(response: Any, name: str) -> str:
    headers = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(f"{name}=")]
    assert headers, f"no {name} cookie set"
    return headers[0]


# --- signing in and out ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/advocate", "/advocate/", "/advocate/handoffs/1", "/advocate/audit"])
def test_console_pages_need_a_session(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/advocate/login?next=")


def test_sign_in_sets_a_safe_expiring_session_cookie(client: TestClient, advocate: dict[str, Any]) -> None:
    response = sign_in(client)

    assert response.status_code == 303
    assert response.headers["location"] == "/advocate"
    cookie = set_cookie_header(response, SESSION_COOKIE).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "max-age=43200" in cookie  # 12 hours by default
    assert "path=/" in cookie
    page = client.get("/advocate")
    assert page.status_code == 200
    assert NAME in page.text and "Sign out" in page.text
    assert audit_actions() == [(EMAIL, "sign_in"), (EMAIL, "view_queue")]


def test_session_cookie_is_secure_over_https(client: TestClient, advocate: dict[str, Any]) -> None:
    client.base_url = "https://testserver"  # type: ignore[assignment]
    assert "secure" in set_cookie_header(sign_in(client), SESSION_COOKIE).lower()


@pytest.mark.parametrize(
    ("environ", "secure"),
    [
        ({}, False),
        ({"PUBLIC_BASE_URL": "https://advocates.example.org"}, True),  # TLS ends at a proxy in front
        ({"PUBLIC_BASE_URL": "https://advocates.example.org", "ADVOCATE_COOKIE_SECURE": "false"}, False),
        ({"ADVOCATE_COOKIE_SECURE": "true"}, True),
    ],
)
def test_cookies_are_secure_when_the_console_is_served_over_https(environ: dict[str, str], secure: bool) -> None:
    assert AdvocateSettings.from_env(environ).cookie_secure is secure


def test_only_a_hash_of_the_session_token_is_stored(client: TestClient, advocate: dict[str, Any]) -> None:
    sign_in(client)
    token = client.cookies.get(SESSION_COOKIE)
    with session_scope() as session:
        [row] = session.query(AdvocateSession).all()
        assert row.token_hash != token and len(row.token_hash) == 64


@pytest.mark.parametrize(
    ("email", "password"),
    [(EMAIL, "wrong password here"), ("nobody@example.org", PASSWORD), (EMAIL, ""), ("", "")],
)
def test_wrong_credentials_are_refused(
    client: TestClient, advocate: dict[str, Any], email: str, password: str
) -> None:
    response = sign_in(client, email, password)

    assert response.status_code == 401
    assert "Wrong e-mail or password." in response.text
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/advocate", follow_redirects=False).status_code == 303
    assert [action for _, action in audit_actions()] == ["sign_in_failed"]


def test_email_is_case_insensitive(client: TestClient, advocate: dict[str, Any]) -> None:
    assert sign_in(client, "  Maria@Example.ORG ").status_code == 303


def test_disabled_account_cannot_sign_in_and_loses_its_sessions(
    client: TestClient, advocate: dict[str, Any], signed_in: str
) -> None:
    staff.set_advocate_active(EMAIL, False)

    assert client.get("/advocate", follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert sign_in(client).status_code == 401


@pytest.mark.parametrize("tamper", ["missing_field", "missing_cookie", "different"])
def test_login_without_its_csrf_token_is_refused(client: TestClient, advocate: dict[str, Any], tamper: str) -> None:
    form = client.get("/advocate/login")
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_in(form.text)}
    if tamper == "missing_field":
        del data["csrf_token"]
    elif tamper == "missing_cookie":
        client.cookies.delete(LOGIN_CSRF_COOKIE, path="/advocate")
    else:
        data["csrf_token"] = "x" + data["csrf_token"]

    response = client.post("/advocate/login", data=data, follow_redirects=False)

    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_repeated_failures_slow_down_guessing(client: TestClient, advocate: dict[str, Any]) -> None:
    for _ in range(5):
        assert sign_in(client, EMAIL, "not the password!").status_code == 401
    response = sign_in(client)  # even the right password must wait now
    assert response.status_code == 429
    assert "Too many failed attempts. Try again in 1 second." in response.text
    assert response.headers["retry-after"] == "1"


@pytest.mark.parametrize("next_path", ["//evil.example/x", "https://evil.example/", "/elsewhere", "/advocate/../x"])
def test_sign_in_never_redirects_off_the_console(
    client: TestClient, advocate: dict[str, Any], next_path: str
) -> None:
    response = sign_in(client, next=next_path)
    assert response.headers["location"] == "/advocate"


def test_sign_in_returns_to_the_page_asked_for(client: TestClient, advocate: dict[str, Any]) -> None:
    response = sign_in(client, next="/advocate/handoffs/7")
    assert response.headers["location"] == "/advocate/handoffs/7"


def test_sign_out_ends_the_session(client: TestClient, signed_in: str) -> None:
    cookie = client.cookies.get(SESSION_COOKIE)

    response = client.post("/advocate/logout", data={"csrf_token": signed_in}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/advocate/login?notice=signed_out"
    client.cookies.set(SESSION_COOKIE, cookie)  # a copied cookie is worth nothing once signed out
    assert client.get("/advocate", follow_redirects=False).status_code == 303
    assert client.get("/api/handoffs").status_code == 401
    assert [action for _, action in audit_actions()] == ["sign_in", "view_queue", "sign_out"]


def test_sign_out_needs_the_csrf_token(client: TestClient, signed_in: str) -> None:
    assert client.post("/advocate/logout", data={}, follow_redirects=False).status_code == 403
    assert client.get("/advocate", follow_redirects=False).status_code == 200


@pytest.mark.parametrize("column", ["expires_at", "last_seen_at"])
def test_sessions_expire(client: TestClient, signed_in: str, column: str) -> None:
    """After 12 hours in all, or after 30 minutes without a request (the defaults)."""
    past = datetime.now(timezone.utc) - timedelta(hours=13)
    with session_scope() as session:
        session.execute(update(AdvocateSession).values({column: past}))

    assert client.get("/advocate", follow_redirects=False).status_code == 303
    assert client.get("/api/handoffs").status_code == 401


def test_idle_timeout_is_configurable(client: TestClient, signed_in: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope() as session:
        session.execute(update(AdvocateSession).values(last_seen_at=datetime.now(timezone.utc) - timedelta(minutes=6)))
    assert client.get("/advocate", follow_redirects=False).status_code == 200  # 30 minutes by default
    with session_scope() as session:
        session.execute(update(AdvocateSession).values(last_seen_at=datetime.now(timezone.utc) - timedelta(minutes=6)))
    monkeypatch.setenv("ADVOCATE_IDLE_MINUTES", "5")
    assert client.get("/advocate", follow_redirects=False).status_code == 303


# --- the JSON API with a console session -----------------------------------------------------


def test_api_accepts_the_session_instead_of_the_token(client: TestClient, signed_in: str) -> None:
    handoff = open_handoff()
    response = client.get("/api/handoffs?status=open")
    assert response.status_code == 200
    assert [h["id"] for h in response.json()] == [handoff["id"]]


def test_api_with_a_forged_session_cookie_is_refused(client: TestClient, advocate: dict[str, Any]) -> None:
    client.cookies.set(SESSION_COOKIE, "made-up-token")
    assert client.get("/api/handoffs").status_code == 401


def test_api_changes_with_a_session_need_the_csrf_header(
    client: TestClient, signed_in: str, fake_rasa: FakeRasa
) -> None:
    handoff = open_handoff()
    url = f"/api/handoffs/{handoff['id']}/messages"

    assert client.post(url, json={"text": "Hi"}).status_code == 403
    assert client.post(url, json={"text": "Hi"}, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert client.post(f"/api/handoffs/{handoff['id']}/close").status_code == 403
    assert client.delete("/api/conversations/person-1").status_code == 403
    assert fake_rasa.tracker_posts() == []
    assert repository.get_handoff(handoff["id"])["status"] == "open"

    response = client.post(url, json={"text": "Hi"}, headers={"X-CSRF-Token": signed_in, "X-Advocate-Name": "Not me"})

    assert response.status_code == 201
    assert response.json()["author"] == NAME  # a session always speaks as its own advocate
    assert fake_rasa.tracker_posts()[0].body[0]["metadata"]["advocate"] == NAME


def test_the_token_still_works_and_is_audited_as_the_api(
    client: TestClient, auth: dict[str, str], fake_rasa: FakeRasa
) -> None:
    handoff = open_handoff()
    client.get(f"/api/handoffs/{handoff['id']}", headers=auth)
    client.post(f"/api/handoffs/{handoff['id']}/messages", json={"text": "Hi"}, headers=auth)
    client.post(f"/api/handoffs/{handoff['id']}/close", headers=auth)
    client.delete("/api/conversations/person-1", headers=auth)

    admin = "admin (bootstrap token)"
    assert audit_actions(handoff["id"]) == [(admin, "view"), (admin, "reply"), (admin, "close")]
    erase = audit_trail.list_audit()[0]
    assert erase["action"] == "erase" and erase["handoff_id"] is None
    assert erase["subject"] == audit_trail.subject_of("person-1")  # whose, as a keyed hash only
    assert "person-1" not in str(erase)  # the log keeps nothing of an erased person


# --- the queue and a conversation ------------------------------------------------------------


def test_queue_lists_open_handoffs_oldest_first_with_waiting_time_and_reason(
    client: TestClient, signed_in: str
) -> None:
    first = open_handoff("person-1", "distress")
    second = open_handoff("person-2", "insurance_denial")
    closed = open_handoff("person-3")
    repository.close_handoff(closed["id"])

    page = client.get("/advocate").text

    queue = page[page.index('id="queue-body"') : page.index("Recently closed")]
    assert queue.index(f"#{first['id']}") < queue.index(f"#{second['id']}")
    assert f"#{closed['id']}" not in queue
    assert "Distress or crisis" in queue and "Insurance denial or appeal" in queue
    assert "Website chat" in queue
    assert queue.count("under a minute") == 2
    assert "Waiting for an advocate <span class=\"count\">(2)</span>" in page


def test_conversation_shows_the_case_summary_and_transcript(
    client: TestClient, signed_in: str, add_event: AddEvent
) -> None:
    repository.record_case("person-1", "socketio", condition="breast cancer", treatment="mastectomy")
    repository.save_assessment(
        "person-1", {}, "strongly_recommended", ["Cancer is serious; a second look often changes the plan."]
    )
    repository.add_questions("person-1", ["What stage is it?", "Do I need chemo after surgery?"])
    repository.create_records_request(
        "person-1", provider="Mercy General", record_types=["pathology", "imaging"], letter="Under 45 CFR 164.524"
    )
    handoff = open_handoff(relation="mom", transcript=[{"from": "person", "text": "before it all", "at": None}])
    start = datetime.fromisoformat(handoff["created_at"]).replace(tzinfo=timezone.utc).timestamp()
    add_event("person-1", "user", start + 1, text="Is anyone there?")

    page = client.get(f"/advocate/handoffs/{handoff['id']}").text

    for expected in [
        "Asked for a person",
        "breast cancer",
        "mastectomy",
        "Strongly recommended",
        "Cancer is serious; a second look often changes the plan.",
        "What stage is it?",
        "Do I need chemo after surgery?",
        "Mercy General",
        "pathology, imaging",
        "164.524",
        "their mom",
        "before it all",
        "Is anyone there?",
        'action="/advocate/handoffs/%d/messages"' % handoff["id"],
        "Close and hand back to the bot",
    ]:
        assert html.unescape(expected) in html.unescape(page), expected


def test_unknown_handoff_page_is_404(client: TestClient, signed_in: str) -> None:
    assert client.get("/advocate/handoffs/999").status_code == 404


def test_what_people_typed_is_shown_as_text_never_as_html(
    client: TestClient, signed_in: str, add_event: AddEvent
) -> None:
    repository.record_case("person-1", "socketio", condition=XSS, treatment='"><img src=x onerror=alert(2)>')
    repository.add_questions("person-1", [XSS])
    repository.create_records_request("person-1", provider=XSS, letter=XSS)
    handoff = repository.open_handoff("person-1", "socketio", "asked_for_person", {"condition": XSS, "relation": XSS})
    start = datetime.fromisoformat(handoff["created_at"]).replace(tzinfo=timezone.utc).timestamp()
    add_event("person-1", "user", start + 1, text=XSS)

    for path in ["/advocate", f"/advocate/handoffs/{handoff['id']}", "/advocate/audit"]:
        response = client.get(path)
        assert response.status_code == 200
        assert XSS not in response.text, path
        assert "<img src=x" not in response.text, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-frame-options"] == "DENY"
    page = client.get(f"/advocate/handoffs/{handoff['id']}").text
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # condition, question, records, transcript
    assert "<script" not in page.replace('<script src="/advocate/static/console.js" defer></script>', "")


def test_console_script_and_styles_are_served(client: TestClient) -> None:
    script = client.get("/advocate/static/console.js")
    assert script.status_code == 200
    assert "textContent" in script.text and "innerHTML" not in script.text
    assert client.get("/advocate/static/console.css").status_code == 200


# --- replying and closing from the console ---------------------------------------------------


def test_reply_from_the_console_is_delivered_and_audited(
    client: TestClient, signed_in: str, fake_rasa: FakeRasa
) -> None:
    handoff = open_handoff("sms:+15550100")
    client.get(f"/advocate/handoffs/{handoff['id']}")

    response = client.post(
        f"/advocate/handoffs/{handoff['id']}/messages",
        data={"text": "  Hi, I'm Maria, a patient advocate.  ", "csrf_token": signed_in},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/advocate/handoffs/{handoff['id']}?notice=sent"
    [sent] = fake_rasa.tracker_posts()
    assert sent.path == "/conversations/sms:+15550100/tracker/events"
    assert sent.query["output_channel"] == ["twilio"] and sent.query["execute_side_effects"] == ["true"]
    [event] = sent.body
    assert event["event"] == "bot" and event["text"] == "Hi, I'm Maria, a patient advocate."
    assert event["metadata"]["advocate"] == NAME
    [stored] = repository.get_handoff(handoff["id"])["advocate_messages"]
    assert stored["author"] == NAME
    assert audit_actions(handoff["id"]) == [(EMAIL, "view"), (EMAIL, "reply")]
    reply = audit_trail.list_audit(handoff["id"])[0]
    assert reply["advocate_id"] is not None and reply["created_at"]
    assert reply["detail"] == {"message_id": stored["id"], "delivered": True}
    assert "Sent." in client.get(response.headers["location"]).text


def test_reply_is_kept_when_rasa_is_down(client: TestClient, signed_in: str) -> None:
    handoff = open_handoff()

    response = client.post(
        f"/advocate/handoffs/{handoff['id']}/messages", data={"text": "Hello?", "csrf_token": signed_in}
    )

    assert "could not be delivered" in response.text
    assert "Hello?" in response.text  # still in the transcript
    [reply] = [e for e in audit_trail.list_audit(handoff["id"]) if e["action"] == "reply"]
    assert reply["detail"]["delivered"] is False


def test_reply_to_someone_who_texted_stop_is_kept_but_not_sent(
    client: TestClient, signed_in: str, fake_rasa: FakeRasa
) -> None:
    handoff = open_handoff("sms:+15550100")
    repository.set_sms_opt_out("+15550100", "stop")  # opt-outs are kept per number

    response = client.post(
        f"/advocate/handoffs/{handoff['id']}/messages", data={"text": "Still there?", "csrf_token": signed_in}
    )

    assert "texted STOP" in response.text
    assert "Still there?" in response.text  # in the transcript
    assert fake_rasa.tracker_posts() == []
    [reply] = [e for e in audit_trail.list_audit(handoff["id"]) if e["action"] == "reply"]
    assert reply["detail"]["delivered"] is False and reply["detail"]["opted_out"] is True


@pytest.mark.parametrize(("text", "notice"), [("   ", "empty"), ("x" * 2001, "too_long")])
def test_empty_or_too_long_reply_is_not_sent(
    client: TestClient, signed_in: str, fake_rasa: FakeRasa, text: str, notice: str
) -> None:
    handoff = open_handoff()
    response = client.post(
        f"/advocate/handoffs/{handoff['id']}/messages",
        data={"text": text, "csrf_token": signed_in},
        follow_redirects=False,
    )
    assert response.headers["location"].endswith(f"notice={notice}")
    assert fake_rasa.tracker_posts() == []


@pytest.mark.parametrize("csrf", [None, "", "wrong"])
def test_console_forms_need_the_csrf_token(
    client: TestClient, signed_in: str, fake_rasa: FakeRasa, csrf: str | None
) -> None:
    handoff = open_handoff()
    form = {} if csrf is None else {"csrf_token": csrf}

    reply = client.post(f"/advocate/handoffs/{handoff['id']}/messages", data={**form, "text": "Hi"})
    close = client.post(f"/advocate/handoffs/{handoff['id']}/close", data=form)

    assert reply.status_code == 403 and close.status_code == 403
    assert "CSRF" in reply.text
    assert fake_rasa.tracker_posts() == []
    assert repository.get_handoff(handoff["id"])["status"] == "open"
    assert repository.get_handoff(handoff["id"])["advocate_messages"] == []


def test_console_forms_without_a_session_go_to_sign_in(client: TestClient, fake_rasa: FakeRasa) -> None:
    handoff = open_handoff()
    response = client.post(
        f"/advocate/handoffs/{handoff['id']}/messages", data={"text": "Hi", "csrf_token": "x"}, follow_redirects=False
    )
    assert response.status_code == 303
    page = f"%2Fadvocate%2Fhandoffs%2F{handoff['id']}"
    assert response.headers["location"] == f"/advocate/login?next={page}&notice=expired"
    assert fake_rasa.tracker_posts() == []


def test_close_from_the_console_hands_back_to_the_bot(
    client: TestClient, signed_in: str, fake_rasa: FakeRasa
) -> None:
    handoff = open_handoff()

    response = client.post(
        f"/advocate/handoffs/{handoff['id']}/close", data={"csrf_token": signed_in}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/advocate?notice=closed&handoff={handoff['id']}"
    [sent] = fake_rasa.tracker_posts()
    assert sent.body == [
        {"event": "slot", "name": "handoff_active", "value": False},
        {"event": "bot", "text": BACK_TO_BOT_TEXT},
    ]
    assert repository.get_handoff(handoff["id"])["status"] == "closed"
    assert audit_actions(handoff["id"]) == [(EMAIL, "close")]
    page = client.get(f"/advocate/handoffs/{handoff['id']}").text
    assert "This handoff is closed" in page and 'id="reply-form"' not in page


def test_close_when_rasa_is_down_says_to_hand_back_again(client: TestClient, signed_in: str) -> None:
    handoff = open_handoff()
    response = client.post(f"/advocate/handoffs/{handoff['id']}/close", data={"csrf_token": signed_in})
    assert "Hand back again" in response.text and "could not be told" in response.text
    assert repository.get_handoff(handoff["id"])["status"] == "closed"


def test_reply_to_a_closed_handoff_is_refused(client: TestClient, signed_in: str, fake_rasa: FakeRasa) -> None:
    handoff = open_handoff()
    repository.close_handoff(handoff["id"])
    response = client.post(
        f"/advocate/handoffs/{handoff['id']}/messages",
        data={"text": "Hi", "csrf_token": signed_in},
        follow_redirects=False,
    )
    assert response.headers["location"].endswith("notice=is_closed")
    assert fake_rasa.tracker_posts() == []


# --- the audit log ---------------------------------------------------------------------------


def test_views_are_audited_once_per_visit_not_per_poll(client: TestClient, signed_in: str) -> None:
    handoff = open_handoff()
    client.get(f"/advocate/handoffs/{handoff['id']}")
    for _ in range(5):  # the page's script re-reads the transcript every second
        assert client.get(f"/api/handoffs/{handoff['id']}").status_code == 200

    [view] = audit_trail.list_audit(handoff["id"])
    assert (view["actor"], view["action"], view["handoff_id"]) == (EMAIL, "view", handoff["id"])
    assert datetime.fromisoformat(view["created_at"])


def test_audit_page_shows_who_did_what(client: TestClient, signed_in: str, fake_rasa: FakeRasa) -> None:
    handoff = open_handoff()
    client.post(f"/advocate/handoffs/{handoff['id']}/messages", data={"text": "Hi", "csrf_token": signed_in})
    client.post(f"/advocate/handoffs/{handoff['id']}/close", data={"csrf_token": signed_in})

    page = client.get("/advocate/audit").text

    for action in ("sign_in", "view", "reply", "close"):
        assert f"<td>{action}</td>" in page
    assert EMAIL in page and f'href="/advocate/handoffs/{handoff["id"]}"' in page


def test_console_pages_are_not_in_the_api_description(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith("/advocate")]
