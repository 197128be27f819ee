"""The benchmark's table and JSON: every figure of the project beside moodbot's and as a ratio to it."""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import rasa

from tests.bench_load.memory import OTHER, Memory
from tests.bench_load.stats import Growth, Summary, ratio

BASELINE = "moodbot"


@dataclass
class LevelResult:
    users: int
    summary: Summary
    memory: dict[str, Memory]

    @property
    def rss_total_mb(self) -> float:
        """The servers' memory; the launcher and its shells ("other") are listed but not added."""
        return sum(m.rss_mb for name, m in self.memory.items() if name != OTHER)


@dataclass
class BotResult:
    started_seconds: float
    levels: dict[int, LevelResult] = field(default_factory=dict)
    long: Growth | None = None


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}"


def _signed_ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:+,.0f}"


def _x(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}x"


def _memory_text(memory: dict[str, Memory]) -> str:
    return " + ".join(f"{name} {m.rss_mb:,.0f}" for name, m in sorted(memory.items(), key=lambda kv: -kv[1].rss_mb))


def table(results: dict[str, BotResult]) -> str:
    """Rows per concurrency: each bot, then the project's figures as ratios to moodbot's."""
    base = results.get(BASELINE)
    lines = [
        f"{'users':>5}  {'bot':<9} {'msgs':>5} {'msg/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'empty':>5} {'RSS MB':>7}  processes (RSS MB)",
    ]
    users = sorted({u for result in results.values() for u in result.levels})
    for count in users:
        for name, result in results.items():
            level = result.levels.get(count)
            if level is None:
                continue
            s = level.summary
            lines.append(
                f"{count:>5}  {name:<9} {s.messages:>5} {s.throughput:>7.2f} {_ms(s.p50_ms):>8} {_ms(s.p95_ms):>8} "
                f"{_ms(s.p99_ms):>8} {s.error_count:>6} {s.empty_replies:>5} {level.rss_total_mb:>7,.0f}  "
                f"{_memory_text(level.memory)}"
            )
        base_level = base.levels.get(count) if base else None
        for name, result in results.items():
            level = result.levels.get(count)
            if name == BASELINE or level is None or base_level is None:
                continue
            s, b = level.summary, base_level.summary
            lines.append(
                f"{'':>5}  {'ratio':<9} {'':>5} {_x(ratio(s.throughput, b.throughput)):>7} "
                f"{_x(ratio(s.p50_ms, b.p50_ms)):>8} {_x(ratio(s.p95_ms, b.p95_ms)):>8} "
                f"{_x(ratio(s.p99_ms, b.p99_ms)):>8} {'':>6} {'':>5} "
                f"{_x(ratio(level.rss_total_mb, base_level.rss_total_mb)):>7}  ({name} / {BASELINE})"
            )
    errors = [
        f"  {name} at {count} users: {level.summary.errors}"
        for name, result in results.items()
        for count, level in sorted(result.levels.items())
        if level.summary.errors
    ]
    if errors:
        lines += ["errors by kind:", *errors]
    longs = {name: result.long for name, result in results.items() if result.long is not None}
    if longs:
        lines += [
            "",
            f"long conversation  {'first 10 ms':>11} {'last 10 ms':>10} {'added ms/turn':>13} "
            f"{'errors':>6} {'empty':>5}",
        ]
        for name, grown in longs.items():
            lines.append(
                f"  {name:<16} {_ms(grown.first_ms):>11} {_ms(grown.last_ms):>10} {_signed_ms(grown.added_ms):>13} "
                f"{grown.errors:>6} {grown.empty_replies:>5}"
            )
        base_long = longs.get(BASELINE)
        for name, grown in longs.items():
            if name != BASELINE and base_long is not None:
                lines.append(
                    f"  {'ratio':<16} {_x(ratio(grown.first_ms, base_long.first_ms)):>11} "
                    f"{_x(ratio(grown.last_ms, base_long.last_ms)):>10} "
                    f"{_x(ratio(grown.added_ms, base_long.added_ms)):>13}"
                )
    started = ", ".join(f"{name} {result.started_seconds:.0f} s" for name, result in results.items())
    lines += [
        "",
        "RSS MB: the servers' resident memory after the level (the launcher and shells, 'other', not added).",
        f"ready after start (process start to model loaded and answering; both boot at once): {started}",
    ]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """What the figures were measured on; the load average says how shared the CPU was."""
    return {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "rasa": rasa.__version__,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def to_json(results: dict[str, BotResult], settings: dict[str, Any], machine_before: dict[str, Any]) -> dict[str, Any]:
    bots: dict[str, Any] = {}
    for name, result in results.items():
        bots[name] = {
            "started_seconds": result.started_seconds,
            "levels": {
                count: {**asdict(level.summary), "memory_mb": {k: asdict(m) for k, m in level.memory.items()}}
                for count, level in result.levels.items()
            },
            "long": None if result.long is None else {**asdict(result.long), "added_ms": result.long.added_ms},
        }
    return _jsonable(
        {
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "settings": settings,
            "machine_before": machine_before,
            "machine_after": machine(),
            "bots": bots,
        }
    )


def write_json(document: dict[str, Any], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"bench-load-{stamp}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    (out / "latest.json").write_text(path.read_text())
    return path
