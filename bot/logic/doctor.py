"""Asking the doctor for a second opinion: reassurance, words to say, and what to do if it goes badly.

Many people skip a second opinion because they don't want to offend their doctor. Ready-made,
polite sentences (in the style of the American Cancer Society's suggestions) make the request
easy to say out loud, and tailoring them to the person's condition, treatment and role (patient or
family member) makes them feel like their own.
"""

from __future__ import annotations

from bot.logic import vocabulary

REASSURANCE = (
    "Asking for a second opinion is normal - it's standard practice in medicine. Good doctors "
    "expect it, and some insurance plans even require one. You're not insulting your doctor's "
    "skill: you're making sure you understand your choices. It's your health and your decision, "
    "and you can see as many doctors as you need to feel sure."
)

PUSHBACK_ADVICE = (
    "I'm sorry that happened. You don't need your doctor's permission to get a second opinion. "
    "Here's what you can do:\n"
    "- Get your records yourself. You have a legal right to them (HIPAA), and you don't have to "
    "give a reason. I can write the request letter for you.\n"
    "- Check if your plan needs a referral: call the member services number on your insurance "
    "card.\n"
    "- Ask your primary care doctor for the referral instead.\n"
    "- Look at academic medical centers, NCI-designated cancer centers (for cancer; call "
    "1-800-4-CANCER for help), or remote second-opinion programs that review your records "
    "online.\n"
    "- A patient advocate can help with all of this - I can connect you with one.\n"
    "- If the relationship doesn't feel right, it's your right to switch doctors."
)

_ACRONYMS = frozenset(
    """ms als copd acl mcl afib cll aml cml nhl ibd ra sle ckd chf cad tavr cabg pci hiv pcos
    dcis gist nsclc sclc""".split()
)
# Treatments you "start" (a course of treatment) rather than "have" or "go ahead with" (an
# operation or procedure), by vocabulary category and, for words it doesn't know, by ending.
_COURSE_CATEGORIES = frozenset(
    """chemotherapy radiation medication short_course_medication therapy experimental palliative
    watchful_waiting device lifestyle""".split()
)
_PROCEDURE_CATEGORIES = frozenset("surgery major_surgery procedure major_procedure transplant".split())
_COURSE_ENDINGS = (
    "therapy",
    "chemo",
    "radiation",
    "treatment",
    "treatments",
    "medication",
    "medications",
    "medicine",
    "dialysis",
    "infusions",
    "injections",
)
_PROCEDURE_WORDS = ("surgery", "operation", "ectomy", "plasty", "replacement", "transplant", "fusion")
# Treatments that read naturally without "the" ("surgery", "chemotherapy", "injections").
_NO_ARTICLE_ENDINGS = (*_COURSE_ENDINGS, "surgery", "care")
_CANCER_WORDS = (
    "cancer",
    "tumor",
    "tumour",
    "lymphoma",
    "leukemia",
    "leukaemia",
    "melanoma",
    "sarcoma",
    "carcinoma",
    "myeloma",
    "glioma",
    "blastoma",
)


def doctor_scripts(condition: str | None, treatment: str | None, relation: str | None = None) -> list[str]:
    """Three sentences to say to the doctor, tailored to what we know.

    1. The request itself, naming the treatment and condition when known ("Before we start
       chemotherapy, I'd like to get a second opinion on my breast cancer. Will you help me with
       that?"). 2. Asking whom the doctor would see. 3. Asking for the records to be sent, since
       the second doctor needs them. With `relation`, the wording is for a family member or friend
       speaking for the patient ("my mom's ...").
    """
    condition_name = _name("condition", condition, max_words=5)
    treatment_name = _name("treatment", treatment, max_words=4)
    cancer = _is_cancer(condition_name)
    kind = _treatment_kind(treatment_name)
    who = _short(relation, max_words=3)
    if who:
        return _caregiver_scripts(condition_name, treatment_name, who, cancer=cancer, kind=kind)
    on_condition = f" on my {condition_name}" if condition_name else ""
    before = _before(
        kind, treatment_name, start="we start", have="we go ahead with", undecided="we decide on treatment"
    )
    own_shoes = "my type of cancer" if cancer else "my diagnosis"
    return [
        f"{before}, I'd like to get a second opinion{on_condition}. Will you help me with that?",
        f"If you had {own_shoes}, who would you see for a second opinion?",
        f"Could your office send my records{_records_detail(kind, cancer=cancer)} to the "
        "doctor I see for the second opinion? I'm happy to sign a release form.",
    ]


