"""Is this an everyday health question - about a condition, a medicine, a test, a symptom or a treatment?

Why it exists: people ask the bot what they would ask a search engine or a nurse line ("is it
normal to feel dizzy on metoprolol?", "what does an A1c of 8 mean"). No journey owns those
questions and the classifier has seen only a sample of the endless ways to ask them, so it falls
back or, worse, answers with an FAQ that shares a word. The brief's answer to every one of them is
the same: the no-advice boundary, who can answer (the doctor, the pharmacist), and the offer to
save the question for the appointment. This reader recognises them so that the intent holds
(`bot/rasa_ext/safety_override.py`) can route them there when the classifier had nothing better.

Precision first: a message about the bot's own journeys (a second opinion, records, the question
list, insurance, a person to talk to) is never one, because those have answers.
"""

from __future__ import annotations

import re
from collections.abc import Collection

# Entity types of the vocabulary (bot/logic/vocabulary) that make a message about health.
HEALTH_ENTITY_TYPES = frozenset({"condition", "treatment"})
HEALTH_TOPICS = frozenset({"medication", "side_effects", "diagnosis", "chemotherapy", "radiation", "surgery"})

# Health words the vocabulary does not list as conditions or treatments: symptoms, body parts,
# tests, medicines in general, everyday health. Stems, matched at a word start.
_HEALTH_WORDS = re.compile(
    r"\b(?:symptom|sympton|pain|ache|aching|hurt|sore|swell|swollen|lump|bump|rash|itch|fever|temperature"
    r"|cough|sneez|nause|vomit|throw(?:ing)?\s+up|diarr|constipat|bleed|blood|bruis|dizz|faint|numb|tingl"
    r"|cramp|fatigue|tired|exhaust|insomnia|sleep|snor|headache|migraine|breath|wheez|chest|heart|pulse"
    r"|palpitat|stomach|belly|bowel|bladder|urin|pee|poop|stool|kidney|liver|lung|skin|mole|wart|hair\s+loss"
    r"|bone|joint|knee|hip|back\s+pain|neck|shoulder|muscle|tendon|nerve|brain|memory|eye|vision|ear|hearing"
    r"|tooth|teeth|gum|throat|tonsil|sinus|thyroid|hormone|period|menstru|pregnan|fertil|menopaus|erect"
    r"|libido|weight|obes|bmi|diet|eat|food|nutrition|vitamin|supplement|calorie|sugar|glucose|a1c|insulin"
    r"|cholesterol|ldl|hdl|triglycer|pressure|bp\b|psa\b|cancer|tumou?r|infect|virus|viral|bacteri|fung"
    r"|contagious|vaccin|shot|booster|flu\b|covid|allerg|immun|inflamm|diabet|asthma|arthrit|dementia"
    r"|alzheimer|stroke|seizure|epilep|anxiety|depress|adhd|autism|ptsd|bipolar|schizo|mental\s+health"
    r"|medicat|medicine|meds\b|drug|pill|tablet|capsule|dose|dosage|overdose|prescri|antibiotic|painkiller"
    r"|ibuprofen|tylenol|acetaminophen|paracetamol|aspirin|advil|motrin|aleve|naproxen|steroid|statin"
    r"|side\s*effect|interact|mix\s+with|with\s+alcohol|drink(?:ing)?\s+alcohol|smok|vap|caffeine"
    r"|test|scan|x-?ray|mri|ct\b|ultrasound|biopsy|blood\s*work|lab|result|reading|level|blood\s+count|cell\s+count|marker"
    r"|iron|ferritin|ha?emoglobin|platelet|white\s+(?:blood\s+)?cell|red\s+(?:blood\s+)?cell|potassium|sodium"
    r"|calcium|magnesium|creatinine|egfr|tsh\b|bilirubin|enzyme|protein|antibod"
    r"|surgery|operation|recovery|heal|scar|stitch|wound|physio|therapy|chemo|radiation|transplant"
    r"|hereditary|genetic|run\s+in\s+(?:the\s+)?famil|passed\s+down|inherit|risk\s+of|chance\s+of|curable"
    r"|cure|treat|prevent|normal\s+(?:range|level|for)|disease|disorder|syndrome|condition|illness|sick)"
    # medical word endings, for conditions and procedures no list has: sarcoidosis, fibromyalgia,
    # neuropathy, cholecystectomy, colonoscopy
    r"|\w{3,}(?:itis|osis|emia|aemia|algia|pathy|ectomy|otomy|plasty|scopy)\b",
    re.IGNORECASE,
)

