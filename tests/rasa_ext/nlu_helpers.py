"""Builds NLU components and messages the way Rasa's prediction graph does."""
from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

C = TypeVar("C", bound=GraphComponent)


def build(component: type[C], tmp_path: Path, **config: Any) -> C:
    """`create` with the defaults overridden by `config`, as a graph node does."""
    return component.create(  # type: ignore[return-value]
        {**component.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource(component.__name__),
        ExecutionContext(GraphSchema({}), "test-model"),
    )


def user_message(text: str, **data: Any) -> Message:
    """What NLUMessageConverter hands to the first pipeline component, plus `data`."""
    return Message(data={TEXT: text, **data}, output_properties={TOKENS_NAMES[TEXT]})
