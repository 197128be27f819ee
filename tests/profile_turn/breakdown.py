"""From the hooks' records to a table of where a turn's time goes (component | ms per turn | share).

Each turn has the client's round trip, Rasa's record of the message and the action server's record
of each action call it made (tests/profile_turn/hooks.py names the parts). Figures are means over
the profiled turns; shares are of the client's round trip. "Rest of Rasa" and "HTTP and decoding"
are what is left after the measured parts, so every level of the table adds up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Graph nodes that only hand data on (domain_provider, ...) take microseconds: counted, not listed.
MIN_MS = 0.05


@dataclass
class TurnProfile:
    journey: str
    client_ms: float
    rasa: dict[str, Any]  # {"total_ms", "parts": {key: [ms, calls]}}
    actions: list[dict[str, Any]] = field(default_factory=list)  # {"action", "total_ms", "parts"}


@dataclass(frozen=True)
class Row:
    label: str
    ms: float  # per turn
    calls: float  # per turn; 0 for a computed row
    depth: int
    share: float  # of the client's round trip


def _sum_parts(records: Iterable[dict[str, Any]]) -> dict[str, list[float]]:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for record in records:
        for key, (ms, calls) in record.get("parts", {}).items():
            totals[key][0] += ms
            totals[key][1] += calls
    return totals


def breakdown(turns: Sequence[TurnProfile]) -> list[Row]:
    if not turns:
        return []
    count = len(turns)
    client = sum(t.client_ms for t in turns) / count
    rasa_parts = _sum_parts(t.rasa for t in turns)
    action_records = [record for t in turns for record in t.actions]
    action_parts = _sum_parts(action_records)
    rows: list[Row] = []

    def row(label: str, ms_total: float, calls_total: float, depth: int) -> float:
        ms = ms_total / count
        rows.append(Row(label, ms, calls_total / count, depth, ms / client if client else 0.0))
        return ms

    def group(prefix: str, parts: dict[str, list[float]]) -> list[tuple[str, float, float]]:
        found = [(key.removeprefix(prefix), ms, calls) for key, (ms, calls) in parts.items() if key.startswith(prefix)]
        return sorted(found, key=lambda item: -item[1])

    def group_rows(title: str, prefix: str, parts: dict[str, list[float]], depth: int) -> float:
        members = group(prefix, parts)
        ms = row(title, sum(m for _, m, _ in members), 0, depth)
        for name, member_ms, calls in members:
            if member_ms / count >= MIN_MS:
                row(name, member_ms, calls, depth + 1)
        return ms

    row("turn, as the client sees it (REST round trip)", client * count, count, 0)
    rasa_ms = row("Rasa: Agent.handle_message", sum(t.rasa["total_ms"] for t in turns), count, 1)
    measured = group_rows("NLU (parse_message), per graph node", "nlu/", rasa_parts, 2)
    measured += group_rows("policies (next-action predictions), per graph node", "policy/", rasa_parts, 2)
    measured += group_rows("tracker store", "tracker_store/", rasa_parts, 2)
    for key, label in (("sql", "of which SQL statements"), ("sql_commit", "of which commits")):
        if key in rasa_parts:
            row(label, *rasa_parts[key], 3)
    actions_ms = group_rows("action server calls (round trip, per action)", "action/", rasa_parts, 2)
    measured += actions_ms
    json_ms = row("of which: tracker + domain as dicts, in Rasa", *rasa_parts.get("action_json", [0.0, 0.0]), 3)
    http_ms = row("of which: the HTTP request (encode, send, server, decode)",
                  *rasa_parts.get("action_http", [0.0, 0.0]), 3)  # fmt: skip
    server_ms = row("inside the action server (ActionExecutor.run)",
                    sum(r["total_ms"] for r in action_records), len(action_records), 4)  # fmt: skip
    group_rows("repository calls", "repository/", action_parts, 5)
    for key, label in (
        ("sql", "SQL statements"),
        ("sql_commit", "commits"),
        ("run_sync", "run_sync (repository work + thread hop)"),
    ):
        if key in action_parts:
            row(label, *action_parts[key], 5)
    row("HTTP, JSON encoding and decoding, Sanic (the rest)", (http_ms - server_ms) * count, 0, 4)
    row("of which: Rasa after the reply (validation, events, responses)",
        (actions_ms - json_ms - http_ms) * count, 0, 3)  # fmt: skip
    for name, ms, calls in group("action_after/", rasa_parts):
        row(name, ms, calls, 4)
    row("rest of Rasa (processor, events, lock, utterances)", (rasa_ms - measured) * count, 0, 2)
    row("outside Rasa's handler (HTTP, REST channel)", (client - rasa_ms) * count, 0, 1)
    return rows


def render(rows: Sequence[Row]) -> str:
    width = max((len(r.label) + 2 * r.depth for r in rows), default=20)
    lines = [f"{'component':<{width}}  {'ms/turn':>8}  {'share':>6}  {'calls/turn':>10}"]
    for r in rows:
        calls = f"{r.calls:>10.1f}" if r.calls else f"{'':>10}"
        lines.append(f"{'  ' * r.depth + r.label:<{width}}  {r.ms:>8.1f}  {r.share:>6.1%}  {calls}")
    return "\n".join(lines)
