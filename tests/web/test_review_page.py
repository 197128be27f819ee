"""The console's "Not understood" page (/advocate/not-understood): sign-in, listing, labelling, CSRF, audit.

The real app on a real SQLite database, signed in through the real login form (Argon2 hashes).
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.advocates.passwords import hash_password
from bot.persistence import audit as audit_trail
from bot.persistence import repository, staff
from bot.web.review_page import NOT_FOR_TRAINING, PAGE, PAGE_SIZE

EMAIL = "maria@example.org"
PASSWORD = "correct horse battery staple"
READINGS = [("nlu_fallback", 0.7), ("request_records", 0.44), ("faq", 0.41)]
_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_in(page: str) -> str:
    match = _CSRF_INPUT.search(page)
    assert match, "no CSRF field on the page"
    return html.unescape(match.group(1))


@pytest.fixture
def advocate(database: str) -> dict[str, Any]:
    return staff.create_advocate(EMAIL, "Maria Lopez", hash_password(PASSWORD))


@pytest.fixture
def csrf(client: TestClient, advocate: dict[str, Any]) -> str:
    """Sign in through the login form; the session's CSRF token, as the page carries it."""
    form = client.get("/advocate/login")
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_in(form.text)}
    assert client.post("/advocate/login", data=data, follow_redirects=False).status_code == 303
    return csrf_in(client.get(PAGE).text)


def only_message() -> int:
    [row] = repository.list_unclear_messages() or repository.list_unclear_messages(labelled=True)
    return row["id"]


def label(client: TestClient, message_id: int, intent: str, csrf_token: str) -> Any:
    data = {"intent": intent, "csrf_token": csrf_token, "page": "1", "done": "1"}
    return client.post(f"{PAGE}/{message_id}/label", data=data, follow_redirects=False)


def test_signed_out_the_page_and_the_form_send_to_sign_in(client: TestClient) -> None:
    repository.record_unclear_message("web:a", "i need the papers from the clinic", "fallback", READINGS)

    page = client.get(PAGE, follow_redirects=False)
    posted = label(client, only_message(), "request_records", "anything")

    assert page.status_code == 303 and page.headers["location"].startswith("/advocate/login?next=")
    assert "papers" not in page.text
    assert posted.status_code == 303 and posted.headers["location"].startswith("/advocate/login")
    assert repository.list_unclear_messages(labelled=True) == []


def test_the_page_lists_unlabelled_messages_deidentified_with_their_readings(client: TestClient, csrf: str) -> None:
    repository.record_unclear_message(
        "sms:+14155550199", "I'm Maria Lee, need records from Dr. Ortiz <b>now</b>", "fallback", READINGS
    )

    page = client.get(PAGE)

    assert page.status_code == 200
    assert "I&#39;m &lt;name&gt;, need records from Dr. &lt;name&gt; &lt;b&gt;now&lt;/b&gt;" in page.text
    assert "Maria Lee" not in page.text and "Ortiz" not in page.text and "<b>now" not in page.text
    assert "request_records 0.44 · faq 0.41" in page.text and "SMS" in page.text
    assert '<option value="faq/what_to_bring">' in page.text and f'<option value="{NOT_FOR_TRAINING}">' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert [e["action"] for e in audit_trail.list_audit(limit=1)] == ["view_not_understood"]


def test_labelling_stores_the_intent_and_who_and_is_audited(
    client: TestClient, csrf: str, advocate: dict[str, Any]
) -> None:
    repository.record_unclear_message("web:a", "i need the papers from the clinic", "fallback", READINGS)
    message_id = only_message()

    response = label(client, message_id, "request_records", csrf)

    assert response.status_code == 303 and "notice=labelled" in response.headers["location"]
    [row] = repository.list_unclear_messages(labelled=True)
    assert (row["label"], row["labelled_by"]) == ("request_records", advocate["id"])
    assert repository.list_unclear_messages() == []
    [entry] = [e for e in audit_trail.list_audit() if e["action"] == "label_message"]
    assert entry["actor"] == EMAIL and entry["advocate_id"] == advocate["id"]
    assert entry["detail"] == {"message_id": message_id, "for_training": True}
    page = client.get(PAGE).text
    assert "Nothing waiting for a label." in page and "next export" in page and "Maria Lopez" in page


def test_not_for_training_is_a_label_without_an_intent(client: TestClient, csrf: str) -> None:
    repository.record_unclear_message("web:a", "asdfgh", "did_you_mean", READINGS)

    response = label(client, only_message(), NOT_FOR_TRAINING, csrf)

    assert "notice=excluded" in response.headers["location"]
    [row] = repository.list_unclear_messages(labelled=True)
    assert row["label"] is None and row["labelled_at"] is not None
    assert repository.unclear_messages_for_export() == []


def test_a_label_needs_the_csrf_token_and_a_known_intent(client: TestClient, csrf: str) -> None:
    repository.record_unclear_message("web:a", "i need the papers from the clinic", "fallback", READINGS)
    message_id = only_message()

    forged = label(client, message_id, "request_records", "not-the-token")
    unknown = label(client, message_id, "make_me_admin", csrf)
    bare_faq = label(client, message_id, "faq", csrf)
    missing = label(client, 999, "request_records", csrf)

    assert forged.status_code == 403
    assert "notice=no_label" in unknown.headers["location"] and "notice=no_label" in bare_faq.headers["location"]
    assert "notice=gone" in missing.headers["location"]
    assert repository.list_unclear_messages(labelled=True) == []
    assert not [e for e in audit_trail.list_audit() if e["action"] == "label_message"]


def test_the_list_is_paged_newest_first(client: TestClient, csrf: str) -> None:
    for number in range(PAGE_SIZE + 3):
        repository.record_unclear_message(f"web:{number}", f"message number {number}", "fallback", READINGS)

    first = client.get(PAGE).text
    second = client.get(f"{PAGE}?page=2").text

    assert first.count("data-message-id=") == PAGE_SIZE and second.count("data-message-id=") == 3
    assert first.index(f"message number {PAGE_SIZE + 2}") < first.index(f"message number {PAGE_SIZE + 1}")
    assert "message number 0<" in second and "message number 0<" not in first
    assert f"{PAGE}?page=2&amp;done=1" in first
