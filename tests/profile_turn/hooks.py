"""Timers wrapped around the functions a turn goes through, installed in a server process for profiling.

Nothing here changes what the servers do: each hook calls the original and adds its wall time to
the record of the request being served (a context variable, so concurrent requests never mix;
the action server's database work runs in threads, which get a copy of the context). At the end of
a request the record is appended as one JSON line to PROFILE_TURN_OUT. Only names and
milliseconds are written: no message, slot or tracker content.

Rasa server, per message (`Agent.handle_message`):
  nlu/<graph node>          each NLU component of the model's graph (parse_message)
  policy/<graph node>       each policy and the ensemble, summed over the turn's predictions
  tracker_store/<call>      retrieve, save (the whole SQL tracker store, decoding included)
  action/<name>             each call to the action server, HTTP round trip and server time included
  nested: action_json       building the body of those calls as dicts (the whole tracker, the domain);
                            their JSON encoding happens in the HTTP client, counted with the round trip
  nested: action_http       the HTTP request of those calls (encoding, sending, the server, decoding)
  nested: action_after/...  Rasa's work on the reply: schema validation, responses, events
  nested: sql, sql_commit   SQL statements and commits (all within tracker_store on the Rasa side)
Action server, per action call (`ActionExecutor.run`):
  repository/<function>     each bot.persistence.repository call, in its worker thread
  nested: sql, sql_commit   SQL statements and commits
  nested: run_sync          repository work plus the hop to the worker thread
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import json
import os
import threading
import time
from collections.abc import Callable
from typing import Any

OUT_VARIABLE = "PROFILE_TURN_OUT"

_record: contextvars.ContextVar[dict[str, list[float]] | None] = contextvars.ContextVar("profile_record", default=None)
_phase: contextvars.ContextVar[str] = contextvars.ContextVar("profile_phase", default="other")
# Inside a repository function: the repository functions it calls are part of its time, not added again.
_in_repository: contextvars.ContextVar[bool] = contextvars.ContextVar("profile_in_repository", default=False)
_write_lock = threading.Lock()


def add(key: str, seconds: float) -> None:
    record = _record.get()
    if record is not None:
        entry = record.setdefault(key, [0.0, 0])
        entry[0] += seconds * 1000
        entry[1] += 1


def _write(line: dict[str, Any]) -> None:
    path = os.environ[OUT_VARIABLE]
    with _write_lock, open(path, "a") as out:
        out.write(json.dumps(line) + "\n")


def _wrap_async(function: Callable[..., Any], key: Callable[..., str]) -> Callable[..., Any]:
    @functools.wraps(function)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return await function(*args, **kwargs)
        finally:
            add(key(*args, **kwargs), time.perf_counter() - began)

    return timed


def _wrap_sync(function: Callable[..., Any], key: Callable[..., str]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            add(key(*args, **kwargs), time.perf_counter() - began)

    return timed


def _in_phase(function: Callable[..., Any], phase: str) -> Callable[..., Any]:
    """Graph nodes run inside this function are counted under `phase` (nlu or policy)."""
    if asyncio.iscoroutinefunction(function):

        @functools.wraps(function)
        async def phased_async(*args: Any, **kwargs: Any) -> Any:
            token = _phase.set(phase)
            try:
                return await function(*args, **kwargs)
            finally:
                _phase.reset(token)

        return phased_async

    @functools.wraps(function)
    def phased(*args: Any, **kwargs: Any) -> Any:
        token = _phase.set(phase)
        try:
            return function(*args, **kwargs)
        finally:
            _phase.reset(token)

    return phased


def _request(function: Callable[..., Any], process: str, label: Callable[..., dict[str, Any]]) -> Callable[..., Any]:
    """A request boundary: a fresh record while it runs, written out when it ends."""

    @functools.wraps(function)
    async def recorded(*args: Any, **kwargs: Any) -> Any:
        record: dict[str, list[float]] = {}
        token = _record.set(record)
        began = time.perf_counter()
        try:
            return await function(*args, **kwargs)
        finally:
            total = (time.perf_counter() - began) * 1000
            _record.reset(token)
            _write({"process": process, "total_ms": total, "parts": record, **label(*args, **kwargs)})

    return recorded


def _time_sql() -> None:
    """Every SQL statement of every engine in the process (`sql`), and every commit (`sql_commit`).

    A commit is not a statement to SQLAlchemy's events, and on SQLite it is where the disk is
    synced: timed around the connection's commit itself (SQLAlchemy 1.4's `_commit_impl`).
    """
    from sqlalchemy import event
    from sqlalchemy.engine import Connection, Engine

    Connection._commit_impl = _wrap_sync(Connection._commit_impl, lambda *a, **k: "sql_commit")

    started: contextvars.ContextVar[float] = contextvars.ContextVar("profile_sql_started", default=0.0)

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(*_: Any) -> None:
        started.set(time.perf_counter())

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(*_: Any) -> None:
        add("sql", time.perf_counter() - started.get())


def install_rasa() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.engine.graph import GraphNode
    from rasa.shared.core import events
    from rasa.utils.endpoints import EndpointConfig

    Agent.handle_message = _request(Agent.handle_message, "rasa", lambda *a, **k: {})
    MessageProcessor.parse_message = _in_phase(MessageProcessor.parse_message, "nlu")
    MessageProcessor._predict_next_with_tracker = _in_phase(MessageProcessor._predict_next_with_tracker, "policy")
    GraphNode.__call__ = _wrap_sync(GraphNode.__call__, lambda node, *a, **k: f"{_phase.get()}/{node._node_name}")
    for name in ("retrieve", "save", "retrieve_full_tracker"):
        # The agent wraps the configured store in FailSafeTrackerStore: the processor's only door to it.
        original = getattr(FailSafeTrackerStore, name)
        setattr(FailSafeTrackerStore, name, _wrap_async(original, lambda *a, _n=name, **k: f"tracker_store/{_n}"))
    from bot.servers import action_outage

    action_outage.install()  # as the Rasa server runs actions: a refused connection is tried again
    RemoteAction.run = _wrap_async(RemoteAction.run, lambda action, *a, **k: f"action/{action.name()}")
    # The body as the Rasa server builds it (recent events only: bot.servers.action_calls).
    from bot.servers import action_calls

    action_calls.install()
    RemoteAction._action_call_format = _wrap_sync(RemoteAction._action_call_format, lambda *a, **k: "action_json")
    # The HTTP request alone: JSON encoding, aiohttp (a new session per call), the server, decoding.
    EndpointConfig.request = _wrap_async(EndpointConfig.request, lambda *a, **k: "action_http")
    # What Rasa does with the reply: check it against the response schema (as the Rasa server
    # does it: bot.servers.action_results), render the responses it names, turn its events back
    # into objects.
    from bot.servers import action_results

    action_results.install()
    RemoteAction._validate_action_result = _wrap_sync(
        RemoteAction._validate_action_result, lambda *a, **k: "action_after/validate the reply (jsonschema)"
    )
    RemoteAction._utter_responses = staticmethod(  # a static method: it must stay one
        _wrap_async(RemoteAction._utter_responses, lambda *a, **k: "action_after/render the responses it names")
    )
    events.deserialise_events = _wrap_sync(events.deserialise_events, lambda *a, **k: "action_after/deserialise events")
    _time_sql()


def _outermost(function: Callable[..., Any], key: str) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        if _in_repository.get():
            return function(*args, **kwargs)
        token = _in_repository.set(True)
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            add(key, time.perf_counter() - began)
            _in_repository.reset(token)

    return timed


def install_actions() -> None:
    from rasa_sdk.executor import ActionExecutor

    import bot.persistence.db as db
    from bot.persistence import repository

    def action_name(_executor: Any, action_call: dict[str, Any], *a: Any, **k: Any) -> dict[str, Any]:
        return {"action": str(action_call.get("next_action"))}

    ActionExecutor.run = _request(ActionExecutor.run, "actions", action_name)

    original_run_sync = db.run_sync

    async def run_sync(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # The original's executor thread gets no context: give it ours, so its repository calls
        # land in this request's record.
        context = contextvars.copy_context()
        began = time.perf_counter()
        try:
            return await original_run_sync(context.run, functools.partial(func, *args, **kwargs))
        finally:
            add("run_sync", time.perf_counter() - began)

    db.run_sync = functools.wraps(original_run_sync)(run_sync)
    # The facade's own functions and those it re-exports from the person-data modules beside it.
    for name, value in list(vars(repository).items()):
        if inspect.isfunction(value) and not name.startswith("_") and value.__module__.startswith("bot.persistence."):
            setattr(repository, name, _outermost(value, f"repository/{name}"))
    _time_sql()
