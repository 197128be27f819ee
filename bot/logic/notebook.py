"""The question notebook's list, as the person sees it.

Reading what people type into the notebook (the questions in a "save this" message, numbers,
edits) lives in `bot.understanding.questions` and `bot.understanding.numbers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def format_question_list(questions: Iterable[Mapping[str, object]]) -> str:
    """A plain numbered list of saved questions for chat, SMS and Slack alike.

    No markdown, because SMS shows it literally; the numbers are the ones `parse_number` expects.
    """
    lines = [f"{index}. {question['text']}" for index, question in enumerate(questions, start=1)]
    return "\n".join(lines) if lines else "Your question list is empty."
