"""The load benchmark's and the profiler's own arithmetic: statistics, ratios, scripts, breakdown, memory.

The benchmark asserts nothing about speed; these check that the figures it prints are computed
right, so a wrong percentile or ratio cannot pass for a finding.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.settings import PROJECT_ROOT as ROOT
from tests.bench_load.client import user_turns
from tests.bench_load.memory import memory_by_process
from tests.bench_load.report import BotResult, LevelResult, table
from tests.bench_load.scripts import ScriptError, Turn, load_scripts, parse_scripts
from tests.bench_load.servers import ServerError, stack_settings
from tests.bench_load.stats import Sample, growth, percentile, ratio, summarise
from tests.profile_turn import hooks
from tests.profile_turn.breakdown import TurnProfile, breakdown, render


@pytest.mark.parametrize("fraction", [0.0, 0.5, 0.95, 0.99, 1.0])
def test_percentiles_match_numpys_linear_interpolation(fraction: float) -> None:
    values = [0.31, 5.0, 1.2, 9.9, 0.05, 3.3, 7.7, 2.2, 4.4, 12.0, 0.9]
    assert percentile(values, fraction) == pytest.approx(float(np.percentile(values, fraction * 100)))


def test_percentile_of_nothing_is_nan_and_of_one_value_is_it() -> None:
    assert math.isnan(percentile([], 0.5))
    assert percentile([42.0], 0.99) == 42.0
    with pytest.raises(ValueError):
        percentile([1.0], 1.5)


def test_summary_keeps_errors_out_of_latencies_and_counts_them_by_kind() -> None:
    samples = [Sample(0.1), Sample(0.2), Sample(0.3, empty=True), Sample(9.0, error="timeout"), Sample(0.0, "HTTP 429")]
    summary = summarise(samples, wall_seconds=2.0)
    assert summary.messages == 5
    assert summary.throughput == pytest.approx(1.5)  # 3 answered in 2 s
    assert summary.p50_ms == pytest.approx(200.0)
    assert summary.p99_ms == pytest.approx(298.0)  # rank 0.99 * 2 = 1.98: 200 + 0.98 * 100
    assert summary.errors == {"timeout": 1, "HTTP 429": 1}
    assert summary.error_count == 2
    assert summary.empty_replies == 1


def test_ratio_to_the_baseline() -> None:
    assert ratio(4.5, 20.0) == pytest.approx(0.225)
    assert math.isnan(ratio(1.0, 0.0))
    assert math.isnan(ratio(math.nan, 1.0))


def test_growth_compares_the_first_and_last_windows() -> None:
    samples = [Sample(0.1)] * 10 + [Sample(5.0)] * 5 + [Sample(0.3)] * 9 + [Sample(0.0, error="timeout")]
    grown = growth(samples, 10)
    assert grown.first_ms == pytest.approx(100.0)
    assert grown.last_ms == pytest.approx(300.0)  # the error is not a latency
    assert grown.added_ms == pytest.approx(200.0)
    assert (grown.errors, grown.empty_replies) == (1, 0)
    with pytest.raises(ValueError):
        growth(samples[:15], 10)


def test_the_shipped_scripts_parse_and_fit_the_long_window() -> None:
    scripts = load_scripts()
    assert set(scripts) == {"advocate", "moodbot"}
    assert {j.name for j in scripts["advocate"].journeys} == {"assessment", "questions", "records"}
    for bot in scripts.values():
        turns = bot.long_turns(80)
        assert len(turns) == 80 and turns[:10] == turns[-10:]


def test_a_press_sends_the_payload_of_the_first_matching_button() -> None:
    reply = [
        {"text": "How soon?"},
        {"buttons": [{"title": "Within days", "payload": '/inform{"urgency":"days"}'},
                     {"title": "I'm not sure", "payload": '/not_sure'}]},
    ]  # fmt: skip
    assert Turn(press="not sure").message(reply) == "/not_sure"
    assert Turn(press="NOT SURE").message(reply) == "/not_sure"
    assert Turn(press="weeks").message(reply) is None
    assert Turn(text="hello").message([]) == "hello"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a: {journeys: {x: [hi]}}", "exactly the keys"),
        ("a: {journeys: {x: [{press: sure}]}, long: {cycle: [hi]}}", "first turn cannot press"),
        ("a: {journeys: {x: [hi, yes]}, long: {cycle: [hi]}}", "quote it"),
        ("a: {journeys: {x: [hi, {press: '('}]}, long: {cycle: [hi]}}", "not a valid regex"),
        ("a: {journeys: {x: [hi, 3]}, long: {cycle: [hi]}}", "a turn is a non-empty message"),
        ("a: {journeys: {x: [hi]}, long: {cycle: [a, b, c]}}", "must divide 10"),
        ("a: {journeys: {x: []}, long: {cycle: [hi]}}", "non-empty list"),
    ],
)
def test_script_mistakes_are_refused_with_the_place_and_reason(text: str, reason: str) -> None:
    with pytest.raises(ScriptError, match=reason):
        parse_scripts(text)


def test_long_conversations_must_be_whole_cycles() -> None:
    bot = parse_scripts('a: {journeys: {x: [hi]}, long: {cycle: [hi, "yes", bye, ok, "no"]}}')["a"]
    assert len(bot.long_turns(20)) == 20
    with pytest.raises(ScriptError):
        bot.long_turns(22)
    with pytest.raises(ScriptError):
        bot.long_turns(10)  # shorter than two windows


def test_each_user_walks_the_journeys_from_its_own_and_says_exactly_its_turns() -> None:
    journeys = load_scripts()["advocate"].journeys
    for user in range(4):
        walks = user_turns(journeys, user, 25)
        assert sum(len(turns) for _, turns in walks) == 25
        assert walks[0][1] == journeys[user % len(journeys)].turns[: len(walks[0][1])]
    assert {user_turns(journeys, u, 1)[0][1][0] for u in range(3)} == {j.turns[0] for j in journeys}


def test_stack_settings_lift_the_inbound_limit_and_take_overrides() -> None:
    assert int(stack_settings(None)["INBOUND_MESSAGES_PER_MINUTE"]) >= 1000
    assert stack_settings("INBOUND_MESSAGES_PER_MINUTE=5 FOO=bar") == {"INBOUND_MESSAGES_PER_MINUTE": "5", "FOO": "bar"}
    with pytest.raises(ServerError):
        stack_settings("oops")


def test_memory_is_read_per_named_process_from_proc() -> None:
    command = [sys.executable, "-c", "import time; x = bytearray(40 * 1024 * 1024); time.sleep(30)"]
    child = subprocess.Popen(command)
    try:
        for _ in range(100):
            memory = memory_by_process(os.getpid(), {"sleeper": command})
            if "sleeper" in memory and memory["sleeper"].rss_mb > 40:
                break
            asyncio.run(asyncio.sleep(0.05))
        assert memory["sleeper"].rss_mb > 40  # the 40 MB it holds
        assert memory["sleeper"].peak_mb >= memory["sleeper"].rss_mb
        assert memory["other"].rss_mb > 0  # this test process
    finally:
        child.kill()
        child.wait()


def test_the_table_shows_ratios_to_moodbot() -> None:
    def level(users: int, seconds: float, rss: float) -> LevelResult:
        from tests.bench_load.memory import Memory

        memory = {"rasa": Memory(rss, rss), "other": Memory(170.0, 170.0)}  # the launcher: not a server
        return LevelResult(users, summarise([Sample(seconds)] * 10, 10 * seconds), memory)

    results = {
        "moodbot": BotResult(30.0, levels={20: level(20, 0.05, 1000.0)}),
        "advocate": BotResult(60.0, levels={20: level(20, 0.25, 1500.0)}),
    }
    text = table(results)
    ratio_line = next(line for line in text.splitlines() if "ratio" in line)
    assert ratio_line.split()[1:6] == ["0.20x", "5.00x", "5.00x", "5.00x", "1.50x"]


def test_the_breakdown_adds_up_at_every_level() -> None:
    rasa = {
        "total_ms": 200.0,
        "parts": {
            "nlu/run_DIETClassifier3": [30.0, 1],
            "nlu/run_AdvocateSpacyNLP0": [10.0, 1],
            "policy/run_TEDPolicy1": [40.0, 2],
            "tracker_store/retrieve": [20.0, 1],
            "tracker_store/save": [10.0, 1],
            "sql": [12.0, 3],
            "action/action_save_question": [60.0, 1],
            "action_json": [8.0, 1],
            "action_http": [45.0, 1],
        },
    }
    actions = [{"action": "action_save_question", "total_ms": 30.0, "parts": {"repository/add_question": [20.0, 1]}}]
    rows = {row.label: row for row in breakdown([TurnProfile("questions", 250.0, rasa, actions)] * 2)}
    assert rows["NLU (parse_message), per graph node"].ms == pytest.approx(40.0)
    assert rows["run_DIETClassifier3"].share == pytest.approx(30.0 / 250.0)
    assert rows["policies (next-action predictions), per graph node"].ms == pytest.approx(40.0)
    assert rows["run_TEDPolicy1"].calls == pytest.approx(2.0)
    assert rows["inside the action server (ActionExecutor.run)"].ms == pytest.approx(30.0)
    assert rows["HTTP, JSON encoding and decoding, Sanic (the rest)"].ms == pytest.approx(45.0 - 30.0)
    assert rows["of which: Rasa after the reply (validation, events, responses)"].ms == pytest.approx(60.0 - 8 - 45)
    assert rows["rest of Rasa (processor, events, lock, utterances)"].ms == pytest.approx(200.0 - 40 - 40 - 30 - 60)
    assert rows["outside Rasa's handler (HTTP, REST channel)"].ms == pytest.approx(50.0)
    assert "add_question" in render(list(breakdown([TurnProfile("q", 250.0, rasa, actions)])))


def test_hooks_record_a_request_and_its_parts_as_one_json_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "profile.jsonl"
    monkeypatch.setenv(hooks.OUT_VARIABLE, str(out))

    def lookup(key: str) -> str:
        return key

    timed_lookup = hooks._wrap_sync(lookup, lambda key: f"repository/{key}")

    async def serve(name: str) -> str:
        timed_lookup("a")
        timed_lookup("a")
        return name

    served = hooks._request(serve, "actions", lambda name: {"action": name})
    assert asyncio.run(served("action_x")) == "action_x"
    timed_lookup("outside a request: not recorded")
    [line] = out.read_text().splitlines()
    record = json.loads(line)
    assert record["process"] == "actions" and record["action"] == "action_x"
    assert record["parts"]["repository/a"][1] == 2
    assert record["total_ms"] >= record["parts"]["repository/a"][0]


def test_the_moodbot_project_can_be_created(tmp_path: Path) -> None:
    """What `rasa init` writes before it trains (training is the benchmark's job, not a unit test's)."""
    from rasa.cli.scaffold import create_initial_project
    from rasa.shared.core.domain import Domain

    create_initial_project(str(tmp_path))
    domain = Domain.load(str(tmp_path / "domain.yml"))
    assert {"greet", "mood_unhappy", "bot_challenge"} <= set(domain.intents)
    assert (tmp_path / "config.yml").exists() and (tmp_path / "data" / "nlu.yml").exists()
    assert "rest:" in (tmp_path / "credentials.yml").read_text()


def test_the_hooks_find_every_function_they_time_and_leave_static_methods_static() -> None:
    """In a process of its own (the hooks patch Rasa's classes for good): an upgrade of Rasa or
    rasa_sdk that renames a timed function fails here, not in the middle of a profile."""
    check = (
        "import inspect\n"
        "from tests.profile_turn import hooks\n"
        "hooks.install_rasa(); hooks.install_actions()\n"
        "from rasa.core.actions.action import RemoteAction\n"
        "from rasa.engine.graph import GraphNode\n"
        "from rasa_sdk.executor import ActionExecutor\n"
        "from bot.persistence import db, repository\n"
        "assert isinstance(inspect.getattr_static(RemoteAction, '_utter_responses'), staticmethod)\n"
        "for f in (RemoteAction.run, RemoteAction._validate_action_result, GraphNode.__call__,\n"
        "          ActionExecutor.run, db.run_sync, repository.list_questions):\n"
        "    assert f.__code__.co_filename.endswith('hooks.py'), f\n"
        "print('ok')\n"
    )
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]
