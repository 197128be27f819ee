"""Medical-advice requests: no answer from the bot, but a better question for the doctors.

The assistant is not a clinician and never knows a person's full history, so it must not answer
"should I do chemo?". This is the refusal it gives; `bot.understanding.advice` recognises such
requests and turns the person's words into a question their doctors can answer.
"""

from __future__ import annotations

NO_ADVICE_MESSAGE = (
    "That's an important question, but I can't answer it for you. I'm a virtual advocate, not a "
    "doctor or nurse, and I don't know your full history, test results or scans - so an answer "
    "from me could be wrong for you. This is exactly what your doctors are for, and it's a great "
    "question to bring to your second-opinion visit."
)
