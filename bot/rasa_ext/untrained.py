"""What the project's NLU components share: each is built from its config alone, never trained.

Rasa builds a graph component with ``create(config, model_storage, resource, execution_context)``
for training and prediction alike (``load`` falls back to ``create``). The storage and the
resource are where a trained component keeps and finds what it learned; none of ours learns
anything, so ``create`` is written once here and a component only says how it is built from its
config and the graph it runs in (``_from_config``; by default with no arguments).
"""
from __future__ import annotations

from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

C = TypeVar("C", bound="UntrainedComponent")


class UntrainedComponent(GraphComponent):
    """A graph component that nothing is stored for: ``create`` hands over to ``_from_config``.

    Listed before a Rasa base class (``SpacyNLP``), its ``create`` is the one Rasa calls.
    """

    @classmethod
    def create(
        cls: type[C],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> C:
        """The component ``_from_config`` builds; nothing to read from the storage."""
        return cls._from_config(config, execution_context)

    @classmethod
    def _from_config(cls: type[C], config: dict[str, Any], execution_context: ExecutionContext) -> C:
        """The component for ``config`` (defaults merged in) in the graph ``execution_context`` runs."""
        return cls()
