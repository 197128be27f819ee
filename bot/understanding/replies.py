"""Short replies whose meaning is the bot's last question: "ok", "yes please", "forget it".

A bare "ok" right after "Shall I save it?" is a yes, even when the classifier cannot tell it from
"ok bye"; "ok stop the quiz please" in the middle of a form only means "leave this form". Both
readings need the whole message to be that reply, so a longer message with other words in it
stays the classifier's.
"""

from __future__ import annotations

import re

# A whole message that only agrees: "ok", "kk", "sure", "yes please", "go ahead", "do it".
_BARE_OK = re.compile(
    r"^\W*(?:ok(?:ay|ie)?|k{1,2}|sure|yes|yeah|yea|yep|yup|ya|alright|all\s+right|sounds\s+good|go\s+ahead"
    r"|please|pls|do\s+it)(?:\W+(?:ok(?:ay)?|sure|yes|please|pls|thanks|thank\s+you|ty))*\W*$",
    re.IGNORECASE,
)
# A whole message that only says "leave this form": "forget about the letter", "ok stop the quiz
# please". A form's free-text answers (a clinic, dates, a name) never look like this, so a stop the
# classifier is only fairly sure of still interrupts; "Stop & Shop pharmacy" does not match.
_LEAVE_FORM = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|please|pls|actually|no|just|can\s+we|let'?s|i\s+want\s+to)\W+)*"
    r"(?:stop|cancel|quit|exit|abort|forget|never\s*mind|nevermind|nvm|drop|pause)\b"
    r"(?:\s+(?:about|with|doing|asking))?"
    r"(?:\s+(?:it|this|that|these|them|(?:all|with)\s+(?:this|that)|me|the\s+(?:\w+\s+)?(?:letter|form|quiz|"
    r"questions?|questionnaire|request|assessment|whole\s+thing)))?"
    r"(?:\s+(?:please|pls|plz|for\s+now|now|then|already|thanks|thx))*\W*$",
    re.IGNORECASE,
)


def is_bare_ok(text: str) -> bool:
    """Whether the whole reply is an agreement and nothing else ("ok", "yes please", "sure thanks")."""
    return _BARE_OK.match(text) is not None


def says_leave_form(text: str) -> bool:
    """Whether the whole message only asks to stop the form ("never mind the letter", "cancel pls")."""
    return _LEAVE_FORM.match(text) is not None
