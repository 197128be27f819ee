"""The records-request form's questions, and turning answers into the letter's fields.

Prompts (domain.yml, `utter_ask_<slot>`) are worded so each asks exactly one thing; people
answering on a phone should never wonder which part of a message they are replying to.
"""

from __future__ import annotations

from bot.logic import letters

SKIP = "skip"

# The form's questions, in the order it asks them; their wording and buttons are the domain's
# `utter_ask_<slot>` responses, which Rasa sends itself (no action server round trip).
SLOTS = ("provider", "record_types", "date_range", "record_format", "delivery", "patient_name", "date_of_birth")

EXPLANATIONS: dict[str, str] = {
    "provider": "The letter is addressed to whoever holds the records: usually the clinic or hospital, not one doctor.",
    "record_types": (
        "A second-opinion doctor needs the raw material, not just summaries: pathology slides and "
        "scan images let them look again with their own eyes."
    ),
    "date_range": 'Limiting the dates can make the request faster; "all dates" makes sure nothing is missed.',
    "record_format": (
        "You have the right to an electronic copy if the records are electronic and it's readily possible."
    ),
    "delivery": "Tell them where to send the copies. Email is fastest; slides usually go by courier to the new doctor.",
    "patient_name": "The clinic uses the name and birth date to find the right chart.",
    "date_of_birth": "The clinic uses the name and birth date to find the right chart.",
}


# What "not sure" means for each question, so the letter never says "Dates: not sure". The clinic
# cannot be guessed (None: asked again, with where to find it); the rest take the choice that
# misses nothing ("all of them", "all dates") or leave a line to fill in by hand (SKIP).
WHEN_NOT_SURE: dict[str, object | None] = {
    "provider": None,
    "record_types": list(letters.RECORD_TYPES),
    "date_range": "All dates",
    "record_format": SKIP,
    "delivery": SKIP,
    "patient_name": SKIP,
    "date_of_birth": SKIP,
}
PROVIDER_HINT = (
    "The name of the hospital or clinic is on your bills, your patient portal or an appointment "
    "letter. Dr. Lee at Mercy Hospital, or just the clinic's name, is enough."
)


def unskipped(value: str | None) -> str | None:
    """The letter leaves a blank line for skipped details."""
    return None if value in (None, SKIP) else value
