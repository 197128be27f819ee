"""The second-opinion recommendation: a small, reviewable table of rules, and how it is said.

The brief asks for a transparent result: always one of three levels, always with the reasons in
plain words, and the same answers always giving the same result. So the rules are a table (see
`recommend`) rather than a score, and every rule that fires contributes one reason the person
(and their advocate) can read and question. The questions that collect the answers are
`bot.logic.assessment`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.logic import vocabulary
from bot.logic.assessment import NOT_SURE, OPTIONAL, RECOMMENDED, STRONGLY_RECOMMENDED

_SERIOUS_LONG_TERM = frozenset({"cardiac", "neurological", "autoimmune"})
_STRONG_TREATMENTS = frozenset({"experimental", "high_risk", "transplant"})
_INTENSE_TREATMENTS = frozenset({"chemotherapy", "radiation"})

EMERGENCY_NOTE = (
    "If this is an emergency, don't wait for a second opinion: call 911 or go to the nearest "
    "emergency room now (Medicare.gov says not to delay emergency care). A second opinion can "
    "come after."
)


@dataclass
class Recommendation:
    """The result: a level, one plain-language reason per rule that fired, and an urgent-care note.

    `emergency_note` is set when treatment is needed right away; the caller sends it as its own
    message before the recommendation, so it is never buried in the reasons.
    """

    level: str
    reasons: list[str] = field(default_factory=list)
    emergency_note: str | None = None


def _known(value: Any) -> str | None:
    """A real name, or None for a missing answer or "not sure"."""
    if not isinstance(value, str) or not value.strip() or value == NOT_SURE:
        return None
    return value.strip()


def _resolve(answers: Mapping[str, Any], entity: str) -> tuple[str | None, str | None]:
    """(name, category) of the condition or treatment answer.

    The name is canonical when the vocabulary knows it, else the person's words (None for a
    missing or "not sure" answer). The category is the caller's `<entity>_category` when that key
    is present (even None), else the vocabulary's.
    """
    name = _known(answers.get(entity))
    mention = vocabulary.lookup(entity, name) if name else None
    key = f"{entity}_category"
    category = answers.get(key, mention.category if mention else None)
    return (mention.value if mention else name), category


def _cap(text: str) -> str:
    """First letter upper case, the rest as written (keeps "HER2" and the person's own words)."""
    return text[:1].upper() + text[1:]


def _cap_or(name: str | None, default: str) -> str:
    """The name opening a sentence ("Keytruda may be ..."), or `default` ("This medicine") when unknown."""
    return _cap(name) if name else default


def _a(phrase: str) -> str:
    """"a lung cancer" / "an ovarian cancer": the article plain English needs."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def _like(kind: str, name: str | None, article: bool = True) -> str:
    """"A major surgery like knee replacement", or just "A major surgery" when that is the name.

    `article=False` for words used without one ("Surgery like lumpectomy").
    """
    subject = _cap(_a(kind)) if article else _cap(kind)
    return subject if not name or name.lower() == kind else f"{subject} like {name}"


@dataclass(frozen=True)
class _Case:
    """What the rules read: the answers, and the condition and treatment with their categories."""

    answers: Mapping[str, Any]
    condition: str | None
    treatment: str | None
    condition_category: str | None
    treatment_category: str | None

    @classmethod
    def of(cls, answers: Mapping[str, Any]) -> _Case:
        """The case for the assessment's answers, names and categories resolved (see `_resolve`)."""
        condition, condition_category = _resolve(answers, "condition")
        treatment, treatment_category = _resolve(answers, "treatment")
        return cls(answers, condition, treatment, condition_category, treatment_category)


def _strong_reasons(case: _Case) -> list[str]:
    """The reasons of the rules that make a second opinion strongly recommended."""
    reasons = []
    if case.condition_category == "cancer":
        reasons.append(
            f"{_cap(_a(case.condition or 'cancer'))} diagnosis means big treatment choices. For "
            "most cancers there is usually time to get another opinion before treatment starts "
            "(American Cancer Society)."
        )
    if case.treatment_category == "major_surgery":
        reasons.append(
            f"{_like('major surgery', case.treatment)} can't be undone, so it is worth a second look "
            "first. Medicare Part B covers a second opinion before a planned surgery."
        )
    if case.treatment_category == "major_procedure":
        reasons.append(
            f"{_like('major procedure', case.treatment)} is a big step that is hard to undo. Medicare "
            "Part B covers a second opinion before a planned major procedure."
        )
    if case.condition_category == "rare" or case.answers.get("rare_condition") == "yes":
        subject = f"Rare conditions like {case.condition}" if case.condition else "Rare conditions"
        reasons.append(
            f"{subject} are harder to diagnose and treat, because most doctors see only a few "
            "cases. A specialist who sees many of them can add a lot."
        )
    if case.treatment_category in _STRONG_TREATMENTS:
        kind = {
            "experimental": "an experimental treatment, still being tested",
            "high_risk": "a high-risk treatment",
            "transplant": "a transplant, a big and lasting step with serious risks",
        }[case.treatment_category]
        reasons.append(
            f"{_cap_or(case.treatment, 'The treatment')} is {kind}. Another expert can "
            "check it is the best choice and explain the other options."
        )
    certainty = case.answers.get("diagnosis_certainty")
    if certainty == "uncertain":
        reasons.append(
            "The doctors are not sure about the diagnosis yet. A second look often helps: in a "
            "Mayo Clinic study, the diagnosis changed for about 1 in 5 people (21%) and got more "
            "exact for 2 in 3 (66%)."
        )
    if certainty == "disagree":
        reasons.append(
            "The doctors don't agree. Another opinion can help settle it, and Medicare Part B even "
            "covers a third opinion when the first two differ."
        )
    return reasons


def _recommended_reasons(case: _Case) -> list[str]:
    """The reasons of the rules that make a second opinion recommended."""
    treatment, treatment_category = case.treatment, case.treatment_category
    reasons = []
    if case.answers.get("condition") == NOT_SURE:
        reasons.append(
            "You're not sure what the diagnosis is yet. Ask the doctor to write it down; a second "
            "opinion can check it and explain it in plain words."
        )
    if case.condition_category in _SERIOUS_LONG_TERM:
        reasons.append(
            f"{_cap_or(case.condition, 'This condition')} can affect health for years, so "
            "choices made now matter. Another expert view is worth it."
        )
    if treatment_category == "surgery":
        reasons.append(
            f"{_like('surgery', treatment, article=False)} can't be undone. Medicare Part B covers a second "
            "opinion before a planned surgery."
        )
    if treatment_category in _INTENSE_TREATMENTS:
        reasons.append(
            f"{_cap_or(treatment, 'This treatment')} is a strong treatment with real "
            "side effects. It's reasonable to check it is the best plan. In one large study, second "
            "opinions changed the treatment for more than 1 in 3 people (Best Doctors, 2015)."
        )
    if treatment_category == "medication":
        reasons.append(
            f"{_cap_or(treatment, 'This medicine')} may be taken for a long time. "
            "Another doctor can check it is the right choice before it becomes part of daily life."
        )
    if treatment is None:
        reasons.append(
            "The treatment plan isn't clear yet. A second opinion can help you understand all the "
            "choices before one is made."
        )
    if case.answers.get("diagnosis_certainty") == NOT_SURE:
        reasons.append(
            "You're not sure how certain the diagnosis is. It's fair to ask. A second look often "
            "makes a diagnosis more exact (2 in 3 people in a Mayo Clinic study)."
        )
    if case.answers.get("not_improving") == "yes":
        reasons.append(
            "The symptoms are not getting better. That is a good time for a fresh set of eyes on "
            "the diagnosis and the plan."
        )
    if case.answers.get("insurer_requires") == "yes":
        reasons.append(
            "The health plan asks for a second opinion, so getting one also keeps the coverage on "
            "track."
        )
    confidence = case.answers.get("confidence")
    if confidence in ("not_confident", "somewhat"):
        feeling = "don't feel confident" if confidence == "not_confident" else "feel only somewhat sure"
        reasons.append(
            f"You {feeling} about the plan. Another opinion can help you feel sure, or show you "
            "other choices."
        )
    return reasons


def _optional_reasons(answers: Mapping[str, Any]) -> list[str]:
    calm = []
    if answers.get("diagnosis_certainty") == "certain":
        calm.append("the doctors are sure of the diagnosis")
    if answers.get("confidence") == "confident":
        calm.append("you feel confident about the plan")
    if answers.get("not_improving") == "no":
        calm.append("things are getting better")
    reasons = [
        "None of the usual signs for a second opinion came up (like cancer, a rare condition, "
        "major surgery, or doctors who are unsure)."
    ]
    if calm:
        joined = f"{', '.join(calm[:-1])} and {calm[-1]}" if len(calm) > 1 else calm[0]
        reasons.append(f"{_cap(joined)}.")
    reasons.append(
        "A second opinion is still your right. You can get one any time you want more peace of "
        "mind, and a good doctor will not mind."
    )
    return reasons


def recommend(answers: Mapping[str, Any]) -> Recommendation:
    """The recommendation for the assessment's answers (slot name -> code or name).

    Categories: `answers["condition_category"]` / `answers["treatment_category"]` are used when the
    key is present (None means "the caller knows it is unknown"); otherwise they are looked up
    from the names in the vocabulary. The actions pass plain slot values, so the lookup is the
    usual path; tests and callers with their own categories can pass them.

    Rules (every rule that fires adds one reason; the level is the highest that fired):

    | level                | rule                                                            |
    |----------------------|-----------------------------------------------------------------|
    | strongly_recommended | condition category cancer                                       |
    | strongly_recommended | treatment category major_surgery or major_procedure             |
    | strongly_recommended | condition category rare, or rare_condition == yes               |
    | strongly_recommended | treatment category experimental, high_risk or transplant        |
    | strongly_recommended | diagnosis_certainty uncertain or disagree                       |
    | recommended          | condition not_sure                                              |
    | recommended          | condition category cardiac, neurological or autoimmune          |
    | recommended          | treatment category surgery, chemotherapy, radiation, medication |
    | recommended          | treatment missing or not_sure                                   |
    | recommended          | diagnosis_certainty not_sure                                    |
    | recommended          | not_improving yes; insurer_requires yes                         |
    | recommended          | confidence not_confident or somewhat                            |
    | optional             | none of the above (reasons say why, and that it is their right) |

    Urgency never changes the level: an emergency adds `emergency_note` (don't delay emergency
    care, Medicare.gov), and the rules still say whether an opinion is worth getting afterwards.
    """
    case = _Case.of(answers)
    strong = _strong_reasons(case)
    recommended = _recommended_reasons(case)
    if strong:
        level = STRONGLY_RECOMMENDED
    elif recommended:
        level = RECOMMENDED
    else:
        level = OPTIONAL
    return Recommendation(
        level=level,
        reasons=strong + recommended if (strong or recommended) else _optional_reasons(answers),
        emergency_note=EMERGENCY_NOTE if answers.get("urgency") == "emergency" else None,
    )


_HEADLINES = {
    STRONGLY_RECOMMENDED: "My suggestion: a second opinion is strongly recommended for {who}.",
    RECOMMENDED: "My suggestion: a second opinion is a good idea for {who}.",
    OPTIONAL: "A second opinion is optional for {who}. It's up to {decider}.",
}


def recommendation_message(
    rec: Recommendation,
    condition: str | None,
    treatment: str | None,
    relation: str | None = None,
) -> str:
    """The chat text of a recommendation: headline, what it is based on, reasons as bullets.

    `rec.emergency_note` is not repeated here; the caller sends it first, on its own.
    """
    who = vocabulary.relation_display(relation) if relation else "you"
    decider = "you" if who == "you" else f"you and {who}"
    lines = [_HEADLINES[rec.level].format(who=who, decider=decider)]
    facts = [name for name in (_known(condition), _known(treatment)) if name]
    lines.append(f"Based on what you told me ({', '.join(facts)}), here's why:" if facts else "Here's why:")
    lines.extend(f"\u2022 {reason}" for reason in rec.reasons)
    lines.append("This isn't medical advice. It's to help you get the clearest answers from the doctors.")
    return "\n".join(lines)
