"""The action server's process holds the actions and spaCy, but not TensorFlow (issue 14: memory).

How much memory that saves is a benchmark figure (`make bench-load` prints each process's RSS),
not asserted here: a first run that builds the spaCy pipeline peaks far higher than a later one.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bot.settings import PROJECT_ROOT

# What `main` does before it builds the app, then a look at what the process holds after the
# actions are registered and the vocabulary (spaCy) has read a message.
PROBE = """
import json, sys
from bot.servers import action_server
action_server.without_tensorflow()
app = action_server.create_app("probe-token")
from bot.logic import vocabulary
mentions = vocabulary.find_mentions("my mom has stage 2 brest cancer and they want chemo")
print(json.dumps({
    "tensorflow": sys.modules.get("tensorflow") is not None,
    "mentions": sorted({m.value for m in mentions}),
}))
"""


def test_the_action_server_runs_its_actions_and_spacy_without_loading_tensorflow() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    held = json.loads(probe.stdout.strip().splitlines()[-1])

    assert held["tensorflow"] is False
    assert held["mentions"] == ["breast cancer", "chemotherapy", "mom"]
