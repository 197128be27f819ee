"""What the bot says when a message shows a risk: the crisis and the emergency replies.

Reading the risk is `bot.understanding.risk.detect_risk` ("self_harm", "emergency" or None), run
on every message in every state by the safety override; these are the replies the two
situations get. The crisis reply gives 988 first, then 911 and a human; the emergency reply says
to call 911 now and not to wait for a second opinion (the brief: do not delay emergency care).
"""

from __future__ import annotations

CRISIS_MESSAGE = (
    "Please call or text 988 now to reach the Suicide & Crisis Lifeline (free, 24/7). "
    "If you or someone with you is in immediate danger, call 911.\n"
    "I'm really glad you told me. You don't have to go through this alone. "
    "I can also connect you with a human advocate right now if you'd like."
)
EMERGENCY_MESSAGE = (
    "This sounds like a medical emergency. Call 911 now, or go to the nearest emergency room. "
    "Don't wait for a second opinion: get emergency care first. "
    "A second opinion can come later, and I'll be here when you're ready."
)
