"""`make test-faults`: the scaled topology keeps every acknowledged message through faults.

Each test puts conversations through nginx (several at once, each turn waiting for its reply, as a
person does), breaks something in the middle, and then reads every conversation back from Rasa:
each message that was answered with 200 is in its conversation exactly once, in the order sent.
Each prints what it measured: the longest a person waited during the fault and how long until the
broken part served again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bot.logic.messages import ACTION_SERVER_DOWN
from tests.e2e.test_journeys import text_of
from tests.e2e.test_sms import WEBHOOK, inbound, new_number, signature, user_texts
from tests.scaled.conftest import Scaled

REST = "/webhooks/rest/webhook"
MESSAGES = ("hello", "what is a second opinion?", "thank you", "show me my questions")
RECOVERY_TIMEOUT = 180.0


@dataclass
class Conversation:
    sender: str
    answered: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0


def converse(url: str, conversation: Conversation, turns: int, stop: threading.Event | None = None) -> None:
    with httpx.Client(timeout=120.0) as client:
        for turn in range(turns):
            if stop is not None and stop.is_set():
                return
            text = MESSAGES[turn % len(MESSAGES)]
            began = time.monotonic()
            try:
                response = client.post(f"{url}{REST}", json={"sender": conversation.sender, "message": text})
            except httpx.HTTPError as exc:
                conversation.failures.append(f"{text}: {type(exc).__name__}")
                continue
            conversation.slowest = max(conversation.slowest, time.monotonic() - began)
            if response.status_code == 200 and response.json():
                conversation.answered.append(text)
            else:
                conversation.failures.append(f"{text}: {response.status_code} {response.text[:80]}")


def under_load(scaled: Scaled, fault: Callable[[], None], people: int = 6, turns: int = 24) -> list[Conversation]:
    """`people` conversations of `turns` turns through nginx, with `fault()` run once they are under way."""
    conversations = [Conversation(f"fault-{uuid.uuid4().hex[:8]}") for _ in range(people)]
    with ThreadPoolExecutor(people + 1) as pool:
        running = [pool.submit(converse, scaled.rasa_url, c, turns) for c in conversations]
        time.sleep(1.5)
        fault()
        for future in running:
            future.result()
    return conversations


def user_messages(scaled: Scaled, sender: str) -> list[str]:
    tracker = scaled.rasa_api("GET", f"/conversations/{sender}/tracker").json()
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def assert_nothing_lost_or_doubled(scaled: Scaled, conversations: list[Conversation]) -> None:
    for conversation in conversations:
        assert not conversation.failures, (conversation.sender, conversation.failures)
        assert user_messages(scaled, conversation.sender) == conversation.answered, conversation.sender


def wait_until(ready: Callable[[], bool], timeout: float = RECOVERY_TIMEOUT) -> float:
    """Seconds until `ready()` is true; fails after `timeout`."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        try:
            if ready():
                return time.monotonic() - began
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(f"did not recover within {timeout:.0f} s")


def answers(url: str) -> bool:
    return httpx.get(url, timeout=2.0).status_code == 200


def report(what: str, conversations: list[Conversation], recovered: float) -> None:
    slowest = max(c.slowest for c in conversations)
    turns = sum(len(c.answered) for c in conversations)
    print(f"\n[fault] {what}: {turns} turns answered, none lost; slowest {slowest:.1f} s; back in {recovered:.1f} s")


def test_kill_9_of_a_rasa_instance_under_load_loses_nothing(scaled: Scaled) -> None:
    victim = scaled.server_pid("rasa-1")
    killed_at: list[float] = []

    def kill() -> None:
        os.kill(victim, signal.SIGKILL)
        killed_at.append(time.monotonic())

    conversations = under_load(scaled, kill)
    wait_until(lambda: answers(f"{scaled.instance_url('rasa-1')}/"))
    back = time.monotonic() - killed_at[0]

    assert_nothing_lost_or_doubled(scaled, conversations)
    assert scaled.server_pid("rasa-1") != victim  # its keeper started a new one
    report("kill -9 rasa-1 (back: restarted and model loaded)", conversations, back)
    # Every conversation goes on, on either instance.
    for conversation in conversations[:2]:
        converse(scaled.instance_url("rasa-1"), conversation, 1)
        assert not conversation.failures


def test_ten_rest_messages_at_once_over_two_instances_are_handled_once_one_at_a_time(scaled: Scaled) -> None:
    """Concurrent HTTP requests have no order of their own; the SMS test below checks the order."""
    sender = f"burst-{uuid.uuid4().hex[:8]}"
    texts = [MESSAGES[i % len(MESSAGES)] for i in range(10)]
    urls = [scaled.instance_url("rasa-1"), scaled.instance_url("rasa-2")]
    results: dict[int, int] = {}
    began = time.monotonic()

    def send(i: int) -> None:
        time.sleep(i * 0.005)  # all ten within 50 ms, alternating instances
        with httpx.Client(timeout=120.0) as client:
            response = client.post(f"{urls[i % 2]}{REST}", json={"sender": sender, "message": texts[i]})
            results[i] = response.status_code

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(send, range(10)))
    took = time.monotonic() - began

    assert results == {i: 200 for i in range(10)}
    events = scaled.rasa_api("GET", f"/conversations/{sender}/tracker").json()["events"]
    assert sorted(event["text"] for event in events if event["event"] == "user") == sorted(texts)
    # One at a time: every message's turn is finished (the bot answered) before the next one starts.
    turns = "".join("u" if event["event"] == "user" else "b" for event in events if event["event"] in ("user", "bot"))
    assert "uu" not in turns, turns
    print(f"\n[fault] 10 REST messages in 50 ms over 2 instances: each handled once, one at a time, in {took:.1f} s")


