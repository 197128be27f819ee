"""Builds NLU components and messages the way Rasa's prediction graph does."""
from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import pytest
import rasa.model_training
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


def train_project(project: Path, domain: str, config: str, data: str) -> str:
    """Train a tiny Rasa project written into `project`; its own cache, no telemetry. The model path."""
    for name, content in {"domain.yml": domain, "config.yml": config, "data.yml": data}.items():
        (project / name).write_text(content)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RASA_CACHE_DIRECTORY", str(project / "cache"))
        patch.setenv("RASA_TELEMETRY_ENABLED", "false")
        result = rasa.model_training.train(
            str(project / "domain.yml"),
            str(project / "config.yml"),
            [str(project / "data.yml")],
            output=str(project / "models"),
            fixed_model_name="model",
        )
    assert result.code == 0
    return str(result.model)
