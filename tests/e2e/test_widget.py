"""The website widget in a real headless Chromium against the running stack.

Chromium is Debian's (``apt-get install -y chromium``), driven by Playwright's driver only (never
``playwright install``). The page is the web app's ``/``; the widget talks socket.io to Rasa.
A screenshot of each test's final state is kept in tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from bot.settings import PROJECT_ROOT
from tests.e2e.harness import Stack

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements.in")
Browser = playwright_api.Browser
Page = playwright_api.Page

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 90_000  # a turn on a busy 2-core machine can take a while
HANDOFF_REPLY = "asked a human"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(
            "the widget tests need Debian's Chromium: apt-get install -y chromium "
            "(or set CHROMIUM=/path/to/chromium); never `playwright install`",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Browser, stack: Stack, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone-sized page in a fresh browser profile; the final state is saved as a screenshot."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    # Where the page fetched from, and what the browser refused to fetch (and why).
    opened.fetched = set()  # type: ignore[attr-defined]
    opened.refused = {}  # type: ignore[attr-defined]
    opened.on("requestfinished", lambda r: opened.fetched.add(urlsplit(r.url).netloc))  # type: ignore[attr-defined]
    opened.on("requestfailed", lambda r: opened.refused.update({r.url: r.failure}))  # type: ignore[attr-defined]
    try:
        yield opened
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for index, each in enumerate(context.pages):
            suffix = f"-{index}" if index else ""
            each.screenshot(path=str(ARTIFACTS / f"widget-{request.node.name}{suffix}.png"), full_page=True)
        context.close()


def open_chat(page: Page, stack: Stack) -> None:
    """Open the page and wait for the whole greeting: the opening text and the menu's buttons."""
    page.goto(f"{stack.web_url}/")
    bot_says(page, "911")
    page.locator(".rw-reply", has_text="Talk to a person").wait_for()


def bot_says(page: Page, text: str, nth: int = 0) -> str:
    """Wait for the ``nth`` bot message containing ``text``; returns its text."""
    message = page.locator(".rw-response", has_text=re.compile(re.escape(text), re.I)).nth(nth)
    message.wait_for()
    return message.inner_text()


def click_reply(page: Page, title: str) -> None:
    page.locator(".rw-reply", has_text=re.compile(title, re.I)).last.click()


def type_message(page: Page, text: str) -> None:
    box = page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")


def session_id(page: Page, storage: str = "localStorage") -> str | None:
    """The signed session token the widget keeps (``<key>.<signature>``, issued by the server)."""
    raw = page.evaluate(f"() => window.{storage}.getItem('chat_session')")
    return None if raw is None else json.loads(raw).get("session_id")


def conversation(token: str | None) -> str:
    """Rasa's sender_id for a widget session: ``web:<key>``, without the signature."""
    assert token and "." in token, f"not a server-signed session: {token!r}"
    return "web:" + token.partition(".")[0]


def questions(stack: Stack, sender: str) -> list[str]:
    response = stack.api("GET", f"/api/conversations/{sender}/questions")
    assert response.status_code == 200, response.text
    return [q["text"] for q in response.json()]


def test_greeting_button_question_reload_and_api(page: Page, stack: Stack) -> None:
    open_chat(page, stack)
    greeting = page.locator(".rw-response").first.inner_text()
    assert "not a doctor" in greeting.lower()
    replies = page.locator(".rw-reply").all_inner_texts()
    assert any("Talk to a person" in r for r in replies) and any("2nd opinion" in r for r in replies)

    click_reply(page, "Prepare my questions")
    bot_says(page, "good questions")
    type_message(page, "Please save this question: do I need more tests before the operation?")
    bot_says(page, "Saved")
    sender = session_id(page)
    assert sender

    page.reload()
    bot_says(page, "Saved")  # the history is shown again after the reload...
    assert page.locator(".rw-response", has_text="good questions").count() == 1
    assert page.locator(".rw-client", has_text="do I need more tests").count() == 1
    assert session_id(page) == sender  # ...and it is the same conversation
    assert "Do I need more tests before the operation?" in questions(stack, conversation(sender))

    # Rasa knows the conversation as coming from the widget.
    case = stack.api("GET", f"/api/conversations/{conversation(sender)}").json()
    assert case["channel"] == "socketio"
    # Offline-safe and private: nothing was fetched from anywhere but the web app and Rasa; the
    # widget's Google Fonts import is refused by the page's Content-Security-Policy.
    allowed = {urlsplit(stack.web_url).netloc, urlsplit(stack.rasa_url).netloc}
    assert page.fetched <= allowed, page.fetched  # type: ignore[attr-defined]
    elsewhere = {url: why for url, why in page.refused.items() if urlsplit(url).netloc not in allowed}  # type: ignore[attr-defined]
    assert all("csp" in (why or "").lower() for why in elsewhere.values()), elsewhere