SMS_TEXTS = (
    "hello", "what is a second opinion?", "thank you", "show me my questions", "good morning",
    "will my insurance pay for a second opinion?", "thanks a lot", "hi there",
    "what should I bring to the appointment?", "how long can I wait before getting a second opinion?",
)  # fmt: skip


def test_ten_texts_in_50_ms_over_two_instances_are_handled_once_in_the_order_acknowledged(scaled: Scaled) -> None:
    """Twilio's webhook is answered once the text is in the inbox: a text acknowledged before
    another was sent must be handled before it, whichever instance got each."""
    number = new_number()
    urls = [scaled.instance_url("rasa-1"), scaled.instance_url("rasa-2")]
    timing: dict[int, tuple[float, float, int]] = {}

    def text(i: int) -> None:
        time.sleep(i * 0.005)
        params = inbound(scaled, number, SMS_TEXTS[i])
        headers = {"X-Twilio-Signature": signature(scaled, params)}
        with httpx.Client(timeout=60.0) as client:
            sent_at = time.monotonic()
            response = client.post(f"{urls[i % 2]}{WEBHOOK}", data=params, headers=headers)
            timing[i] = (sent_at, time.monotonic(), response.status_code)

    began = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(text, range(10)))
    assert {i: status for i, (_, _, status) in timing.items()} == {i: 200 for i in range(10)}
    wait_until(lambda: len(user_texts(scaled, number)) >= 10, timeout=120)
    took = time.monotonic() - began

    handled = user_texts(scaled, number)
    assert sorted(handled) == sorted(SMS_TEXTS)  # each exactly once
    position = {text: index for index, text in enumerate(handled)}
    for i, (_, acknowledged, _) in timing.items():
        for j, (sent_at, _, _) in timing.items():
            if acknowledged < sent_at:
                assert position[SMS_TEXTS[i]] < position[SMS_TEXTS[j]], (SMS_TEXTS[i], SMS_TEXTS[j], handled)
    print(f"\n[fault] 10 texts in 50 ms over 2 instances: each handled once, in order, all done in {took:.1f} s")


def test_an_action_server_killed_under_load_is_not_noticed(scaled: Scaled) -> None:
    victim = scaled.server_pid("actions-1")
    conversations = under_load(scaled, lambda: os.kill(victim, signal.SIGKILL))
    back = wait_until(lambda: answers(f"{scaled.instance_url('actions-1')}/health"))

    assert_nothing_lost_or_doubled(scaled, conversations)
    report("kill -9 actions-1", conversations, back)


def _pg_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def test_a_postgresql_restart_under_load_is_waited_out(scaled: Scaled) -> None:
    def restart() -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", _pg_version(), "main", "restart", "-m", "fast"],
            check=True, capture_output=True,
        )  # fmt: skip

    conversations = under_load(scaled, restart)
    health = wait_until(lambda: scaled.api("GET", "/healthz", token=None).json()["database"] == "ok")

    assert_nothing_lost_or_doubled(scaled, conversations)
    report("PostgreSQL restart", conversations, health)


def test_a_redis_restart_under_load_is_waited_out(scaled: Scaled) -> None:
    def restart() -> None:
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], capture_output=True)
        time.sleep(2)  # Redis is away for a moment, as in a real restart
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", "",
             "--appendonly", "no"],
            check=True, capture_output=True,
        )  # fmt: skip

    conversations = under_load(scaled, restart)
    health = wait_until(lambda: scaled.api("GET", "/healthz", token=None).json().get("redis") == "ok")

    assert_nothing_lost_or_doubled(scaled, conversations)
    report("Redis restart", conversations, health)


def parent_of(pid: int) -> int:
    # /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after its ")".
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def saved_questions(scaled: Scaled, sender: str) -> list[str]:
    return [question["text"] for question in scaled.api("GET", f"/api/conversations/{sender}/questions").json()]


def listening(url: str) -> bool:
    try:
        httpx.get(f"{url}/health", timeout=1.0)
    except httpx.ConnectError:
        return False
    except httpx.HTTPError:
        pass
    return True


def test_every_action_server_down_gets_a_give_me_a_minute_reply_and_nothing_is_dropped(scaled: Scaled) -> None:
    """Both action servers dead and their keepers held: the person is told to send again, not left in silence."""
    sender = f"outage-{uuid.uuid4().hex[:8]}"
    asking = "Please save this question: will the scan show if it has spread?"
    assert text_of(scaled.say(sender, "hello"))
    servers = {name: scaled.server_pid(name) for name in ("actions-1", "actions-2")}
    keepers = [parent_of(pid) for pid in servers.values()]
    for keeper in keepers:
        os.kill(keeper, signal.SIGSTOP)  # so nothing starts them again while the outage is measured
    try:
        for pid in servers.values():
            os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not any(listening(scaled.instance_url(name)) for name in servers), timeout=30.0)
        began = time.monotonic()
        during = scaled.say(sender, asking)
        answered_in = time.monotonic() - began
    finally:
        for keeper in keepers:
            os.kill(keeper, signal.SIGCONT)

    assert text_of(during) == ACTION_SERVER_DOWN
    back = wait_until(lambda: all(answers(f"{scaled.instance_url(name)}/health") for name in servers))
    assert saved_questions(scaled, sender) == []  # not saved, and the person was told so
    after = scaled.say(sender, asking)  # sent again, as the reply asked

    assert ACTION_SERVER_DOWN not in text_of(after)
    assert saved_questions(scaled, sender) == ["Will the scan show if it has spread?"]
    assert user_messages(scaled, sender) == ["hello", asking, asking]  # the message during the outage is kept too
    print(f"\n[fault] every action server down: told to send again in {answered_in:.1f} s; back in {back:.1f} s")

