"""Short replies whose meaning is the bot's last question: "2", "save 1 and 3", "all of them", "ok".

config.yml::

    policies:
      - name: bot.rasa_ext.choice_policy.ChoicePolicy

After "Here are some good questions to bring: 1. ... 5." or "Which one should I remove?", a
reply like "2", "the first one", "1,3" or "all of them" means "those items". No intent can carry
that: a bare number has no meaning of its own, and the classifier rightly gives it low confidence
(so it would end in "Sorry, I didn't understand"). The meaning comes from the turn before, which a
policy can see. So when the bot's last turn opened a choice (`pending_confirmation` set in that
turn: `bot.logic.pending.asked_last_turn`, the same rule the actions use) and the whole reply only picks items
(`bot.understanding.numbers.is_number_reference` / `is_pick_of_all`), this predicts the action that takes
the pick. Anything else ("is stage 2 curable?", "delete all my data") is left to the other
policies. Safety and the human handoff still come first: HandoffPolicy's predictions are flagged
`is_no_user_prediction`, which beats this one, and no choice is read inside a form.

A bare "ok" is the same kind of reply: said right after "Want help requesting your records?" or
"Shall I save it?", it is a yes, even when the classifier cannot tell it from "ok bye" (the
FallbackClassifier then asks to rephrase). It never confirms an erase or clearing the list: those
need a yes the classifier is sure of, or the button.

After "what's the question? Type it and I'll save it." (`pending.QUESTION_TEXT`) the next message is the
question, whatever the classifier makes of it: "does tamoxifen cause hot flashes" is a medical
question (and "what is a PET scan" an FAQ) to the classifier, but here it is what to save. Only the
intents a question lands on are taken (`Kind.typed_text`): a "no", "talk to a person", "show my
list" or a crisis keeps its own meaning. Which reply does what, per kind: `bot.logic.pending.KINDS`.

The policy owns the turns it starts: once its action ran it predicts `action_listen`, because the
rules, written for the intents, know no state "a pick, then its action" and Rasa would otherwise
fall back to `action_fallback` in that unseen state.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, InvalidDomain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.logic import pending
from bot.rasa_ext.sure_policy import SurePolicy
from bot.understanding import numbers, replies

PENDING_SLOT = pending.SLOT
CONFIRM_ACTION = pending.CONFIRM_ACTION


def choice_opened_last_turn(tracker: DialogueStateTracker) -> str | None:
    """The `pending_confirmation` the bot set between the previous message and the latest one."""
    return pending.asked_last_turn(
        pending.Step(isinstance(event, UserUttered), event.key if isinstance(event, SlotSet) else None,
                     event.value if isinstance(event, SlotSet) else None)  # fmt: skip
        for event in reversed(tracker.events)
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class ChoicePolicy(SurePolicy):
    """Predicts the action that takes a numbered pick, right after the bot offered the choice.

    Confidence 1.0 at priority RulePolicy + 1 (`SurePolicy`) wins over the fallback rule a bare
    "2" would otherwise trigger; it is not flagged `is_no_user_prediction`, so HandoffPolicy
    (safety, the handoff) and an active form (RulePolicy's flagged loop prediction) still win over it.
    """

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Learns nothing; checks the domain has the slot and actions, so `rasa train` fails early."""
        if PENDING_SLOT not in {slot.name for slot in domain.slots}:
            raise InvalidDomain(f"{self.__class__.__name__} needs a slot '{PENDING_SLOT}' in the domain.")
        actions = {CONFIRM_ACTION}
        for kind in pending.KINDS.values():
            actions |= set(kind.picks or ()) | ({kind.typed_text[0]} if kind.typed_text else set())
        missing = sorted(actions - set(domain.action_names_or_texts))
        if missing:
            raise InvalidDomain(f"{self.__class__.__name__}: actions not in the domain: {', '.join(missing)}.")
        return self._resource

    def _action(self, tracker: DialogueStateTracker) -> str | None:
        """The action for the reply, `action_listen` once that action ran, or None."""
        if tracker.active_loop_name:
            return None
        answer = self._answer(tracker)
        if answer is None:
            return None
        ran = actions_since_latest_message(tracker)
        if not ran:
            return answer
        return ACTION_LISTEN_NAME if ran == [answer] else None

    @staticmethod
    def _answer(tracker: DialogueStateTracker) -> str | None:
        """What the latest message answers to the bot's last question, if it is a short reply to it."""
        text = (tracker.latest_message.text if tracker.latest_message else None) or ""
        if not text or text.startswith("/"):  # a button press says what it means
            return None
        kind = pending.KINDS.get(choice_opened_last_turn(tracker) or "")
        if kind is None:
            return None
        if kind.picks is not None and numbers.is_number_reference(text):
            return kind.picks[0]
        if kind.picks is not None and numbers.is_pick_of_all(text):
            return kind.picks[1]
        if kind.ok_is_yes and replies.is_bare_ok(text):
            return CONFIRM_ACTION
        intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
        if kind.typed_text is not None and intent in kind.typed_text[1]:
            return kind.typed_text[0]
        return None


def actions_since_latest_message(tracker: DialogueStateTracker) -> list[str]:
    """The actions run since the latest user message, in order (none right after it)."""
    names: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name and event.action_name != ACTION_LISTEN_NAME:
            names.append(event.action_name)
    return names[::-1]
