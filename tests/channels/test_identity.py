"""Conversation ids, signed widget sessions and the inbound limits (units; the stack tests go end to end)."""

from __future__ import annotations

import pytest

from bot.channels import identity, inbound_limits, widget_session
from bot.channels.socketio import choose_session


def test_each_channel_makes_ids_in_its_own_namespace_and_reads_them_back() -> None:
    sms, slack, web = identity.sms_id("+14155550123"), identity.slack_id("T0TEAM", "U024BE7LH"), identity.web_id("k3y")
    assert (sms, slack, web) == ("sms:+14155550123", "slack:T0TEAM:U024BE7LH", "web:k3y")
    assert identity.phone_number(sms) == "+14155550123" and identity.slack_user(slack) == "U024BE7LH"
    channels = [identity.output_channel(i) for i in (sms, slack, web, "contract-1")]
    assert channels == ["twilio", "slack", "socketio", "rest"]
    assert all(identity.is_reserved(i) for i in (sms, slack, web))
    assert identity.identity_of(slack) == "T0TEAM:U024BE7LH"
    assert identity.slack_id(None, "U1") == "slack:unknown:U1"


@pytest.mark.parametrize("rest_id", ["+14155550123", "U024BE7LH", "contract-x", "default", "smsfoo", "websocket"])
def test_other_ids_are_rest_ids_that_no_other_channel_answers(rest_id: str) -> None:
    assert not identity.is_reserved(rest_id)
    assert identity.output_channel(rest_id) == "rest"
    assert identity.phone_number(rest_id) is None and identity.slack_user(rest_id) is None


def test_legacy_ids_get_the_prefix_of_their_stored_channel_once() -> None:
    assert identity.from_legacy("+14155550123", "twilio") == "sms:+14155550123"
    assert identity.from_legacy("U1", "slack", slack_team="T1") == "slack:T1:U1"
    assert identity.from_legacy("abc", "socketio") == "web:abc"
    assert identity.from_legacy("me", "rest") == "me" and identity.from_legacy("me", None) == "me"
    assert identity.from_legacy("sms:+14155550123", "twilio") == "sms:+14155550123"  # idempotent


def test_a_widget_session_is_accepted_only_with_the_server_s_signature() -> None:
    token = widget_session.issue()
    key, _, signature = token.partition(".")
    assert widget_session.conversation_id(token) == f"web:{key}"
    assert len(key) >= 32 and widget_session.issue() != token
    forged = [
        key,  # the id an advocate can see, without the signature
        f"{key}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        f"other{key}.{signature}",
        widget_session.issue(b"another-secret"),
        "4f9c2a8e1b",  # what the widget used to make up itself
        None,
        {"session_id": token},
        "x" * 10_000,
    ]
    assert [widget_session.conversation_id(each) for each in forged] == [None] * len(forged)


def test_a_socket_keeps_its_own_signed_session_else_gets_a_server_issued_one() -> None:
    mine, offered = widget_session.issue(), widget_session.issue()
    assert choose_session(mine, offered) == mine  # a reload resumes the conversation
    assert choose_session(None, offered) == offered  # a first visit takes the page's session
    replaced = choose_session("someone-elses-id", "not signed either")
    assert replaced not in ("someone-elses-id", "not signed either")
    assert widget_session.conversation_id(replaced)


def test_the_rate_limit_counts_accepted_messages_per_sender_in_a_sliding_minute() -> None:
    limits = inbound_limits.InboundLimits(messages_per_minute=3, max_message_chars=100)
    verdicts = [limits.admit("a", "hi", now=t) for t in (0, 1, 2, 3, 4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert verdicts[3].notice == inbound_limits.TOO_FAST_TEXT and verdicts[4].notice is None  # told once
    assert limits.admit("b", "hi", now=4).allowed  # another sender is not affected
    assert limits.admit("a", "hi", now=60.5).allowed  # the first message left the window
    assert not limits.admit("a", "hi", now=60.6).allowed


def test_a_long_message_is_cut_at_a_word_and_the_person_told_what_was_read() -> None:
    limits = inbound_limits.InboundLimits(messages_per_minute=20, max_message_chars=2000)
    text = "Please save this question: " + "will the surgery hurt " * 10_000  # ~220 KB
    verdict = limits.admit("a", text)
    assert verdict.allowed and verdict.truncated
    assert len(verdict.text) <= 2000 and text.startswith(verdict.text) and not verdict.text.endswith(" ")
    assert "first 2,000 characters" in verdict.notice and '"Please save this question: will the' in verdict.notice
    assert "the rest was not read" in verdict.notice
    assert limits.admit("a", "short").notice is None


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_limits_refuse_settings_that_cannot_work(value: str) -> None:
    with pytest.raises(ValueError, match="INBOUND_MESSAGES_PER_MINUTE"):
        inbound_limits.InboundLimits.from_env({"INBOUND_MESSAGES_PER_MINUTE": value})
    assert inbound_limits.InboundLimits.from_env({}).messages_per_minute == 20
