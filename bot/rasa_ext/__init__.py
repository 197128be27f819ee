"""Rasa 3.6 extensions: the NLU components, the handoff policy and the tracker store.

`config.yml` and `endpoints.yml` name these classes by module path; Rasa imports them with the
working directory on `sys.path`, so `rasa train` / `rasa run` must be started from the repository
root.
"""
from __future__ import annotations

# The action that erases a person (actions/privacy.py); the tracker store drops the stored history
# when it saves a turn that ran it, and the web app runs it through Rasa's API (no Rasa import).
ERASE_ACTION_NAME = "action_erase_data"
