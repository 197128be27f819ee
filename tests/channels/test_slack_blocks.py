"""Slack formatting: the bot's markdown in Slack's mrkdwn, buttons as Block Kit."""

from __future__ import annotations

from bot.channels.slack import BUTTONS_PER_BLOCK, button_blocks, to_mrkdwn


def test_markdown_becomes_mrkdwn() -> None:
    assert to_mrkdwn("**Medicare** covers it: [Medicare.gov](https://www.medicare.gov)") == (
        "*Medicare* covers it: <https://www.medicare.gov|Medicare.gov>"
    )


def test_buttons_are_a_section_and_an_actions_block() -> None:
    blocks = button_blocks("Is it rare?", [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}])

    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": "Is it rare?"}}
    assert blocks[1]["type"] == "actions"
    assert [(e["text"]["text"], e["value"]) for e in blocks[1]["elements"]] == [("Yes", "/affirm"), ("No", "/deny")]
    assert len({e["action_id"] for e in blocks[1]["elements"]}) == 2  # Slack needs unique action ids


def test_many_buttons_are_kept_in_several_actions_blocks() -> None:
    """Rasa's own Slack output drops every button above 5; Slack allows 25 per actions block."""
    buttons = [{"title": f"Save #{n}", "payload": f"/add_question{{\"suggestion\":\"{n}\"}}"} for n in range(30)]
    blocks = button_blocks("Pick some", buttons)
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [BUTTONS_PER_BLOCK, 5]


def test_long_titles_are_cut_to_slack_s_limit() -> None:
    [_, actions] = button_blocks("?", [{"title": "x" * 100, "payload": "/p"}])
    assert len(actions["elements"][0]["text"]["text"]) == 75
