"""Facts a person gives without being asked: the assessment's answers said in passing.

"they want to do a mastectomy in 2 weeks" already answers the timing question, so the form
should not ask it. The per-question parsers (`bot.understanding.form_answers`) cannot be used for
that: they know which question was asked, so a bare "no" or "maybe" answers it. In a message that
answers nothing in particular, those words mean nothing ("maybe I should get a second opinion"),
so `facts_in_text` accepts only explicit phrases, each tied to its subject ("the doctors
disagree", not "I disagree"), never negated, hedged, conditional or asked as a question.
Precision comes first: a missed fact costs one question; a wrong one changes the advice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.logic import vocabulary
from bot.logic.assessment import ANSWER_CODES
from bot.understanding.numbers import DURATION_PATTERN, duration_days
from bot.understanding.payloads import split_button_payload
from bot.understanding.questions import opens_as_question
from bot.understanding.replies import NO, YES
from bot.understanding.shorthand import spell_out

_F = re.IGNORECASE

# Sentences, then clauses: a fact and its negation or hedge must be in the same clause.
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
# Where a clause ends inside a sentence: a comma, a spaced dash, "but", "although".
_CLAUSE_BREAK = re.compile(r",|\s+-+\s+|\b(?:but|although|though|however|except)\b", _F)
# Words before a phrase that make it not (yet) a fact.
_CONDITIONAL = re.compile(
    r"\b(?:if|whether|unless|in\s+case|suppose|supposing|imagine|hypothetically|when|whenever|without"
    r"|(?:will|would|'ll|might|may)\s+think)\b",
    _F,
)
# Hedges before a phrase ("maybe", "probably"). "will" is no hedge ("surgery will be next week"):
# a future the phrases below must not take as a fact ("it will get worse") is kept out by the
# phrases themselves.
_HEDGE = re.compile(
    r"\b(?:might|(?<!in\s)may|could|would|maybe|perhaps|possibly|probably|hope|hoping|wish)\b", _F
)
# A negation at most two words before a phrase: "isn't really rare", "don't agree".
_NEGATION = re.compile(
    r"\b(?:not|never|no|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|won't|can't|cannot|hasn't"
    r"|haven't|nor)\s*(?:[\w'%]+\s*){0,2}$",
    _F,
)

_DOCTOR = (
    r"(?:doctors?|physicians?|surgeons?|oncologists?|onc|specialists?|neurologists?|cardiologists?"
    r"|urologists?|gynecologists?|rheumatologists?|gastroenterologists?|dermatologists?|pcp|gp"
    r"|radiologists?|pathologists?|hematologists?|endocrinologists?|pulmonologists?|providers?"
    r"|medical\s+team|care\s+team)"
)
# A few words between a subject and its verb, none of them a negation or another person.
_GAP = (
    r"(?:\s+(?!(?:not|never|no|don't|doesn't|didn't|isn't|aren't|won't|can't|hasn't|haven't"
    r"|and|i|me|we)\b)[\w'%]+){0,4}?\s+"
)
# "the two neurologists I saw disagree": the person's own words about the doctors.
_SEEN = r"(?:\s+(?:i|we)\s+(?:saw|see|met|visited|went\s+to))?"
_INSURER = (
    r"(?:insurance(?:\s+company)?|insurer|(?:health|insurance|medicare(?:\s+advantage)?|my|our|her|his)\s+plan"
    r"|medicare(?:\s+advantage)?|medicaid|tricare|hmo|ppo|aetna|cigna|humana|kaiser|anthem|bcbs"
    r"|blue\s+(?:cross|shield)|united\s*healthcare|uhc)"
)
_SECOND_OPINION = (
    r"(?:(?:an?\s+|the\s+)?(?:second|2nd|another|other|third|3rd)\s+(?:opinions?|surgeon|doctor|specialist)"
    r"|one\b(?!\s+(?:more|of))|it\b)"
)
_FEAR = (
    r"(?:scared|terrified|afraid|frightened|worried|nervous|anxious|petrified|uneasy|panicking"
    r"|panicked|freaking\s+out|freaked\s+out)"
)
_FEAR_INTENSITY = (
    r"(?:(?:so|really|very|pretty|super|totally|just|extremely|honestly|absolutely|incredibly|quite"
    r"|more)\s+)*"
)
# "kinda nervous" is not "terrified": it answers "somewhat".
_MILDLY = r"(?:kinda|kind\s+of|a\s+bit|a\s+little(?:\s+bit)?|slightly|somewhat)\s+"
# What a feeling may be about, for it to be about the diagnosis and the plan: "scared about the
# surgery" counts, "worried about the cost" or "nervous to ask my doctor" does not.
_FEELING_ABOUT = (
    r"(?=\s*(?:$|[,.!?;]|(?:and|so|tbh|honestly|lol|rn|right\s+now|now|too|also|a\s+lot|all\s+the"
    r"\s+time)\b)|\s+(?:about|of|with|by)\s+(?:it|this|that|everything|all\s+(?:of\s+)?(?:this|it)"
    r"|(?:(?:the|her|his|my|this|our|their|a)\s+)?(?:whole\s+thing|plan|diagnosis|surgery|operation"
    r"|procedure|treatment|chemo\w*|radiation|decision|news|prognosis|options|future"
    r"|outcome|doctors?|surgeon))\b|\s+for\s+(?:her|him|them|my\s+\w+)\b)"
)
# The person, or the one they help ("my dad"), but never "she" or "he": that is often the doctor.
_PERSON = r"(?:i|we|(?:my|our)\s+(?!(?:doctor|surgeon|oncologist|insurance|plan)\b)[\w-]+)"
_PERSON_IS = (
    r"(?:i'm|i\s+am|i\s+feel|i've\s+been|we're|we\s+are|we\s+feel|she's|she\s+is|she\s+feels|she\s+seems"
    r"|he's|he\s+is|he\s+feels|he\s+seems|(?:my|our)\s+(?!(?:doctor|surgeon|oncologist)\b)[\w-]+"
    r"(?:'s|\s+is|\s+feels|\s+seems|\s+has\s+been|\s+was)|(?<!to\s)(?:feeling|feel)|been)"
)
# Where a feeling phrase may start: after its subject ("my dad is terrified"), or a clause of its own.
_FEELING_START = rf"(?:^|\b{_PERSON_IS}\s+|\b(?:so|really|just)\s+|\band\s+(?:is|am|are|was|feels|seems)\s+)"
_DOCTOR_SPEAKING = re.compile(
    rf"\b(?:{_DOCTOR}|they)\s+(?:said|says|thinks|told\s+\w+|is|was|seems|seemed|sounds|sounded)\s+"
    r"(?:that\s+)?(?:\S+\s+){0,2}$",
    _F,
)
# Clauses whose timing is about an appointment or a test, not the start of treatment.
_NOT_TREATMENT_TIME = re.compile(
    r"\b(?:appointment|appt|consult\w*|visit|results?|follow[\s-]?up|meeting|call|scan|biopsy|tests?"
    r"|(?:see|seeing|meet|meeting)\s+(?:with\s+)?(?:the|a|an|my|her|his|our)\b)",
    _F,
)
# Words that put a clause's timing on the treatment: "surgery", "chemo", "starts", "booked".
_TREATMENT_WORD = re.compile(
    r"\b(?:surg(?:ery|eries|ury|ory)|sugery|operat(?:e|ion|ing)|op|procedure|treatments?|therapy"
    r"|chemo\w*|radiation|rads|infusions?|transplant|scheduled|booked)\b"
    r"|\b(?:start|starts|starting|begin|begins|beginning)(?=\s*(?:$|[,.!?]|(?:her|him|me|them|it|us|on|in"
    r"|within|right|asap|immediately|tomorrow|today|tonight|next|this|by|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday)\b))",
    _F,
)
# The days of the week, for "on monday", "next friday".
_DAY_NAMES = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# A start date as "in 2 weeks", "within about a month".
_IN_DURATION = re.compile(
    r"\b(?:in|within|inside\s+of)\s+(?:(?:about|around|roughly|approximately|approx|like|just|only"
    rf"|another|the\s+next|less\s+than|under)\s+)?(?:\d+\s*(?:-|to|or)\s*)?{DURATION_PATTERN}",
    _F,
)
# A start date as "3 weeks from now".
_DURATION_FROM_NOW = re.compile(rf"\b{DURATION_PATTERN}\s+from\s+(?:now|today)\b", _F)
# "chemo doesn't start for another 2 months": said with a negation, and still a start date.
_START_AFTER = re.compile(
    r"\b(?:start|starts|begin|begins)\s+(?:for|until)\s+(?:(?:another|about|around|at\s+least)\s+)?"
    rf"{DURATION_PATTERN}",
    _F,
)
# "No, it's common": a leading yes/no is an answer to something else, not a negation.
_LEADING_ANSWER = re.compile(
    rf"^(?:{YES}|{NO})\s+(?=(?:it|it's|its|i|i'm|we|they|they're|the|my|she|he|that|this)\b)", _F
)


@dataclass(frozen=True)
class _Fact:
    """One explicit phrase and the answer it gives.

    `hedged` says the phrase is itself a hedge by the doctors ("they think it might be lupus"), so
    a "might" inside it is no reason to skip it. `sentence` phrases span clauses ("one doctor said
    Crohn's, the other said colitis"). `timing` phrases count only next to a treatment.
    """

    slot: str
    code: str
    pattern: re.Pattern[str]
    hedged: bool = False
    sentence: bool = False
    timing: bool = False


def _fact(slot: str, code: str, pattern: str, **flags: bool) -> _Fact:
    """A `_Fact` from its pattern's source, so the table below reads as phrases."""
    return _Fact(slot, code, re.compile(pattern, _F), **flags)


# For each slot the first code listed wins when phrases disagree: the one that matters more for
# the advice (disagreement over doubt over certainty, the soonest start, "rare" over "common").
_FACTS: tuple[_Fact, ...] = (
    # urgency
    _fact(
        "urgency",
        "emergency",
        r"\b(?:is|are|'s|'re|am|'m|currently|right\s+now|still)\s+(?:still\s+|currently\s+|now\s+)?(?:in|at)"
        r"\s+the\s+(?:er|emergency\s+(?:room|department)|icu|intensive\s+care(?:\s+unit)?)\b"
        r"|\b(?:needs?|having|getting|scheduled\s+for|doing)\s+(?:an\s+)?emergency\s+(?:surgery|operation"
        r"|procedure|c-?section)\b",
    ),
    _fact("urgency", "weeks", r"\b(?:in|within)\s+(?:a|one|1)\s+week\s+or\s+two\b", timing=True),
    _fact(
        "urgency",
        "days",
        r"\b(?:today|tonight|tomorrow|this\s+week(?:end)?|within\s+(?:the\s+)?(?:next\s+)?(?:week|few\s+days)"
        r"|right\s+away|immediately|asap|as\s+soon\s+as"
        rf"\s+possible|any\s+day\s+now|urgent(?:ly)?|(?:on\s+|this\s+|next\s+|coming\s+)?{_DAY_NAMES})\b"
        r"|\balready\s+(?:started|begun|began|underway|on|doing|having|getting|receiving|in)\b"
        r"|\b(?:has|have|'s|'ve)\s+(?:already\s+)?(?:started|begun)\b"
        r"|\bstarted\s+(?:\S+\s+){0,3}?(?:last\s+\w+|yesterday|this\s+(?:week|month|morning)|today"
        r"|(?:\S+\s+){1,2}ago)\b",
        timing=True,
    ),
    _fact(
        "urgency",
        "weeks",
        r"\b(?:next\s+week|week\s+after\s+next|(?:later|end\s+of)\s+this\s+month|this\s+month"
        r"|end\s+of\s+the\s+month)\b",
        timing=True,
    ),
    _fact(
        "urgency",
        "months",
        r"\b(?:next\s+(?:month|year)|later\s+this\s+year|end\s+of\s+(?:the|this)\s+year"
        r"|(?:in\s+the|this|next)\s+(?:spring|summer|fall|autumn|winter))\b",
        timing=True,
    ),
    _fact(
        "urgency",
        "not_started",
        r"\bno\s+(?:\w+\s+)?(?:start\s+)?date\s+(?:yet|set)\b"
        r"|\b(?:isn't|is\s+not|hasn't\s+been|has\s+not\s+been|haven't|hasn't|have\s+not|not|aren't)\s+"
        r"(?:yet\s+|been\s+)?(?:scheduled|booked|planned|started)\b(?!\s+(?:until|till|for))"
        r"|\bnothing\s+(?:is\s+|has\s+been\s+)?(?:scheduled|booked|planned)\b",
        timing=True,
    ),
    # diagnosis_certainty
    _fact(
        "diagnosis_certainty",
        "disagree",
        rf"\b(?:{_DOCTOR}|opinions|diagnos[ie]s){_SEEN}{_GAP}(?:disagree\w*|don't\s+agree|do\s+not\s+agree"
        r"|didn't\s+agree|can't\s+agree|cannot\s+agree|aren't\s+agreeing|are\s+split|are\s+divided"
        r"|contradict\w*|differ|conflict|don't\s+match)\b"
        rf"|\b(?:second|2nd|other|another|new|different)\s+(?:doctor|opinion|{_DOCTOR})\s+(?:disagrees?|disagreed"
        r"|(?:said|says|thinks|thought|told\s+(?:me|us|her|him|them))\s+(?:something\s+else|something"
        r"\s+different|otherwise|the\s+opposite|different\s+things?|(?:it's|it\s+is|it\s+was|its)\s+"
        r"(?:not|something\s+else|different)))"
        rf"|\b(?:two|2|both|three|3|my|the|different|multiple|several)\s+(?:\w+\s+)?{_DOCTOR}{_SEEN}\s+(?:have\s+)?"
        r"(?:told|said|gave|give|tell|say)\s+(?:(?:me|us|her|him|them)\s+)?(?:\w+\s+)?(?:different"
        r"|conflicting|opposite|mixed|contradicting|contradictory)\b"
        r"|\b(?:got|getting|have|had|given|received|hearing|heard)\s+(?:\w+\s+){0,2}?(?:different"
        r"|conflicting|contradicting|contradictory|opposite|mixed)\s+(?:diagnos[ie]s|opinions|answers"
        r"|advice|messages|stories|things)\b"
        r"|\b(?:conflicting|contradictory)\s+(?:opinions|diagnos[ie]s|advice|answers)\b",
    ),
    _fact(
        "diagnosis_certainty",
        "disagree",
        rf"\bone\s+(?:{_DOCTOR}|of\s+them)\b.*\b(?:the\s+other|another|the\s+second|a\s+second)\b"
        rf"(?:\s+(?:one|{_DOCTOR}))?\s+(?:says|said|thinks|thought|told|wants|recommends)\b",
        sentence=True,
    ),
    _fact(
        "diagnosis_certainty",
        "uncertain",
        rf"\b(?:they|{_DOCTOR})(?:(?:'re|'s)?\b(?:\s+\S+){{0,3}}?\s+(?:not|aren't|isn't|weren't|wasn't|can't\s+be"
        r"|cannot\s+be|couldn't\s+be)\s+(?:really\s+|totally\s+|completely\s+|100%\s+|quite\s+|entirely\s+"
        r"|fully\s+|yet\s+)?(?:sure|certain|positive)"
        r"|(?:'re|\s+are|\s+is|'s)?\s+(?:still\s+)?(?:unsure|uncertain))"
        # ... about the diagnosis, not about what to do or when:
        r"(?=\s*(?:$|[,.!?;]|yet\b|(?:if|whether|that)?\s*(?:it's|its|it\s+is|it\s+was|this\s+is"
        r"|that's)\b|what\s+(?:it|this)\s+is\b|(?:what|if|whether|that)?\s*(?:she|he|i|we|you)\s+"
        r"ha(?:s|ve)\b|(?:about|of)\s+(?:the\s+)?diagnosis\b))"
        r"|\b(?:diagnosis|it|cancer|tumou?r|this|that)\s+(?:isn't|is\s+not|hasn't\s+been|has\s+not\s+been"
        r"|wasn't|was\s+not|'s\s+not|is\s+still\s+not|still\s+isn't|not)\s+(?:been\s+|yet\s+|fully\s+"
        r"|officially\s+)*confirmed\b"
        r"|\bunconfirmed\s+diagnosis\b|\bdiagnosis\s+(?:is\s+)?(?:still\s+)?unconfirmed\b"
        r"|\b(?:working|tentative|preliminary|presumed|presumptive|possible|suspected|probable)\s+"
        r"diagnosis\b"
        r"|\bno\s+(?:firm|final|clear|definite|official|confirmed)\s+diagnosis\b"
        rf"|\b(?:they|{_DOCTOR})\s+(?:think|thinks|suspect|suspects|believe|believes|said|say|says)\s+"
        r"(?:it\s+|she\s+|he\s+|i\s+)?(?:might|may|could|probably|possibly|maybe)\s+(?:be|is|has|have)\b"
        rf"|\b(?:they|{_DOCTOR})\s+(?:said|say|says|think|thinks|believe|believes)\s+(?:that\s+)?"
        r"(?:it's|its|it\s+is)\s+(?:probably|possibly|likely|maybe)\b"
        rf"|\b(?:they|{_DOCTOR})(?:\s+\S+){{0,2}}?\s+(?:sounded|seemed|seems|sounds|looked|looks)\s+"
        r"(?:pretty\s+|really\s+|very\s+|kind\s+of\s+|kinda\s+|a\s+bit\s+|a\s+little\s+)?(?:unsure|uncertain)\b"
        rf"|\b(?:they|{_DOCTOR})\s+(?:suspect|suspects)\b"
        r"|\bmore\s+tests\s+to\s+(?:confirm|be\s+sure|know\s+for\s+sure|make\s+sure|rule\s+out)\b"
        r"|\bwaiting\s+(?:on|for)\s+(?:the\s+|her\s+|his\s+|my\s+)?(?:biopsy|pathology|path|lab|genetic"
        r"|test)\s+results\b",
        hedged=True,
    ),
    _fact(
        "diagnosis_certainty",
        "certain",
        rf"\b(?:they|{_DOCTOR})(?:'re|'s|\s+are|\s+is|\s+seem|\s+seems|\s+seemed|\s+were|\s+was)\s+(?:very\s+"
        r"|really\s+|pretty\s+|quite\s+|totally\s+|completely\s+|100%\s+|absolutely\s+|so\s+)?(?:sure"
        r"|certain|positive|confident(?=\s+(?:it's|its|it\s+is|it\s+was|that|(?:about|in|of)\s+the\s+diagnosis)))\b"
        rf"|\b(?:they|{_DOCTOR})\s+(?:all\s+|both\s+)?agree\b(?!\s+(?:with\s+me|to))"
        r"|\b(?:biopsy|pathology|path\s+report|diagnosis)\s+(?:was\s+|has\s+been\s+|is\s+)?(?:confirmed"
        r"|came\s+back\s+positive|was\s+positive)\b|\bconfirmed\s+(?:it\s+)?(?:by|with|on)\s+(?:a\s+|the\s+)?"
        r"(?:biopsy|pathology|tests?|scans?)\b|\bbiopsy\s+(?:showed|proved)\s+it\b",
    ),
    # rare_condition
    _fact(
        "rare_condition",
        "yes",
        r"\b(?:rare|uncommon)\s+(?:\w+\s+)?(?:disease|disorder|condition|cancer|tumou?r|type|form|kind"
        r"|variant|subtype|illness|syndrome|genetic|one|thing|case|diagnosis)\b"
        r"|\b(?:it's|it\s+is|its|it\s+was|that's|which\s+is|is|very|super|extremely|really|pretty|quite"
        r"|so|considered|called)\s+(?:(?:very|super|extremely|really|pretty|quite|so)\s+)?(?:rare|uncommon)\b"
        r"(?=\s*(?:$|[,.!?;]|and\b|apparently\b|like\b|only\b))"
        r"|\borphan\s+disease\b|\b(?:very\s+)?few\s+people\s+(?:have|get)\s+(?:it|this)\b",
    ),
    _fact(
        "rare_condition",
        "no",
        r"\b(?:not|isn't|is\s+not|wasn't)\s+(?:a\s+)?(?:(?:that|very|so|really|super|particularly)\s+)?rare\b"
        r"|\b(?:it's|it\s+is|its|that's|which\s+is)\s+(?:a\s+)?(?:(?:very|really|super|pretty|quite|fairly"
        r"|so|extremely)\s+)?common\b(?!\s+(?:to|for|that|sense|side|question|worry|fear|thing))"
        r"|\bcommon\s+(?:\w+\s+)?(?:disease|disorder|condition|cancer|type|form|kind|illness|problem)s?\b"
        r"|\b(?:lots\s+of|many|plenty\s+of)\s+people\s+(?:have|get)\s+(?:it|this)\b",
    ),
    # not_improving ("yes" = not getting better)
    _fact(
        "not_improving",
        "yes",
        r"\b(?:keeps?|kept|keep\s+on)\s+getting\s+worse\b|\bworse\s+and\s+worse\b|\bworsening\b"
        r"|\b(?<!from\s)(?:getting|gotten|got|becoming|became|grown|growing|is|are|'s|'re|feels|feeling"
        r"|seems)\s+"
        r"(?:even\s+|much\s+|way\s+|a\s+lot\s+|a\s+little\s+|a\s+bit\s+)?worse\b"
        r"(?!\s+(?:than\s+(?!before|last|yesterday|ever|a\s+(?:week|month|year)\s+ago)|about))"
        r"|\b(?:not|isn't|aren't|hasn't|haven't|never)\s+(?:been\s+)?(?:(?:getting|gotten|got|feeling|any"
        r"|really|much)\s+)*(?:better|improv(?:ing|ed))\b|\bno\s+better\b"
        r"|\bno\s+(?:real\s+|big\s+)?improvement\b"
        r"|\b(?:meds?|medicines?|medications?|pills|drugs?|treatments?|therapy|therapies|chemo\w*"
        r"|radiation|pt|physical\s+therapy|injections?|shots?|antibiotics|steroids|inhalers?)\s+(?:\w+\s+)?"
        r"(?:isn't|aren't|is\s+not|are\s+not|hasn't|haven't|has\s+not|have\s+not|doesn't|don't|didn't|not"
        r"|never|stopped|'s\s+not|'re\s+not)\s+(?:been\s+|really\s+|even\s+)?(?:help|helped|helping|work"
        r"|worked|working|doing\s+(?:anything|much)|making\s+a\s+difference)\b"
        r"|\bnothing\s+(?:helps|works|is\s+(?:helping|working)|has\s+(?:helped|worked)|seems\s+to\s+help)\b"
        r"|\bstill\s+(?:in\s+(?:a\s+lot\s+of\s+)?pain|hurts?|hurting|sick|having\s+(?:symptoms|pain|seizures)"
        r"|(?:has|have)\s+(?:symptoms|pain))\b"
        r"|\b(?:symptoms?|pain|cough|headaches?|seizures?|fatigue|swelling)\s+(?:is|are|has\s+been|have\s+been"
        r"|stayed|stay|stays|staying|remains?|remained|'s|'re)\s+(?:still\s+|about\s+|basically\s+|pretty\s+"
        r"much\s+|exactly\s+)?(?:the\s+same|unchanged)\b"
        r"|\b(?:symptoms?|pain|cough|headaches?|seizures?|swelling)\s+(?:came|comes|has\s+come|have\s+come"
        r"|keeps?\s+coming)\s+back\b"
        r"|\b(?:symptoms?|pain|cough|headaches?|seizures?|fatigue|swelling)\s+(?:haven't|hasn't|have\s+not"
        r"|has\s+not)\s+(?:changed|budged|improved|gotten\s+better|eased|gone\s+away)\b",
    ),
    _fact(
        "not_improving",
        "no",
        r"\b(?:is|are|'s|'re|am|'m|has\s+been|have\s+been|'ve\s+been|seems\s+to\s+be|finally)\s+(?:slowly\s+"
        r"|really\s+|definitely\s+|already\s+|actually\s+|finally\s+|steadily\s+)?(?:getting|feeling|doing)\s+"
        r"(?:a\s+(?:bit|little|lot)\s+|much\s+|way\s+|so\s+much\s+|somewhat\s+)?better\b"
        r"|\b(?:symptoms?|pain|it|she|he|i|things|cough|seizures?|headaches?)\s+(?:is|are|'s|'re|am|'m"
        r"|has\s+been|have\s+been|seems?)\s+(?:slowly\s+|really\s+|definitely\s+|actually\s+|steadily\s+)?"
        r"improving\b"
        r"|\b(?:symptoms?|pain|cough|seizures?|headaches?|swelling)\s+(?:have|has)\s+(?:really\s+|mostly\s+)?"
        r"(?:improved|gone\s+(?:away|down)|eased|cleared\s+up)\b"
        r"|^(?:getting|feeling|doing)\s+(?:a\s+(?:bit|little|lot)\s+|much\s+|way\s+)?better\b"
        r"(?!\s+(?:care|doctors?|answers|options|treatment|help|at))"
        r"|\b(?:i'm|she's|he's|i\s+am|she\s+is|he\s+is|things\s+are)\s+(?:a\s+(?:bit|little|lot)\s+|much\s+|way\s+"
        r"|so\s+much\s+|somewhat\s+)?better\b(?!\s+(?:off|at|to|for|than\s+(?:the|a|my|her|his)))"
        r"|\b(?:symptoms?|pain|cough|seizures?|headaches?)\s+(?:is|are|'s|'re|feels?|seems?)\s+(?:a\s+(?:bit"
        r"|little|lot)\s+|much\s+|way\s+|so\s+much\s+|somewhat\s+)?(?:better|gone|going\s+away)\b"
        r"|\b(?:meds?|medicines?|medications?|pills|drugs?|treatments?|therapy|chemo\w*|radiation|pt"
        r"|physical\s+therapy|injections?|shots?)\s+(?:is|are|'s|'re|has\s+been|have\s+been|seems?\s+to\s+be)"
        r"\s+(?:really\s+|actually\s+|definitely\s+)?(?:working|helping)\b",
    ),
    # insurer_requires
    _fact(
        "insurer_requires",
        "no",
        rf"\b{_INSURER}\s+(?:\w+\s+){{0,2}}?(?:doesn't|does\s+not|don't|didn't|won't|do\s+not|did\s+not"
        r"|never)\s+(?:require|need|make|ask\s+for|mandate)\w*"
        r"|\b(?:second|2nd)\s+opinion\s+(?:is|'s)\s+(?:not|n't)\s+(?:required|mandatory)\b"
        rf"|\b{_INSURER}\b{_GAP}(?:says?|said|told\s+(?:me|us|her|him))\s+(?:that\s+)?(?:it's|it\s+is|its|one\s+is)\s+"
        r"optional\b"
        rf"|\bnot\s+(?:required|mandatory|needed)\s+by\s+(?:my|the|her|his|our)\s+{_INSURER}"
        r"|\b(?:i|we|she|he|they)\s+(?:don't|doesn't|do\s+not|does\s+not)\s+have\s+(?:any\s+|health\s+)?"
        r"insurance\b|\buninsured\b|\b(?:have|has)\s+no\s+(?:health\s+)?insurance\b",
    ),
    _fact(
        "insurer_requires",
        "yes",
        rf"\b{_INSURER}\b{_GAP}(?:(?:requires?|required|requiring|mandates?|mandated|insists\s+on|wants?"
        r"|needs?|asks?\s+for|asked\s+for|makes?\s+(?:me|us|her|him|them|you)\s+(?:get|have))\s+"
        r"|(?:says?|said|told\s+(?:me|us|her|him|them))\s+(?:that\s+)?(?:i|we|she|he|they|you)\s+(?:need"
        r"|needs|needed|have\s+to|has\s+to|had\s+to|must)\s+(?:to\s+)?(?:get\s+|have\s+)?)"
        rf"(?:to\s+(?:get|have)\s+)?{_SECOND_OPINION}"
        rf"|\b{_INSURER}\b{_GAP}(?:says?|said)\s+(?:that\s+)?(?:a\s+)?(?:second|2nd)\s+opinion\s+(?:is|was)\s+"
        r"(?:mandatory|required|a\s+must|needed)\b"
        rf"|\b(?:second|2nd)\s+opinion\s+(?:is|was|'s)\s+(?:required|mandatory|needed)\s+(?:by|for)\s+"
        rf"(?:my|the|her|his|our)\s+{_INSURER}"
        rf"|\b{_INSURER}\b{_GAP}(?:says?|said)\s+(?:it's|it\s+is|its)\s+(?:mandatory|required)\b"
        r"|\b(?:it's|it\s+is|it\s+was|one\s+is|that's)\s+(?:required|mandatory)\s+(?:by|for)\s+"
        rf"(?:my|the|her|his|our)\s+{_INSURER}",
    ),
    # confidence (the person's, or the one they help: never the doctor's)
    _fact(
        "confidence",
        "not_confident",
        rf"{_FEELING_START}{_FEAR_INTENSITY}{_FEAR}\b{_FEELING_ABOUT}"
        rf"|\b{_PERSON}\s+(?:really\s+|just\s+)?(?:don't|do\s+not|doesn't|does\s+not|can't|cannot|didn't"
        r"|no\s+longer|never)\s+(?:really\s+|fully\s+|totally\s+|completely\s+|quite\s+)?trust\s+(?:my|the"
        r"|her|his|this|our|their|them|him|it|what)\b"
        r"|\b(?:i'm|i\s+am|we're)\s+not\s+sure\s+(?:if\s+|that\s+)?(?:i|we)\s+(?:can\s+)?trust\b"
        r"|\b(?:have|has|'ve)\s+(?:no|zero|lost\s+(?:all\s+)?)\s*(?:confidence|trust|faith)\s+in\b"
        rf"|\b{_PERSON}\s+(?:have|had|'ve\s+got|got|'ve\s+had)\s+(?:serious\s+|real\s+|big\s+|a\s+lot\s+of\s+"
        r"|lots\s+of\s+)?doubts\b"
        r"|(?:^|\b(?:and|feel|feeling)\s+|\b(?:i'm|i\s+am|we're|we\s+are)\s+(?:just\s+|really\s+)?)not\s+"
        r"(?:very\s+|that\s+|too\s+|so\s+|really\s+|at\s+all\s+|feeling\s+)?confident\b"
        rf"|\b{_PERSON}\s+(?:don't|do\s+not|doesn't|does\s+not)\s+(?:really\s+|fully\s+)?feel\s+"
        r"(?:very\s+|that\s+|too\s+|so\s+|really\s+)?(?:confident|good|comfortable|sure)(?:\s+(?:about|in|with)\b"
        r"|(?=\s*(?:$|[,.!?;]|at\s+all\b)))",
    ),
    _fact(
        "confidence",
        "somewhat",
        rf"{_FEELING_START}{_FEAR_INTENSITY}{_MILDLY}{_FEAR}\b{_FEELING_ABOUT}"
        r"|\b(?:somewhat|fairly|kinda|kind\s+of|sort\s+of|sorta|mostly|partly|moderately)\s+(?:confident"
        rf"|comfortable)\b|\b{_PERSON}\s+(?:have|had|'ve\s+got|got)\s+(?:some|a\s+few|a\s+little|a\s+bit\s+of)"
        r"\s+doubts\b|\bon\s+the\s+fence\b",
    ),
    _fact(
        "confidence",
        "confident",
        r"\b(?:i|we)\s+(?:really\s+|totally\s+|completely\s+|fully\s+)?trust\s+(?:my|the|her|his"
        r"|our|this|them|him)\b"
        r"|\b(?:i'm|i\s+am|i\s+feel|we're|we\s+feel|she\s+feels|he\s+feels|feeling|feel)\s+"
        r"(?:(?:very|really|totally|completely|fully|pretty|quite|so|super|100%)\s+)?(?:confident|good|great"
        r"|comfortable|at\s+peace)\s+(?:about|in|with)\s+(?:my|the|her|his|our|this|them|him|it|what)\b"
        r"|\b(?:i'm|i\s+am|we're|we\s+are)\s+(?:(?:very|really|totally|pretty|quite|fully)\s+)?confident\b"
        r"(?=\s*(?:$|[,.!?;]|in\b|about\b|with\b))",
    ),
)
_CODE_ORDER: dict[str, tuple[str, ...]] = {
    slot: tuple(dict.fromkeys(rule.code for rule in _FACTS if rule.slot == slot)) for slot in ANSWER_CODES
}


def _clauses(text: str) -> list[tuple[str, str]]:
    """(sentence, clause) pairs, leaving out questions: "can they operate next week" is no fact."""
    pairs = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        for clause in _CLAUSE_BREAK.split(sentence):
            clause = _LEADING_ANSWER.sub("", clause.strip(" .!?;\n"))
            if clause and not opens_as_question(clause):
                pairs.append((sentence.strip(" .!?;\n"), clause))
    return pairs


def _stated(where: str, match: re.Match[str], *, hedged: bool = False, feeling: bool = False) -> bool:
    """Whether a phrase is said as a fact: not negated, hedged or conditional ("if the doctors
    disagree"), and for a feeling not the doctor's ("the surgeon is confident")."""
    before = where[: match.start()]
    return not (
        _CONDITIONAL.search(before)
        or (not hedged and _HEDGE.search(before))
        or (feeling and _DOCTOR_SPEAKING.search(before))
        or _NEGATION.search(before)
    )


def _is_treatment_time(clause: str, treatments: list[str]) -> bool:
    """Timing counts only in a clause about treatment, and not about an appointment or a test."""
    if _NOT_TREATMENT_TIME.search(clause):
        return False
    return bool(_TREATMENT_WORD.search(clause)) or any(
        re.search(rf"\b{re.escape(name)}\b", clause) for name in treatments
    )


def _duration_in(clause: str) -> str | None:
    """A start date as a duration: "in 2 weeks", "3 weeks from now", "doesn't start for 2 months".

    "For 2 weeks" or "2 weeks ago" is no start date.
    """
    for pattern in (_IN_DURATION, _DURATION_FROM_NOW):
        found = pattern.search(clause)
        if found and _stated(clause, found):
            return duration_code(found)
    found = _START_AFTER.search(clause)
    return duration_code(found) if found else None


def duration_code(duration: re.Match[str]) -> str:
    """A matched duration as a code: up to 7 days is days, under 30 weeks, else months (the buttons)."""
    days = duration_days(duration)
    return "days" if days <= 7 else "weeks" if days < 30 else "months"


def facts_in_text(text: str) -> dict[str, str]:
    """Answer codes that a message gives for the assessment's questions without being asked.

    Strict on purpose (see above): only explicit phrases, never "not sure" (that needs the
    question), and for the timing only next to a treatment ("surgery in 2 weeks", not "my
    appointment is in 2 weeks"). Returns slot -> code for the slots it is sure about.
    """
    if not text or split_button_payload(text.strip()) is not None:
        return {}
    spelled = spell_out(text)
    treatments = [m.text for m in vocabulary.find_mentions(spelled) if m.entity == "treatment"]
    found: dict[str, set[str]] = {}
    for sentence, clause in _clauses(spelled):
        timing_ok = _is_treatment_time(clause, treatments)
        for rule in _FACTS:
            where = sentence if rule.sentence else clause
            if rule.timing and not timing_ok:
                continue
            feeling = rule.slot == "confidence"
            if any(_stated(where, m, hedged=rule.hedged, feeling=feeling) for m in rule.pattern.finditer(where)):
                found.setdefault(rule.slot, set()).add(rule.code)
        if timing_ok and (code := _duration_in(clause)):
            found.setdefault("urgency", set()).add(code)
    return {
        slot: next(code for code in _CODE_ORDER[slot] if code in codes) for slot, codes in found.items()
    }
