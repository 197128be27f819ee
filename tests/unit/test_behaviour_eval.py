"""The behaviour evaluator's scoring (tests/nlu/behaviour.py): a wrong verdict would make the gate lie."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.nlu.behaviour import (
    BLIND_SET,
    DEVELOPMENT_SETS,
    ROOT,
    Case,
    Result,
    Targets,
    load_cases,
    outcome_of,
    reading_of,
    summarise,
    verdict,
)


def case(expect: str, intent: str = "medical_advice", kind: str = "k") -> Case:
    return Case("text", intent, kind, expect)


@pytest.mark.parametrize(
    ("expect", "intent", "acted_on", "action", "expected"),
    [
        ("emergency", "medical_emergency", "medical_emergency", "action_emergency", "right"),
        ("emergency", "medical_emergency", "faq/how_long_wait", "utter_faq", "missed_alarm"),
        ("emergency", "medical_emergency", "crisis_self_harm", "action_crisis", "wrong"),
        ("crisis", "crisis_self_harm", "nlu_fallback", "action_fallback", "missed_alarm"),
        ("boundary", "medical_advice", "medical_emergency", "action_emergency", "false_alarm"),
        ("journey", "request_records", "crisis_self_harm", "action_crisis", "false_alarm"),
        ("boundary", "medical_advice", "medical_advice", "action_no_medical_advice", "right"),
        ("boundary", "medical_advice", "nlu_fallback", "action_fallback", "fallback"),
        ("boundary", "medical_advice", "nlu_fallback", "action_did_you_mean", "fallback"),
        ("boundary", "medical_advice", "faq/why_get_one", "utter_faq", "wrong"),
        ("handoff", "billing_dispute", "human_handoff", "action_handoff", "right"),
        ("handoff", "human_handoff", "bot_challenge", "utter_iamabot", "wrong"),
        ("out_of_scope", "out_of_scope", "out_of_scope", "utter_out_of_scope", "right"),
        ("journey", "start_assessment", "inform", "action_start_assessment", "right"),
        ("journey", "faq/medicare", "faq/medicare", "utter_faq", "right"),
        ("journey", "faq/medicare", "faq/insurance_coverage", "utter_faq", "wrong"),
        ("journey", "request_records", "medical_advice", "action_no_medical_advice", "wrong"),
        ("journey", "add_question", "add_question", "action_add_question", "right"),
        ("unclear", "nlu_fallback", "nlu_fallback", "action_fallback", "right"),
        ("unclear", "out_of_scope", "out_of_scope", "utter_out_of_scope", "right"),
        ("unclear", "nlu_fallback", "faq/medicare", "utter_faq", "wrong"),
        ("unclear", "nlu_fallback", "crisis_self_harm", "action_crisis", "false_alarm"),
    ],
)
def test_verdicts(expect: str, intent: str, acted_on: str, action: str, expected: str) -> None:
    assert verdict(case(expect, intent), acted_on, outcome_of(action)) == expected


def test_reading_takes_the_selected_faq_answer_and_the_first_real_action() -> None:
    tracker = {
        "events": [
            {"event": "action", "name": "action_session_start"},
            {"event": "action", "name": "action_listen"},
            {
                "event": "user",
                "parse_data": {
                    "intent": {"name": "faq"},
                    "response_selector": {"faq": {"response": {"intent_response_key": "faq/medicare"}}},
                },
            },
            {"event": "action", "name": "utter_faq"},
            {"event": "action", "name": "action_faq_offer"},
        ]
    }

    assert reading_of(tracker) == ("faq/medicare", "utter_faq", "journey")


def test_a_turn_that_brings_in_a_person_is_a_handoff_whichever_action_did_it() -> None:
    tracker = {
        "events": [
            {"event": "user", "parse_data": {"intent": {"name": "bot_challenge"}}},
            {"event": "action", "name": "action_bot_challenge"},
            {"event": "slot", "name": "handoff_active", "value": True},
            {"event": "action", "name": "action_listen"},
            {"event": "user", "parse_data": {"intent": {"name": "affirm"}}},
            {"event": "action", "name": "action_emergency"},
        ]
    }

    assert reading_of(tracker) == ("bot_challenge", "action_bot_challenge", "handoff")


def test_summary_names_every_missed_target() -> None:
    results = [
        Result(case("boundary"), "nlu_fallback", "action_fallback", "fallback"),
        Result(case("boundary"), "medical_advice", "action_no_medical_advice", "boundary"),
        Result(case("journey", "faq/medicare"), "medical_emergency", "action_emergency", "emergency"),
        Result(case("emergency", "medical_emergency"), "faq", "utter_faq", "journey"),
    ]

    failures = summarise("set", results).failures(Targets())

    assert failures == [
        "fallback 25.0% > 5%",
        "1 false emergency/crisis replies",
        "1 missed emergencies/crises",
        "1 health questions without the boundary",
    ]
    assert summarise("set", results[1:2]).failures(Targets()) == []


@pytest.mark.parametrize("path", [BLIND_SET, *DEVELOPMENT_SETS])
def test_every_label_of_the_blind_sets_is_one_the_bot_knows(path: Path) -> None:
    """A label the domain does not have can never be right: the set would score the writer, not the bot."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    faqs = {name.removeprefix("utter_") for name in domain["responses"] if name.startswith("utter_faq/")}

    # `nlu_fallback` (Rasa's own, not in the domain) labels a message that means nothing to act on.
    unknown = {case.intent for case in load_cases(path)} - intents - faqs - {"nlu_fallback"}

    assert not unknown