def test_phone_layout_and_keyboard_only(page: Page, stack: Stack) -> None:
    open_chat(page, stack)
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a 360 px phone ({width} px)"
    for selector in ("#talk-to-person", ".rw-new-message", ".rw-reply"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
        assert box["y"] + box["height"] <= PHONE["height"], f"{selector} is below the fold"

    # Keyboard only: Tab to the first button of the greeting and press Enter.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('rw-reply')"):
            break
    else:
        pytest.fail("the widget's buttons cannot be reached with Tab")
    chosen = page.evaluate("() => document.activeElement.textContent")
    answered = page.locator(".rw-response").count()
    page.keyboard.press("Enter")
    page.locator(".rw-client", has_text=chosen).wait_for()
    page.locator(".rw-response").nth(answered).wait_for()

    # "Talk to a person" is a real button, reachable and usable with the keyboard.
    page.focus("#talk-to-person")
    page.keyboard.press("Enter")
    page.locator(".rw-client", has_text="Talk to a person").wait_for()
    bot_says(page, HANDOFF_REPLY)
    handoff = stack.api("GET", f"/api/conversations/{conversation(session_id(page))}").json()["handoff"]
    assert handoff and handoff["status"] == "open" and handoff["channel"] == "socketio"


def test_lost_connection_is_shown_and_nothing_is_lost(page: Page, stack: Stack) -> None:
    """Cut the socket, let an advocate write meanwhile, restore: the notice shows, then the reply."""
    down = {"value": False}
    sockets = []

    def on_websocket(ws: object) -> None:
        if down["value"]:
            ws.close()  # type: ignore[attr-defined]
            return
        ws.connect_to_server()  # type: ignore[attr-defined]
        sockets.append(ws)

    socket_io = re.compile(r".*/socket\.io/.*")
    page.route_web_socket(socket_io, on_websocket)
    page.route(socket_io, lambda route: route.abort() if down["value"] else route.continue_())
    open_chat(page, stack)
    page.click("#talk-to-person")
    bot_says(page, HANDOFF_REPLY)
    sender = conversation(session_id(page))
    handoff = stack.api("GET", f"/api/conversations/{sender}").json()["handoff"]
    assert handoff, "the handoff did not open"

    page.fill(".rw-new-message", "Thank you, I will wait")  # a draft in progress
    down["value"] = True
    for ws in sockets:
        ws.close()
    status = page.locator("#connection-status")
    status.wait_for(state="visible")
    assert "Connection lost" in status.inner_text()
    assert page.input_value(".rw-new-message") == "Thank you, I will wait"

    advocate = {"text": "Hello, this is Dana, an advocate."}
    sent = stack.api("POST", f"/api/handoffs/{handoff['id']}/messages", json=advocate)
    assert sent.status_code == 201, sent.text

    down["value"] = False
    status.wait_for(state="hidden")
    bot_says(page, "this is Dana")  # held by the server while the page was away, delivered now
    page.locator(".rw-new-message").press("Enter")  # the draft, sent once the connection is back
    page.locator(".rw-client", has_text="Thank you, I will wait").wait_for()
    for _ in range(60):
        tracker = stack.rasa_api("GET", f"/conversations/{sender}/tracker").json()
        if any(e.get("event") == "user" and e.get("text") == "Thank you, I will wait" for e in tracker["events"]):
            break
        time.sleep(1)
    else:
        pytest.fail("the message typed during the outage never reached Rasa")


def test_this_tab_only_keeps_the_chat_out_of_local_storage(page: Page, stack: Stack) -> None:
    open_chat(page, stack)
    before = session_id(page)
    assert before

    with page.expect_navigation():
        page.check("#this-tab-only")
    bot_says(page, "911")
    assert page.is_checked("#this-tab-only")
    assert session_id(page, "localStorage") is None  # nothing left behind for the next person
    assert session_id(page, "sessionStorage") == before  # the same conversation, moved

    page.reload()
    bot_says(page, "911")
    assert session_id(page, "sessionStorage") == before and page.is_checked("#this-tab-only")

    other = page.context.new_page()  # a new tab on the shared computer starts afresh
    other.goto(f"{stack.web_url}/")
    bot_says(other, "911")
    assert session_id(other, "localStorage") not in (None, before)
    assert not other.is_checked("#this-tab-only")


def test_page_sends_a_content_security_policy(stack: Stack) -> None:
    response = stack.client.get(f"{stack.web_url}/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "fonts.googleapis.com" not in policy
    rasa = urlsplit(stack.rasa_url).netloc
    assert f"http://{rasa}" in policy and f"ws://{rasa}" in policy
    bundle = stack.client.get(f"{stack.web_url}/chat/static/vendor/rasa-webchat-1.0.1/index.js")
    assert bundle.status_code == 200 and len(bundle.content) > 500_000
