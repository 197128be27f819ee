"""Repeat detection (in-process and Redis) and which channels the launcher enables."""

from __future__ import annotations

import asyncio
import importlib
import os
import uuid
from pathlib import Path

import pytest
import rasa.shared.utils.io
import yaml

from bot import launcher
from bot.channels.config import REST_CHANNEL, SLACK_CHANNEL, SOCKETIO_CHANNEL, TWILIO_CHANNEL, channels_config
from bot.channels.dedupe import Deduplicator, SeenSet

TWILIO_ENV = {"TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": "s3cr$t", "TWILIO_NUMBER": "+15550001111"}
SLACK_ENV = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "shh"}


def test_a_key_is_new_once_within_the_ttl() -> None:
    seen = SeenSet(ttl=10)
    assert seen.add("a", now=0) is True
    assert seen.add("a", now=5) is False
    assert seen.add("a", now=11) is True  # expired, so new again


def test_the_set_is_bounded() -> None:
    seen = SeenSet(ttl=100, max_entries=3)
    for key in "abcd":
        assert seen.add(key, now=1)
    assert seen.add("a", now=2) is True  # the oldest was evicted to make room


def test_in_process_dedupe_without_redis() -> None:
    dedupe = Deduplicator(redis_url=None)
    assert asyncio.run(dedupe.first_time("twilio:SM1")) is True
    assert asyncio.run(dedupe.first_time("twilio:SM1")) is False


def test_a_redis_failure_lets_the_message_through() -> None:
    dedupe = Deduplicator(redis_url="redis://127.0.0.1:9/0")
    assert asyncio.run(dedupe.first_time("twilio:SM2")) is True


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set (.ci/run sets it)")
def test_two_instances_share_what_they_have_seen_through_redis() -> None:
    url = os.environ["TEST_REDIS_URL"]
    key = f"test:{uuid.uuid4().hex}"
    first, second = Deduplicator(url), Deduplicator(url)  # two Rasa instances

    async def both() -> tuple[bool, bool]:
        return await first.first_time(key), await second.first_time(key)

    assert asyncio.run(both()) == (True, False)


@pytest.mark.parametrize(
    ("path", "name"),
    [(REST_CHANNEL, "rest"), (SOCKETIO_CHANNEL, "socketio"), (TWILIO_CHANNEL, "twilio"), (SLACK_CHANNEL, "slack")],
)
def test_each_channel_keeps_rasas_name(path: str, name: str) -> None:
    """The webhook path, the credentials key and the responses' `channel:` variants all use it."""
    module, class_name = path.rsplit(".", 1)
    channel = getattr(importlib.import_module(module), class_name)
    assert channel.name() == name


def test_the_sms_and_slack_replies_go_out_under_their_channels_names() -> None:
    from bot.channels.slack import SlackChannelOutput
    from bot.channels.twilio_sms import TwilioSmsOutput

    assert (TwilioSmsOutput.name(), SlackChannelOutput.name()) == ("twilio", "slack")


def test_without_credentials_only_rest_and_the_widget_are_on() -> None:
    credentials, statuses = channels_config({})
    assert list(credentials) == [REST_CHANNEL, SOCKETIO_CHANNEL]
    assert credentials[REST_CHANNEL] is None  # open: tests, curl and `make shell` need it
    assert credentials[SOCKETIO_CHANNEL]["session_persistence"] is True
    assert [(s.name, s.enabled) for s in statuses] == [("SMS (Twilio)", False), ("Slack", False), ("REST", True)]
    assert "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_NUMBER" in statuses[0].detail


def test_the_rest_profile_puts_rest_behind_a_token_or_removes_it() -> None:
    credentials, statuses = channels_config({"REST_CHANNEL": "token", "REST_CHANNEL_TOKEN": "t0k"})
    assert credentials[REST_CHANNEL] == {"token": "${REST_CHANNEL_TOKEN}"}  # the secret stays in the env
    assert statuses[-1].enabled and "Bearer" in statuses[-1].detail

    credentials, statuses = channels_config({"REST_CHANNEL": "off"})
    assert list(credentials) == [SOCKETIO_CHANNEL]
    assert (statuses[-1].name, statuses[-1].enabled) == ("REST", False)


@pytest.mark.parametrize(
    ("env", "reason"),
    [({"REST_CHANNEL": "token"}, "REST_CHANNEL_TOKEN"), ({"REST_CHANNEL": "maybe"}, "one of on, token, off")],
)
def test_a_rest_profile_that_cannot_work_stops_the_launch(tmp_path: Path, env: dict[str, str], reason: str) -> None:
    config = launcher.StackConfig.from_env({"ADVOCATE_VAR_DIR": str(tmp_path)})
    with pytest.raises(launcher.LaunchError, match=reason):
        launcher.write_credentials(config, env)


def test_a_partly_configured_channel_stays_off_and_names_what_is_missing() -> None:
    credentials, statuses = channels_config({**TWILIO_ENV, "TWILIO_NUMBER": "", "SLACK_BOT_TOKEN": "xoxb"})
    assert TWILIO_CHANNEL not in credentials and SLACK_CHANNEL not in credentials
    assert statuses[0].detail == "set TWILIO_NUMBER to enable it"
    assert statuses[1].detail == "set SLACK_SIGNING_SECRET to enable it"


def test_configured_channels_are_written_as_references_rasa_expands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**TWILIO_ENV, **SLACK_ENV, "PUBLIC_BASE_URL": "https://advocate.example.org"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config = launcher.StackConfig.from_env({"ADVOCATE_VAR_DIR": str(tmp_path)})

    lines = launcher.write_credentials(config, env)

    text = config.credentials_file.read_text()
    assert "s3cr$t" not in text and "xoxb-1" not in text  # secrets stay in the environment
    assert yaml.safe_load(text)[TWILIO_CHANNEL]["auth_token"] == "${TWILIO_AUTH_TOKEN}"
    read_by_rasa = rasa.shared.utils.io.read_config_file(config.credentials_file)
    assert read_by_rasa[TWILIO_CHANNEL] == {
        "account_sid": "AC123",
        "auth_token": "s3cr$t",
        "twilio_number": "+15550001111",  # a string, not the integer YAML would make of it
        "public_base_url": "https://advocate.example.org",
    }
    assert read_by_rasa[SLACK_CHANNEL] == {"slack_token": "xoxb-1", "slack_signing_secret": "shh"}
    assert any("SMS (Twilio): on" in line for line in lines)
    assert any("Slack: on" in line for line in lines)


def test_rasa_runs_with_the_written_credentials(tmp_path: Path) -> None:
    config = launcher.StackConfig.from_env({"ADVOCATE_VAR_DIR": str(tmp_path)})
    rasa = launcher.rasa_server_command(config)
    assert rasa[rasa.index("--credentials") + 1] == str(tmp_path / "credentials.yml")


def test_the_committed_credentials_yml_matches_the_default(tmp_path: Path) -> None:
    """credentials.yml documents what `make run` writes when no SMS or Slack settings are given."""
    committed = yaml.safe_load((launcher.PROJECT_ROOT / "credentials.yml").read_text())
    assert committed == channels_config({})[0]
