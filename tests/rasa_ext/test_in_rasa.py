"""All four extensions inside real Rasa: a tiny model is trained and served by an Agent.

This is what the unit tests cannot show: that Rasa's graph validation accepts the components,
that the recipe wires them in config.yml order, that HandoffPolicy wins inside the processor's
prediction loop, and that the processor stores through DatabaseUrlTrackerStore.
No action server: the handoff slot is set the way the Rasa HTTP API appends events.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.events import ActionExecuted, SlotSet

from bot.rasa_ext.handoff_policy import HANDOFF_SLOT, HandoffPolicy
from bot.rasa_ext.tracker_store import DatabaseUrlTrackerStore
from tests.rasa_ext.nlu_helpers import train_project

pytestmark = pytest.mark.slow

DOMAIN = f"""
version: "3.1"
intents: [greet, crisis_self_harm, medical_emergency, nlu_fallback]
entities: [condition, treatment, relation, topic]
slots:
  {HANDOFF_SLOT}:
    type: bool
    influence_conversation: false
    mappings: [{{type: custom}}]
responses:
  utter_greet: [{{text: "Hi!"}}]
  utter_crisis: [{{text: "Call or text 988."}}]
  utter_emergency: [{{text: "Call 911 now."}}]
  utter_default: [{{text: "Sorry?"}}]
"""
CONFIG = """
recipe: default.v1
language: en
assistant_id: rasa-ext-test
pipeline:
  - name: WhitespaceTokenizer
  - name: KeywordIntentClassifier
  - name: bot.rasa_ext.vocabulary_extractor.VocabularyEntityExtractor
  - name: FallbackClassifier
    threshold: 0.7
  - name: bot.rasa_ext.safety_override.SafetyIntentOverride
policies:
  - name: bot.rasa_ext.handoff_policy.HandoffPolicy
    safety_actions: {crisis_self_harm: utter_crisis, medical_emergency: utter_emergency}
  - name: RulePolicy
"""
DATA = """
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hello
      - hi
  - intent: crisis_self_harm
    examples: |
      - suicidal
  - intent: medical_emergency
    examples: |
      - emergency
rules:
  - rule: greet
    steps: [{intent: greet}, {action: utter_greet}]
  - rule: crisis
    steps: [{intent: crisis_self_harm}, {action: utter_crisis}]
  - rule: emergency
    steps: [{intent: medical_emergency}, {action: utter_emergency}]
  - rule: fallback
    steps: [{intent: nlu_fallback}, {action: utter_default}]
"""


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> str:
    return train_project(tmp_path_factory.mktemp("project"), DOMAIN, CONFIG, DATA)


@pytest.fixture
def agent(model: str, tmp_path: Path) -> Iterator[Agent]:
    store = DatabaseUrlTrackerStore(host=f"sqlite:///{tmp_path / 'var' / 'advocate.db'}")
    yield Agent.load(model, tracker_store=store)
    store.engine.dispose()


async def say(agent: Agent, sender_id: str, text: str) -> list[str]:
    return [message["text"] for message in await agent.handle_text(text, sender_id=sender_id)]


async def set_handoff(agent: Agent, sender_id: str, active: bool) -> None:
    """What `POST /conversations/{id}/tracker/events` (and the handoff action) amounts to."""
    tracker = await agent.tracker_store.retrieve(sender_id)
    assert tracker is not None
    tracker.update(SlotSet(HANDOFF_SLOT, active))
    await agent.tracker_store.save(tracker)


@pytest.mark.asyncio
async def test_nlu_components_in_the_pipeline(agent: Agent) -> None:
    parsed = await agent.parse_message("my mom has stage 2 brest cancer, I want to kill myself")
    payload = await agent.parse_message("/greet")

    assert parsed["intent"] == {"name": "crisis_self_harm", "confidence": 1.0}
    assert {(e["entity"], e["value"], e["extractor"]) for e in parsed["entities"]} == {
        ("relation", "mom", "VocabularyEntityExtractor"),
        ("condition", "breast cancer", "VocabularyEntityExtractor"),
    }
    assert payload["intent"] == {"name": "greet", "confidence": 1.0}


@pytest.mark.asyncio
async def test_silent_during_handoff_except_for_safety(agent: Agent) -> None:
    sender_id = f"person-{uuid.uuid4().hex}"
    assert await say(agent, sender_id, "hello") == ["Hi!"]

    await set_handoff(agent, sender_id, True)
    assert await say(agent, sender_id, "hello") == []
    assert await say(agent, sender_id, "what is this thing") == []  # not even the fallback
    assert await say(agent, sender_id, "/greet") == []
    assert await say(agent, sender_id, "I want to kill myself") == ["Call or text 988."]
    assert await say(agent, sender_id, "my chest hurts and I cant breathe") == ["Call 911 now."]
    assert await say(agent, sender_id, "hello") == []

    await set_handoff(agent, sender_id, False)
    assert await say(agent, sender_id, "hello") == ["Hi!"]

    tracker = await agent.tracker_store.retrieve(sender_id)
    assert tracker is not None
    listened_by_handoff = [
        event
        for event in tracker.events
        if isinstance(event, ActionExecuted)
        and event.policy
        and event.policy.endswith(HandoffPolicy.__name__)
        and event.action_name == "action_listen"
    ]
    assert len(listened_by_handoff) == 4
    safety_by_policy = [
        event.action_name
        for event in tracker.events
        if isinstance(event, ActionExecuted) and event.policy and event.policy.endswith(HandoffPolicy.__name__)
        and event.action_name != "action_listen"
    ]
    assert safety_by_policy == ["utter_crisis", "utter_emergency"]
