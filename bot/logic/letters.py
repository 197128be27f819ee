"""The medical-records request: what to ask for, a ready-to-send letter, and the rules behind it.

A second opinion is only as good as the records the new doctor sees, and pathology slides and
original images are what get missed most often. The HIPAA Right of Access (45 CFR 164.524) gives
people a firm footing: 30 calendar days, the format they ask for when readily producible, and only a
reasonable cost-based fee. The letter cites those rules so the person doesn't have to argue them.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.logic import vocabulary

# Ordered as a records office thinks of them; the labels are what the person sees in chat.
RECORD_TYPES: dict[str, str] = {
    "visit_notes": "Office and visit notes",
    "pathology": "Pathology reports AND the original pathology slides/blocks",
    "imaging": "Imaging reports AND the images themselves (on a disc or by secure link)",
    "labs": "Lab results",
    "operative_notes": "Operative and procedure notes",
    "medications": "Medication list (including supplements)",
    "treatment_plan": "The proposed treatment plan",
    "discharge_summaries": "Hospital discharge summaries",
    "billing": "Billing records",
}

# The wording used in the letter itself: reports alone are not enough for a second opinion.
_LETTER_LINES = {
    "visit_notes": "Office and visit notes, including consultation notes",
    "pathology": "Pathology reports, including the original slides (and tissue blocks or recut "
    "slides, if the second-opinion pathologist needs them)",
    "imaging": "Imaging reports, including the original images (for example on a disc or by "
    "secure link), not only the written reports",
    "labs": "Lab results, including any genetic or biomarker test results",
    "operative_notes": "Operative and procedure notes",
    "medications": "My current medication list",
    "treatment_plan": "The proposed treatment plan",
    "discharge_summaries": "Hospital discharge summaries",
    "billing": "Billing records",
}

BLANK = "________________"
RESPONSE_DAYS = 30
FLAT_FEE_LIMIT = "$6.50"
OCR_COMPLAINT_URL = "https://www.hhs.gov/ocr/complaints"

RIGHTS_SUMMARY = (
    "Your right to your records (HIPAA, 45 CFR 164.524):\n"
    "- You have a legal right to a copy of your medical records, including test results, "
    "pathology reports and images. You don't have to give a reason, and they can't demand one.\n"
    "- They must respond within 30 calendar days. They can take 30 more days only once, and only "
    "if they tell you in writing why and when you'll get them.\n"
    "- If the records are kept electronically, you can ask for an electronic copy in the format "
    "you want, if they can readily produce it.\n"
    "- They may charge only a reasonable, cost-based fee (copying labor, supplies, postage) - no "
    "fee for searching or pulling your records. For electronic copies of electronic records they "
    "can use a flat fee of up to $6.50. They should tell you the cost in advance.\n"
    "- Psychotherapy notes are not covered by this right."
)

def records_request_letter(
    *,
    patient_name: str | None,
    date_of_birth: str | None,
    provider: str,
    record_types: list[str] | None,
    date_range: str | None,
    record_format: str | None,
    delivery: str | None,
    today: date,
) -> str:
    """A complete, polite and firm request letter the person can send as it is.

    It names the law (45 CFR 164.524), the 30-day limit and the fee rules, and asks for slides and
    images as well as reports. Missing name or birth date become blank lines to fill in by hand,
    because some people won't type them into a chat; no record types means all of them.
    """
    chosen = set(record_types or ())
    codes = [code for code in RECORD_TYPES if code in chosen] or list(RECORD_TYPES)
    name = _filled(patient_name)
    lines = [
        f"{today:%B} {today.day}, {today.year}",
        "",
        f"To: {_filled(provider)}",
        "Attention: Medical Records / Health Information Management",
        "",
        "Re: Request for access to my health information under HIPAA (45 CFR 164.524)",
        "",
        f"Patient name: {name}",
        f"Date of birth: {_filled(date_of_birth)}",
        "",
        "Dear Medical Records team,",
        "",
        "I am asking for a copy of my health information, as is my right under the HIPAA Privacy "
        "Rule (45 CFR 164.524). I am getting a second medical opinion, and I need these records:",
        "",
        *[f"  - {_LETTER_LINES[code]}" for code in codes],
        "",
        f"Dates: {date_range.strip() if date_range and date_range.strip() else 'all dates'}",
    ]
    if "pathology" in codes:
        lines += [
            "",
            "The slides and blocks themselves are usually lent to the pathology department of the "
            "doctor giving the second opinion. Please tell me what you need from me to arrange "
            "that.",
        ]
    lines += ["", *_format_paragraph(record_format), "", *_delivery_paragraph(delivery)]
    lines += [
        "",
        f"Under 45 CFR 164.524(b)(2), you must act on this request within {RESPONSE_DAYS} calendar "
        "days of receiving it. If you need more time, you may take one extension of up to 30 days, "
        "but only if you tell me in writing, within the first 30 days, the reason and the date I "
        "will get the records. Because I am waiting for a second opinion, I would be grateful to "
        "receive them sooner if you can.",
        "",
        "Please charge only the reasonable, cost-based fee HIPAA allows (45 CFR 164.524(c)(4)): "
        "the cost of labor for making the copies, supplies and postage. No fees for searching for "
        "or retrieving my records may be charged. For electronic copies of records you keep "
        f"electronically, you may instead charge a flat fee of no more than {FLAT_FEE_LIMIT}. Please "
        "tell me the fee in advance, before you make the copies.",
        "",
        "If you need me to use your own request form, please send it to me right away so there is "
        "no delay. If you deny any part of this request, please tell me in writing and explain why.",
        "",
        "Thank you for your help.",
        "",
        "Sincerely,",
        "",
        "",
        f"Signature: {BLANK}{BLANK}",
        f"Printed name: {name}",
        f"Phone or email: {BLANK}",
    ]
    return "\n".join(lines)


def caregiver_note(relation: str) -> str:
    """For someone requesting a family member's records: who signs, and how the copies reach them.

    The right of access is the patient's (45 CFR 164.524). A personal representative, such as an
    agent under a health care power of attorney or the parent of a minor, has the same right
    (164.502(g)); otherwise the patient signs and may direct the copies to someone else in writing
    (164.524(c)(3)(ii)). A caregiver who sends the letter in their own name is simply refused.
    """
    who = vocabulary.relation_display(relation)
    pronouns = vocabulary.relation_pronouns(relation)
    return (
        f"Because these are {who}'s records, the letter is written for {pronouns['object']} to sign. "
        f"If you have the legal right to act for {pronouns['object']} (for example a health care power of "
        "attorney, or as the parent of a child), you can sign it yourself and attach a copy of that paper. "
        f"Or {pronouns['subject'].lower()} can sign it and add a line asking the office to send the copies to you."
    )


def follow_up_advice(created: date, today: date) -> str:
    """What to expect, or what to do next, given how long ago the request was made.

    Before day 30 the honest answer is "wait, they have time"; after it, a polite nudge that cites
    the rule usually works, and a complaint to the HHS Office for Civil Rights is the next step.
    """
    elapsed = max((today - created).days, 0)
    deadline = created + timedelta(days=RESPONSE_DAYS)
    extended = created + timedelta(days=2 * RESPONSE_DAYS)
    so_far = (
        "You made your request today."
        if elapsed == 0
        else f"It has been {elapsed} day{'s' if elapsed != 1 else ''} since you made your request."
    )
    if elapsed <= RESPONSE_DAYS:
        left = RESPONSE_DAYS - elapsed
        when = "today" if left == 0 else f"{left} day{'s' if left != 1 else ''} from now"
        return (
            f"{so_far} They have up to 30 calendar days from when they receive it - about "
            f"{_day(deadline)} ({when}). They can take 30 "
            "more days only once, and only if they tell you in writing why and by when. It's fine "
            "to call the records office to check they got your letter and ask when it will be "
            "ready."
        )
    steps = (
        "1. Call or write to the records office. Give the date you sent your request, mention "
        "45 CFR 164.524 and the 30-day limit, and ask for the date they will send your records.\n"
        "2. If they still don't send them, you can file a complaint with the HHS Office for Civil "
        f"Rights at {OCR_COMPLAINT_URL} (within 180 days). It's free, and you can do it online."
    )
    if elapsed <= 2 * RESPONSE_DAYS:
        return (
            f"{so_far} That's past the 30-day limit, unless they sent you a written notice of an "
            f"extension - then they have until about {_day(extended)}. If you got no such notice, "
            f"here's what you can do:\n{steps}"
        )
    return (
        f"{so_far} That's past the 30-day limit and past the only extension they could take "
        f"(about {_day(extended)}). Here's what you can do:\n{steps}"
    )


def _format_paragraph(record_format: str | None) -> list[str]:
    """The format request; electronic wording cites the readily-producible rule."""
    electronic = (
        "Please send an electronic copy. Where my records are kept electronically, 45 CFR "
        "164.524(c)(2) requires you to provide them in the electronic form and format I ask for "
        "if it is readily producible. PDF files are fine for documents; for images, please "
        "include the original image files (DICOM)."
    )
    code = (record_format or "").strip()
    if code == "electronic":
        return [electronic]
    if code == "paper":
        return ["Please send paper copies."]
    if code == "disc":
        return [
            "Please put the records and images on a CD or DVD (or a USB drive). Under 45 CFR "
            "164.524(c)(2), I may ask for the form and format I need when it is readily producible."
        ]
    if code:
        return [
            f"Format I'd like: {code}. (45 CFR 164.524(c)(2): the form and format I ask for, if " "readily producible.)"
        ]
    return [
        "An electronic copy is best if possible (45 CFR 164.524(c)(2): the electronic form and "
        "format I ask for, if readily producible); otherwise, paper copies."
    ]


def _delivery_paragraph(delivery: str | None) -> list[str]:
    text = (delivery or "").strip()
    if not text:
        return [f"Please send the records to me here: {BLANK}{BLANK}"]
    lines = [f"How to send them: {text}."]
    if text.lower().startswith("by email"):
        lines.append(
            "I understand that regular email may not be encrypted, and I still ask you to send " "the records this way."
        )
    return lines


def _filled(value: str | None) -> str:
    return value.strip() if value and value.strip() else BLANK


def _day(value: date) -> str:
    return f"{value:%B} {value.day}"
