"""The figures of a benchmark run, computed from what the client recorded: no sampling, no buckets.

Every latency of every message is kept, so the percentiles are exact (linear interpolation
between the two nearest ranks, as numpy's default), and throughput is completed messages over the
level's wall time: a closed loop, where each virtual user sends its next message only once the
previous reply has arrived.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field


def percentile(values: Sequence[float], fraction: float) -> float:
    """The `fraction` (0..1) quantile of `values`, interpolating linearly between ranks."""
    if not values:
        return math.nan
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within 0..1, got {fraction}")
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def ratio(value: float, baseline: float) -> float:
    """`value` / `baseline`; NaN when either is missing or the baseline is 0 (no ratio exists)."""
    if math.isnan(value) or math.isnan(baseline) or baseline == 0:
        return math.nan
    return value / baseline


@dataclass
class Sample:
    """One message as the client saw it: latency in seconds; `error` names what went wrong, if anything."""

    seconds: float
    error: str | None = None
    empty: bool = False


@dataclass
class Summary:
    messages: int
    wall_seconds: float
    throughput: float  # completed messages per second (errors excluded)
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    errors: dict[str, int] = field(default_factory=dict)
    empty_replies: int = 0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def summarise(samples: Sequence[Sample], wall_seconds: float) -> Summary:
    """Latency percentiles over the messages that got an answer; errors counted by kind."""
    answered = [s.seconds * 1000 for s in samples if s.error is None]
    return Summary(
        messages=len(samples),
        wall_seconds=wall_seconds,
        throughput=len(answered) / wall_seconds if wall_seconds > 0 else math.nan,
        p50_ms=percentile(answered, 0.50),
        p95_ms=percentile(answered, 0.95),
        p99_ms=percentile(answered, 0.99),
        mean_ms=mean(answered),
        errors=dict(Counter(s.error for s in samples if s.error is not None)),
        empty_replies=sum(1 for s in samples if s.error is None and s.empty),
    )


@dataclass
class Growth:
    """A long conversation: the mean cost of its first and last `window` turns."""

    first_ms: float
    last_ms: float
    errors: int = 0  # over the whole conversation (a 429 here means the inbound limit was not lifted)
    empty_replies: int = 0

    @property
    def added_ms(self) -> float:
        """How much more each of the last turns costs than each of the first."""
        return self.last_ms - self.first_ms


def growth(samples: Sequence[Sample], window: int) -> Growth:
    if len(samples) < 2 * window:
        raise ValueError(f"need at least {2 * window} turns to compare two windows of {window}, got {len(samples)}")

    def window_mean(part: Sequence[Sample]) -> float:
        return mean([s.seconds * 1000 for s in part if s.error is None])

    return Growth(
        first_ms=window_mean(samples[:window]),
        last_ms=window_mean(samples[-window:]),
        errors=sum(1 for s in samples if s.error is not None),
        empty_replies=sum(1 for s in samples if s.error is None and s.empty),
    )