# What the bot's journeys and FAQs answer: a message about these is not an everyday health question.
_SERVICE_WORDS = re.compile(
    r"\b(?:second|2nd|another|third|3rd|other|new|different)\s+(?:opinion|doctor|dr|specialist|oncologist"
    r"|surgeon|look)|\bopinions?\b|\brecords?\b|\bchart\b|\bmy\s+file\b|\bcopies\b|\binsurance|\binsurer"
    r"|\bmedicare\b|\bmedicaid\b|\bcover(?:ed|age)?\b|\bcopay|\bbill(?:ed|ing|s)?\b|\bcharged?\b"
    r"|\badvocate\b|\bnavigator\b|\bhuman\b|\breal\s+person\b|\bsomeone\s+real\b|\btalk\s+to\s+(?:a|some)"
    r"|\bmy\s+(?:question\s+)?list\b|\bsave\b|\bquestions?\s+(?:to|i\s+should|for)\b|\bask\s+(?:my|the|her|his)"
    r"\s+(?:doctor|dr|oncologist|surgeon)|\bappointment\b|\bvisit\b|\bdelete\b|\bmy\s+data\b"
    r"|\bbring\b|\bwait|\bdelay|\bspeciali|\bspecal|\bexpert|\bfind\s+(?:a|an|the)\s+(?:good\s+|right\s+)?(?:doctor|dr)",
    re.IGNORECASE,
)

# How a question starts, after any greeting or lead-in ("hi, quick question -", "I was wondering").
_QUESTION_WORDS = (
    r"what|whats|what's|wat|how|hows|how's|why|when|where|which|who|is|isn't|isnt|are|aren't|am|can|could"
    r"|cud|should|shud|shld|would|will|do|does|doe|did|didn't|has|have|any|anyone|anybody|explain|define"
    r"|tell\s+me"
)
_OPENING = re.compile(
    r"(?:^|[.!?;:\n]\s*|\b(?:hi|hey|hello|ok|okay|so|um|quick\s+question|question|random\s+question"
    r"|i\s+(?:was|am|'m)\s+(?:just\s+)?wondering|i\s+want\s+to\s+know|i\s+need\s+to\s+know|i'd\s+like\s+to\s+know"
    r"|does\s+anyone\s+know|can\s+you\s+tell\s+me|could\s+you\s+tell\s+me|can\s+u\s+tell\s+me)\b[\s,:-]*)"
    rf"(?:{_QUESTION_WORDS})\b"
    r"|\b(?:wonder(?:ing)?|want\s+to\s+know|need\s+to\s+know|like\s+to\s+know|not\s+sure)\s+(?:if|whether|why|what|how)\b",
    re.IGNORECASE,
)


# Someone's own case: "my", "I", "he" - the message may be telling a situation, not asking in general.
_SOMEONES_CASE = re.compile(
    r"\b(?:i|i'm|im|i've|ive|me|my|mine|we|our|us|he|he's|his|him|she|she's|her|they're|their)\b", re.IGNORECASE
)


def is_question(text: str) -> bool:
    """A question mark, or a sentence that opens with a question word (SMS often has no "?")."""
    return "?" in text or bool(_OPENING.search(text.strip()))


def mentions_health(text: str, entity_types: Collection[str] = (), topics: Collection[str] = ()) -> bool:
    """A condition or treatment the vocabulary found, a health topic, or a health word."""
    return (
        bool(HEALTH_ENTITY_TYPES.intersection(entity_types))
        or bool(HEALTH_TOPICS.intersection(topics))
        or bool(_HEALTH_WORDS.search(text))
    )


def is_health_question(text: str, entity_types: Collection[str] = (), topics: Collection[str] = ()) -> bool:
    """An everyday health question that none of the bot's journeys answers.

    `entity_types` and `topics` are what the vocabulary extractor found in the message (entity
    types, and the values of its `topic` entities).
    """
    text = " ".join(text.replace("\u2019", "'").split())
    return (
        bool(text)
        and is_question(text)
        and mentions_health(text, entity_types, topics)
        and not _SERVICE_WORDS.search(text)
    )


def is_general_health_question(
    text: str, entity_types: Collection[str] = (), topics: Collection[str] = ()
) -> bool:
    """A health question about nobody in particular ("is it true that sugar feeds cancer?").

    The classifier may take one that names a condition for the person telling their diagnosis;
    with nobody's case in it, it can only be a question.
    """
    return is_health_question(text, entity_types, topics) and not _SOMEONES_CASE.search(text)
