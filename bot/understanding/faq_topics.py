"""Is a message about what a given FAQ answers? An FAQ answer is given only when it is.

Why: the response selector always picks the closest of the sixteen FAQ answers, however far that
is. "does dementia run in families" shares "how many" shapes with "how many opinions can I get"
and got "there's no set limit to how many opinions"; a question about a medicine got the 30 days
a hospital has to send records. An answer about something the person did not ask is worse than
"did you mean": it tells them they were understood. So each FAQ names the subject a message must
mention for its answer to fit - in groups that must all be present (the records FAQs need the
records and the fee, or the time) - and the intent holds (`bot/rasa_ext/safety_override.py`)
drop an FAQ reading whose subject is missing.

The groups are deliberately wide (many ways to say "cost"): they are a check against answers to
the wrong subject, not a second classifier.
"""

from __future__ import annotations

import re

from bot.understanding.shorthand import spell_out

_OPINION = r"opinion|another\s+(?:doctor|dr|specialist|look)|different\s+(?:doctor|dr)|second\s+look|2nd\s+look"
_RECORDS = (
    r"record|chart|file|cop(?:y|ies)|copying|slides?|scans?|images?|imaging|results|paperwork|notes|report"
    r"|search\s+fee|30\s+(?:calendar\s+)?days"
)
_CARE = r"treat|surgery|operat|chemo|radiation|therap|procedure|start|decid|decision|plan"

_SUBJECTS: dict[str, tuple[str, ...]] = {
    "what_is_second_opinion": (_OPINION,),
    "why_get_one": (_OPINION + r"|misdiagnos|wrong|mistake|worth|point|bother|why",),
    "doctor_offended": (
        r"offend|rude|mad\b|angry|upset|insult|feelings|relationship|awkward|trust|betray|annoy|feel\s+bad"
        r"|mind\b|dump|fire\b|disloyal|cheat|behind\s+(?:his|her|their)\s+back|tell\s+(?:my|the)\s+doctor"
        r"|think\s+i\s+don'?t|personal|hold\s+it\s+against|resent|hurt|jealous|ok\s+with\s+it|okay\s+with\s+it",
    ),
    "how_many_opinions": (
        r"how\s+many|third|3rd|fourth|4th|limit|too\s+many|more\s+than\s+(?:one|two)|several|multiple|another\s+one"
        r"|keep\s+(?:getting|asking|seeing)|max|number\s+of|three|four|five|different\s+(?:hospitals|doctors|places)"
        r"|more\s+opinions|stop\s+after|enough",
    ),
    "how_long_wait": (
        _OPINION + "|" + _CARE,
        r"wait|delay|how\s+long|time|take|weeks?|months?|days?|hurry|rush|soon|quick|fast|postpone|put\s+off|first"
        r"|slow|push\s+(?:it\s+)?back|hold\s+off|later",
    ),
    "insurance_coverage": (
        r"insur|cover|pay|cost|price|afford|expensive|cheap|referral|copay|co-pay|out\s+of\s+pocket|bill|charge|plan\b"
        r"|blue\s+cross|aetna|cigna|humana|kaiser|united|hmo|ppo|money|free|network|deductible|\$",
    ),
    "medicare": (r"medicare|medicaid|part\s+[abcd]\b|medigap|medi-cal",),
    "find_specialist": (
        r"find|where|who\b|specialist|expert|cent(?:er|re)|hospital|clinic|best|top\b|recommend|good\s+(?:doctor|dr)"
        r"|nci|mayo|university|academic|look\s+for|search|choose|pick",
    ),
    "remote_opinion": (
        r"online|virtual|remote|tele|video|travel|far\b|distance|mail|another\s+state|other\s+state|from\s+home|zoom"
        r"|phone|internet|without\s+(?:going|visiting|seeing)|ship|send\s+(?:my|the)",
    ),
    "what_to_bring": (
        r"bring|take\s+(?:with|along|to)|documents?|papers?|prepare|need\s+to\s+have|carry|scans|slides|files|what\s+do\s+i\s+need"
        r"|ready|pack|checklist",
    ),
    "opinions_differ": (
        r"differ|disagree|different|contradict|conflict|don'?t\s+match|do\s+not\s+match|agree|believe|trust|two\s+doctors"
        r"|both\s+doctors|tie-?break|opposite|which\s+(?:one|doctor)|who\s+(?:is|'s)\s+right|not\s+the\s+same|confus",
    ),
    "family_help": (
        r"family|relative|daughter|son\b|wife|husband|mom|mother|mum|dad|father|parent|child|kid|spouse|partner|friend"
        r"|loved\s+one|caregiver|care\s*giver|behalf|for\s+(?:him|her|them)|come\s+with|sister|brother|grand|aunt|uncle"
        r"|niece|nephew|proxy|power\s+of\s+attorney|someone\s+else",
    ),
    "patient_advocate": (r"advocate|navigator|you\s+(?:do|help)|difference\s+between\s+you|what\s+are\s+you",),
    "records_rights": (
        _RECORDS,
        r"right|law|legal|hipaa|refuse|allowed|entitled|mine\b|own\b|have\s+to|deny|denied|why\s+i\s+want|required"
        r"|obligat|can\s+they|won'?t\s+give|not\s+giving|keep\s+(?:them|it)|reason|why|from\s+me",
    ),
    "records_fees": (_RECORDS, r"charg|fee|cost|pay|price|\$|free|expensive|money|dollar|bill|afford"),
    "records_time": (
        _RECORDS,
        r"how\s+long|days?|weeks?|months?|deadline|time|when|wait|take|slow|still|respond|quick|fast|yet|late",
    ),
}
_COMPILED = {
    key: tuple(re.compile(rf"(?<!\w)(?:{group})", re.IGNORECASE) for group in groups)
    for key, groups in _SUBJECTS.items()
}

FAQ_KEYS = frozenset(_SUBJECTS)


def is_about(faq: str, text: str) -> bool:
    """Whether `text` mentions the subject of FAQ `faq` ("faq/records_fees" or "records_fees").

    An FAQ this module does not know is taken as fitting: a new FAQ must not be silenced here by
    accident (a test checks every FAQ of the domain is listed).
    """
    groups = _COMPILED.get(faq.removeprefix("faq/"))
    if groups is None:
        return True
    # As typed, and only if that misses, with phone shorthand spelled out ("hw long does it tk").
    typed = text.replace("\u2019", "'")
    return all(group.search(typed) for group in groups) or all(group.search(spell_out(text)) for group in groups)
