"""The widget channel's pieces: markdown line breaks and replies held for a reconnecting page."""

from __future__ import annotations

import asyncio

from socketio import AsyncServer

from bot.channels.socketio import LocalDelivery, PendingMessages, WidgetSocketIOOutput, has_listeners, widget_markdown


def test_single_newlines_become_widget_markdown() -> None:
    text = "Here are some good questions:\n1. What is my main problem?\n2. Why?\n\nNext paragraph."
    assert widget_markdown(text) == (
        "Here are some good questions:  \n1. What is my main problem?  \n2. Why?\n\nNext paragraph."
    )


def test_bare_brackets_stay_brackets_and_links_stay_links() -> None:
    assert widget_markdown("1. What is my main problem? [Ask Me 3 (IHI)]") == (
        "1. What is my main problem? \\[Ask Me 3 (IHI)\\]"
    )
    assert widget_markdown("See [Medicare.gov](https://www.medicare.gov).") == "See [Medicare.gov](https://www.medicare.gov)."


def test_held_messages_come_back_in_order_once() -> None:
    pending = PendingMessages()
    pending.hold("s1", {"text": "one"})
    pending.hold("s1", {"text": "two"})
    assert pending.take("s1") == [{"text": "one"}, {"text": "two"}]
    assert pending.take("s1") == []


def test_held_messages_are_bounded_and_expire() -> None:
    pending = PendingMessages(max_per_session=2, ttl=0.0)
    for n in range(3):
        pending.hold("s1", n)
    assert pending.take("s1") == []  # ttl 0: expired at once
    pending = PendingMessages(max_per_session=2)
    for n in range(3):
        pending.hold("s1", n)
    assert pending.take("s1") == [1, 2]  # the oldest gave way


def test_a_message_for_a_session_nobody_listens_to_is_held() -> None:
    sio = AsyncServer(async_mode="asgi")
    delivery = LocalDelivery(sio, "bot_uttered")
    output = WidgetSocketIOOutput(sio, "bot_uttered", delivery)

    assert not has_listeners(sio, "session-1")
    asyncio.run(output.send_text_message("session-1", "An advocate replied.\nSee you soon."))
    assert delivery.pending.take("session-1") == [{"text": "An advocate replied.  \nSee you soon."}]