def _caregiver_scripts(condition: str, treatment: str, who: str, *, cancer: bool, kind: str) -> list[str]:
    """The same three sentences, spoken by someone helping the patient ("we", "my mom's")."""
    pronoun = vocabulary.relation_pronouns(who)
    on_condition = f" on {pronoun['possessive']} {condition}" if condition else ""
    before = _before(
        kind, treatment, start=f"my {who} starts", have=f"my {who} has", undecided=f"we decide on my {who}'s treatment"
    )
    return [
        f"{before}, we'd like to get a second opinion{on_condition}. Will you help us with that?",
        f"If this were your own {who}, who would you want {pronoun['object']} to see for a second opinion?",
        f"Could your office send my {who}'s records{_records_detail(kind, cancer=cancer)} to "
        f"the doctor giving the second opinion? {pronoun['subject']} can sign a release form.",
    ]


def _before(kind: str, treatment: str, *, start: str, have: str, undecided: str) -> str:
    """How the request opens: "Before <start> chemotherapy" for a course of treatment, "Before
    <have> the mastectomy" for anything else named, "Before <undecided>" when nothing is.

    The patient and the caregiver say it in their own words; the choice between them is the same.
    """
    if kind == "course":
        return f"Before {start} {treatment}"
    if treatment:
        return f"Before {have} {_with_article(treatment)}"
    return f"Before {undecided}"


def _records_detail(kind: str, *, cancer: bool) -> str:
    """The records that matter most for this case, named so the office doesn't send only notes."""
    if cancer:
        return ", including the pathology slides and scans,"
    if kind == "procedure":
        return ", including the scans and your treatment plan,"
    return ", test results and your treatment plan"


def _name(entity: str, value: str | None, *, max_words: int) -> str:
    """The person's own short name for it, else the vocabulary's name, else "".

    Slots may hold whole phrases ("they want to operate next month"); those read badly inside a
    script, so a long phrase is replaced by the canonical name it mentions ("surgery"), or by the
    generic wording when it mentions none.
    """
    short = _short(value, max_words=max_words)
    if short or not value:
        return short
    mention = vocabulary.lookup(entity, value)
    return _short(mention.value, max_words=max_words) if mention else ""


def _short(value: str | None, *, max_words: int) -> str:
    """Trimmed words without a leading article, acronyms in capitals; "" when too long."""
    words = (value or "").strip(" .,!?").split()
    if words and words[0].lower() in {"a", "an", "the", "my"}:
        words = words[1:]
    if not words or len(words) > max_words:
        return ""
    return " ".join(word.upper() if word.lower() in _ACRONYMS else word for word in words)


def _is_cancer(condition: str) -> bool:
    if not condition:
        return False
    mention = vocabulary.lookup("condition", condition)
    return (mention is not None and mention.category == "cancer") or any(
        word in condition.lower() for word in _CANCER_WORDS
    )


def _treatment_kind(treatment: str) -> str:
    """ "course" (you start it), "procedure" (you have it done), "other", or "" when unknown."""
    if not treatment:
        return ""
    lowered = treatment.lower()
    if lowered.endswith(_COURSE_ENDINGS):
        return "course"
    mention = vocabulary.lookup("treatment", treatment)
    category = mention.category if mention else None
    if category in _COURSE_CATEGORIES:
        return "course"
    if category in _PROCEDURE_CATEGORIES or any(word in lowered for word in _PROCEDURE_WORDS):
        return "procedure"
    return "other"


def _with_article(treatment: str) -> str:
    return treatment if treatment.lower().endswith(_NO_ARTICLE_ENDINGS) else f"the {treatment}"
