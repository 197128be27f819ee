"""The closed-loop load client: virtual users that each talk to the bot over Rasa's REST channel.

Closed loop: a user sends its next message only when the reply to the previous one has arrived,
with no think time, so throughput is what the server can actually complete at that concurrency and
every latency is the full answer time a person would see. Each walk of a journey is a new
conversation (a fresh sender id), so no sender comes near a per-sender rate limit on the load
levels; the long conversation needs the limit lifted (see tests/bench_load/servers.py).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from typing import Any

import httpx

from tests.bench_load.scripts import Script, Turn
from tests.bench_load.stats import Sample

REQUEST_TIMEOUT = 120.0


async def send(client: httpx.AsyncClient, url: str, sender: str, text: str) -> tuple[Sample, list[dict[str, Any]]]:
    """One message; its sample and the bot's reply (empty on an error)."""
    began = time.perf_counter()
    try:
        response = await client.post(url, json={"sender": sender, "message": text})
    except httpx.TimeoutException:
        return Sample(time.perf_counter() - began, error="timeout"), []
    except httpx.HTTPError as exc:
        return Sample(time.perf_counter() - began, error=type(exc).__name__), []
    elapsed = time.perf_counter() - began
    if response.status_code != 200:
        return Sample(elapsed, error=f"HTTP {response.status_code}"), []
    try:
        reply = response.json()
    except ValueError:
        return Sample(elapsed, error="not JSON"), []
    if not isinstance(reply, list):
        return Sample(elapsed, error="not a list"), []
    return Sample(elapsed, empty=not reply), reply


async def walk(client: httpx.AsyncClient, url: str, sender: str, turns: Sequence[Turn], samples: list[Sample]) -> None:
    """Say `turns` in one conversation; a button that is not there ends it (counted as an error)."""
    reply: list[dict[str, Any]] = []
    for turn in turns:
        text = turn.message(reply)
        if text is None:
            samples.append(Sample(0.0, error=f"no button /{turn.press}/"))
            return
        sample, reply = await send(client, url, sender, text)
        samples.append(sample)


def _client(users: int) -> httpx.AsyncClient:
    # trust_env=False: a proxy set for the outside world must not sit between us and 127.0.0.1.
    limits = httpx.Limits(max_connections=users + 4, max_keepalive_connections=users + 4)
    return httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits, trust_env=False)


def user_turns(journeys: Sequence[Script], user: int, turns: int) -> list[tuple[int, tuple[Turn, ...]]]:
    """The walks one user makes to say `turns` messages: journeys in turn, starting at its own.

    Users start at different journeys so that, at any concurrency, the mix is even from the first
    second. Returns (walk number, turns of that walk), the last walk cut to the remaining count.
    """
    walks: list[tuple[int, tuple[Turn, ...]]] = []
    left, index = turns, user
    while left > 0:
        script = journeys[index % len(journeys)]
        part = script.turns[:left]
        walks.append((index, part))
        left -= len(part)
        index += 1
    return walks


async def run_level(
    url: str, journeys: Sequence[Script], users: int, turns: int, label: str
) -> tuple[list[Sample], float]:
    """`users` conversations at once, each saying `turns` messages; (samples, wall seconds)."""
    run_id = uuid.uuid4().hex[:8]

    async def one_user(user: int, client: httpx.AsyncClient) -> list[Sample]:
        samples: list[Sample] = []
        for walk_number, walk_turns in user_turns(journeys, user, turns):
            await walk(client, url, f"bench-{label}-{run_id}-u{user}-w{walk_number}", walk_turns, samples)
        return samples

    async with _client(users) as client:
        began = time.perf_counter()
        results = await asyncio.gather(*(one_user(user, client) for user in range(users)))
        wall = time.perf_counter() - began
    return [sample for samples in results for sample in samples], wall


async def run_long(url: str, turns: Sequence[Turn], label: str) -> list[Sample]:
    """One conversation of len(turns) messages; the samples in order."""
    samples: list[Sample] = []
    async with _client(1) as client:
        await walk(client, url, f"bench-long-{label}-{uuid.uuid4().hex[:8]}", turns, samples)
    return samples


async def walk_once(url: str, script: Script, label: str) -> list[Sample]:
    """One walk of a journey by one user (the warm-up)."""
    samples: list[Sample] = []
    async with _client(1) as client:
        await walk(client, url, f"{label}-{script.name}-{uuid.uuid4().hex[:8]}", script.turns, samples)
    return samples
