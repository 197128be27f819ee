"""Risk in what a person wrote, read on every message, in every state (forms and handoffs too).

A classifier can miss "kms" or a misspelt "cant breath"; for these two situations a missed message
is far worse than an extra safety reply, so fixed, reviewable patterns decide. Both lists lean
towards flagging; the exceptions below exist only where a false alarm would derail an ordinary
conversation about a diagnosis.

`detect_risk(text)` returns "self_harm", "emergency" or None. Self-harm wins when both match: the
crisis reply also says to call 911, the emergency reply would not give 988.

Self-harm: suicidal ideation and self-harm, direct or indirect ("don't want to live", "end it all",
"kms", "better off dead", "take all my pills", "stockpiling my oxycodone"), also about someone
else ("my son wants to kill himself"). Only an explicit denial right before the phrase clears it ("I'm not suicidal",
"I would never hurt myself"); "I don't want to die" is fear, not ideation, and is not flagged.

Emergency: chest pain/pressure, can't breathe, stroke signs (face or mouth drooping, slurred speech
or words that won't come out, a weak or numb arm, one side), severe bleeding (soaking through pads
or towels), unconscious/unresponsive or about to faint, seizure, accidental overdose (a child who
ate a handful of pills), throat swelling, turning blue. A match is ignored when:
- it is negated right before it ("no chest pain", "she's not having a seizure");
- its sentence talks about the past and says nothing about now ("chest pain is why I went to the
  doctor last month", "he passed out last year");
- its sentence asks for information and nobody is described as having it ("Does radiation cause
  trouble breathing?", "is slurred speech a sign of MS?", "what happens if I overdose?", "can
  heartburn feel like chest pain?", "how can you tell if chest pain is serious?").
Known limits: a bare "stroke", "seizures" or "heart attack" (a diagnosis, not an event) is never an
emergency, nor is "it's an emergency" without a symptom (the assessment reads that as urgency);
"suicide" in a question about statistics is still flagged; a long story mixing past and present
("last week... and now") counts as present whenever "now"/"still" appear; "I'm not going to kill
myself" is flagged (only a denial directly before the phrase clears it).
"""

from __future__ import annotations

import re

SELF_HARM = "self_harm"
EMERGENCY = "emergency"

_F = re.IGNORECASE
_APOS = "['\u2019]?"
_CANT = rf"(?:can{_APOS}t|cannot|can\s+not|cant|cnt|cn{_APOS}t|unable\s+to|could\s*n{_APOS}t|barely|hardly)"
_WONT = rf"(?:won{_APOS}t|wont|will\s+not|doesn{_APOS}t|does\s+not|isn{_APOS}t)"
_SELF = r"(?:my\s*self|myself|himself|herself|themselves|themself|ourselves)"
_WHOSE = r"(?:my|his|her|their|our)"

# Self-harm and suicidal ideation, direct or indirect, about oneself or someone else.
_SELF_HARM_PATTERNS = [
    r"\bsu+[iy]?[cs]+[iy]?de?(?:al|s)?\b",  # suicide, suicidal, sucide, suicde, suiside
    r"\bsuicid\w*",
    r"\bsewer\s*slide\b",
    rf"\b(?:kill|killing|kil|hang|hanging|hurt|hurting|harm|harming|cut|cutting|shoot|shooting"
    rf"|poison|poisoning|drown|drowning|starve|starving|burn|burned|burnt|burning|hit|hitting|scratch|scratching)"
    rf"\s+{_SELF}\b",
    rf"\b(?:i{_APOS}m|im|i\s+am|been|keep|started|start)\s+(?:cutting|burning)\b(?!\s+(?:back|down|out|the|my\s+hair|costs?))",
    # where a person stands, and what they look up
    r"\b(?:edge|ledge|top)\s+of\s+(?:the|a|this)\s+(?:\w+\s+){0,3}?(?:roof|bridge|building|cliff|balcony|garage|overpass|deck|tower|dam)\b",
    r"\bstanding\s+on\s+(?:the|a)\s+(?:\w+\s+)?(?:bridge|roof|ledge|tracks)\b",
    r"\bhow\s+many\s+(?:of\s+)?(?:my\s+|his\s+|her\s+|the\s+)?(?:\w+\s+){0,2}?(?:pills|tablets|meds|capsules)\s+"
    r"(?:it\s+)?(?:would|will|does|to)\s+(?:it\s+)?(?:take|kill)\b",
    # saying goodbye, being a burden, not being here
    rf"\b(?:won{_APOS}t|wont|will\s+not|not\s+going\s+to)\s+be\s+a\s+burden\b",
    r"\b(?:got|has|have|had|took|taking|holding)\s+(?:out\s+)?(?:his|her|my|their|a)\s+(?:gun|rifle|pistol|firearm)"
    r"(?:\s+out)?\b",
    rf"\b(?:don{_APOS}t|dont|do\s+not)\s+(?:plan|intend|expect)\s+(?:on|to)\s+(?:being|be)\s+(?:here|around|alive)\b",
    rf"\b(?:won{_APOS}t|wont|will\s+not)\s+be\s+(?:here|around|alive)\s+(?:by\s+then|much\s+longer|anymore|for\s+long)\b",
    r"\b(?:texted|sent|said|wrote|posted|messaged)\s+(?:me\s+|us\s+|everyone\s+)?(?:a\s+)?goodbye\b",
    r"\b(?:tonight|today)\s+(?:is|will\s+be)\s+(?:my|her|his|their)\s+last\s+(?:night|day)\b",
    r"\bgiv(?:e|ing|en)\s+away\s+(?:all\s+)?(?:my|her|his|their)\s+(?:things|stuff|belongings|possessions)\b",
    r"\b(?:look|looks|seem|seems)\s+like\s+an\s+accident\b",
    r"\b(?:no\s+one|nobody)\s+would\s+(?:even\s+)?(?:notice|care|miss\s+me)\b",
    r"\bunalive\w*",
    r"\bkms\b",
    r"\bself[\s\-]*harm\w*",
    rf"\b(?:end|ending|ended|take|taking|took)\s+{_WHOSE}\s+(?:own\s+)?li(?:fe|ves)\b",
    r"\bend(?:ing)?\s+(?:it|things|everything)(?:\s+all)?\b",
    r"\b(?:want|wants|wanted|wanna|ready|rather|like)\s+(?:to\s+)?die\b",
    r"\b(?:want|wants|wanted|wanna)\s+(?:it|it\s+all|everything)\s+(?:to\s+)?(?:be\s+)?(?:over|end)\b",
    rf"\b(?:don{_APOS}t|dont|do\s+not|doesn{_APOS}t|does\s+not|didn{_APOS}t|no\s+longer)\s+"
    rf"(?:want|wanna|wish)\s+(?:to\s+)?(?:live|be\s+alive|be\s+here|exist|wake\s+up|go\s+on)\b",
    r"\bwish\s+(?:i|he|she|they)\s+(?:was|were|could\s+be|would\s+be)\s+dead\b",
    rf"\bwish\s+(?:i|he|she|they)\s+(?:just\s+)?(?:wouldn{_APOS}t|would\s+not|didn{_APOS}t|did\s+not"
    rf"|won{_APOS}t|will\s+not)\s+wake\s+up\b",
    rf"\b(?:hoping|hope)\s+(?:i|he|she|they)\s+(?:won{_APOS}t|don{_APOS}t|never)\s+wake\s+up\b",
    r"\bbetter\s+off\s+(?:dead|without\s+me|without\s+him|without\s+her|if\s+i\s+was\s+gone)\b",
    r"\bno(?:thing)?\s+(?:reason|point)\s+(?:to|in|of)\s+(?:keep\s+)?(?:living|live|going\s+on|life)\b",
    r"\bnothing\s+(?:left\s+)?to\s+live\s+for\b",
    r"\bno\s+point\s+(?:in\s+)?(?:living|going\s+on|being\s+alive)\b",
    r"\bwhat'?s\s+the\s+point\s+of\s+(?:living|going\s+on|life)\b",
    r"\bgiv(?:e|ing)\s+up\s+on\s+(?:life|living)\b",
    r"\bnot\s+(?:being\s+)?alive\b",
    r"\bnobody\s+would\s+(?:miss|care\s+if)\b",
    r"\bno\s+(?:way\s+out|one\s+would\s+miss)\b",
    rf"\b(?:don{_APOS}t|dont|can{_APOS}t|cant)\s+see\s+(?:a|any)\s+way\s+out\b",
    r"\bdisappear\w*\s+(?:for\s+good|forever)\b",
    r"\b(?:take|taking|took|swallow|swallowing|swallowed)\s+(?:all|a\s+bottle|the\s+whole\s+bottle)"
    r"\s+(?:of\s+)?(?:my\s+|the\s+|his\s+|her\s+)?(?:pills|meds|medication|medicine|tablets)\b",
    r"\b(?:overdos\w*|od|pills|jump\w*)\b[^.!?]*\b(?:on\s+purpose|intentionally|deliberately"
    r"|to\s+die|to\s+end\s+it|because\s+i\s+want)\b",
    r"\bpills\s+saved\s+up\b",
    # keeping medicine back: "saving up my sleeping pills", "stockpiling my oxycodone"
    r"\b(?:sav(?:e|ed|ing)\s+up|stockpil\w*|hoard\w*)\s+(?:all\s+)?(?:my\s+|his\s+|her\s+|their\s+)?(?:\w+\s+)?"
    r"(?:pills|meds|tablets|medication|sleeping\s+pills|opioids?|painkillers?|insulin"
    r"|\w+(?:codone|morphone|adol|azepam|azolam|barbital|phine|tanyl))\b",
    r"\btonight\s+is\s+the\s+night\b",
    r"\bjump(?:ing)?\s+off\s+(?:a|the|of)\b",
    r"\bplanning\s+how\s+to\s+(?:die|end)\b",
    r"\bextra\s+pills\s+hoping\b",
    r"\bcan'?t\s+(?:do|take)\s+(?:this|it)\s+any\s*more\b.*\b(?:end|die|over|gone)\b",
    r"\btired\s+of\s+(?:being\s+alive|living|life)\b",
    rf"\blife\s+(?:{_WONT}|is\s+not|isnt)\s+(?:feel\s+|seem\s+)?worth\s+(?:living|it)\b",
    r"\b(?:better|happier)(?:\s+off)?\s+if\s+(?:i|he|she|they)\s+(?:just\s+|simply\s+|really\s+)?"
    r"(?:wasn'?t|weren'?t|was\s+not|were\s+not)\s+(?:around|here|alive)\b",
    r"\b(?:better|happier)(?:\s+off)?\s+if\s+(?:i|he|she|they)\s+(?:was|were)\s+(?:gone|dead)\b",
    rf"\b(?:don{_APOS}t|dont|do\s+not)\s+(?:think\s+(?:i|he|she)\s+)?wants?\s+to\s+keep\s+(?:living|going)\b",
    r"\bto\s+never\s+wake\s+up\b",
    # "I just want to go to sleep and never wake up", "some nights I hope I just never wake up"
    rf"\b(?:i|he|she|they)(?:{_APOS}d|\s+would)?\s+(?:just\s+|really\s+|honestly\s+)?(?:want|wants|wanted|wanna|wish"
    rf"|wishes|wished|hope|hopes|like|rather)\s+(?:to\s+|(?:i|he|she|they)\s+could\s+)?(?:(?:go\s+to|fall)\s+)?"
    rf"(?:sleep|asleep)\s+and\s+(?:never|not)\s+(?:ever\s+)?wake\s+up\b",
    rf"\b(?:hoping|hope|wish|wishing)\s+(?:i|he|she|they)\s+(?:just\s+)?(?:won{_APOS}t|wont|don{_APOS}t|dont|never)\s+wake\s+up\b",
    r"\b(?:i|he|she|they)\s+(?:just\s+)?(?:want|wants|wanna|wish|wishes)\s+(?:to\s+|(?:i|he|she|they)\s+could\s+)?"
    r"sleep\s+forever\b",
    rf"\bwhat\s+(?:i|he|she|they)\s+(?:might|could|would|will)\s+do\s+to\s+{_SELF}\b",
]

# Emergency symptoms happening to someone: chest, breathing, stroke signs, bleeding, overdose ...
_EMERGENCY_PATTERNS = [
    # chest
    r"\bchest\s+(?:pains?|pressure|tightness|hurts?|hurting|is\s+(?:hurting|tight|heavy))\b",
    r"\bchest\s+(?:has\s+been|'s\s+been|been|keeps?|started|is\s+still)\s+(?:hurting|aching|tight|burning|pounding)\b",
    r"\b(?:gripping|clutching|grabbing|holding)\s+(?:his|her|my|their)\s+chest\b",
    r"\b(?:pain|pressure|tightness)\s+in\s+(?:my|his|her|the)\s+chest\b",
    r"\b(?:crushing|tight|heavy)\s+chest\b",
    r"\bhaving\s+a\s+heart\s+attack\b",
    # breathing
    rf"\b{_CANT}\s+(?:even\s+)?(?:breath|breathe|breathing|brethe|breth|catch\s+{_WHOSE}\s+breath)\b",
    r"\b(?:struggling|fighting|gasping)\s+(?:to|for)\s+(?:breathe|breath|air)\b",
    r"\b(?:trouble|difficulty|problems?)\s+breathing\b",
    r"\bhard\s+(?:to|time)\s+breath(?:e|ing)?\b",
    rf"\b(?:not|isn{_APOS}t|stopped|stop)\s+breathing\b",
    r"\b(?:turning|turned|going)\s+blue\b",
    r"\b(?:throat|tongue|lips?)\s+(?:is\s+|are\s+|feels?\s+)?(?:closing|swelling|swollen|tingl\w*|tight)\b",
    r"\b(?:brth|breth|breathe?)\b[^.!?]{0,40}\b(?:inhaler|puffer)\s+(?:not|isn'?t|is\s+not|doesn'?t|didn'?t)\b",
    r"\b(?:inhaler|puffer)\s+(?:is\s+)?(?:not|isn'?t|doesn'?t|didn'?t)\s+(?:help|work)",
    r"\bhives\b[^.!?]{0,60}\b(?:faint|dizzy|throat|breath|swell)",
    r"\b(?:stung|sting|bee|wasp|peanuts?|nuts?|shellfish)\b[^.!?]{0,60}\b(?:throat|can'?t\s+breathe|faint|passing\s+out)",
    r"\bchoking\b(?!\s+up)",
    # stroke signs
    r"\bhaving\s+a\s+stroke\b",
    r"\bface\s+(?:is\s+|went\s+|looks?\s+|got\s+)?(?:droop\w*|drooping|numb|lopsided|crooked|uneven|weird)|\bdroop(?:y|ing)\s+face\b|\bface\s+is\s+droopy\b",
    r"\bone\s+side\s+of\s+(?:my|his|her|their|the)\s+(?:face|body|mouth)\b",
    r"\b(?:mouth|lips?|smile)\s+(?:is\s+|was\s+|went\s+|looks?\s+|got\s+)?(?:all\s+)?(?:droop\w*|crooked|lopsided|uneven)",
    rf"\b{_CANT}\s+get\s+(?:{_WHOSE}|the|any)\s+words\s+out\b",
    r"\b(?:left|right)\s+side\s+of\s+(?:my|his|her|the)\s+body\b",
    r"\bslurr?(?:ed|ing)\s+(?:speech|words|(?:my|his|her|their)\s+words)\b|\bspeech\s+is\s+slurred\b",
    r"\bwords\s+are\s+(?:all\s+)?(?:jumbled|garbled|slurred)\b",
    rf"\b{_CANT}\s+(?:lift|raise|move|feel)\s+(?:{_WHOSE}|the)\s+(?:arm|leg|left|right)",
    r"\b(?:arm|leg)\s+(?:is\s+|feels\s+|went\s+|goes\s+)?(?:numb|weak|limp|dead)\b",
    rf"\b{_CANT}\s+(?:smile|talk|speak)\s+(?:on\s+one\s+side|properly|at\s+all|anymore)?",
    rf"\b{_CANT}\s+(?:hold|grip|lift)\s+(?:a|her|his|my|the|their)\s+(?:cup|glass|fork|spoon|phone|pen|mug)\b",
    r"\bworst\s+headache\b",
    # bleeding
    rf"\bbleeding\s+(?:{_WONT}\s+stop|a\s+lot|heavily|badly|everywhere|profusely|out)\b",
    rf"\b(?:bleeding|blood)\b[^.!?]*\b{_WONT}\s+stop\b",
    r"\b(?:severe|heavy|uncontrolled|uncontrollable|massive)\s+bleeding\b",
    r"\bcan'?t\s+stop\s+(?:the\s+)?bleeding\b",
    r"\b(?:coughing|throwing|vomiting|puking)\s+(?:up\s+)?(?:a\s+lot\s+of\s+)?blood\b",
    r"\bgushing\s+blood\b|\bblood\s+(?:is\s+)?gushing\b",
    r"\b(?:soak|bleed)(?:s|ed|ing)?\s+(?:right\s+)?through\s+(?:a\s+|the\s+|my\s+|her\s+|his\s+|two\s+|several\s+|\d+\s+)?"
    r"(?:pads?|towels?|bandages?|dressings?|gauze|sheets?|clothes)\b",
    r"\blos(?:ing|t)\s+(?:a\s+lot\s+of|lots\s+of|so\s+much)\s+blood\b",
    # consciousness and seizures
    r"\b(?:unconscious|unresponsive|collapsed|passed\s+out|passing\s+out|pass\s+out|fainted)\b",
    rf"\b(?:feel|feels|feeling)\s+like\s+(?:i{_APOS}m|im|i\s+am|he{_APOS}s|she{_APOS}s)\s+(?:going\s+to|gonna|about\s+to)"
    r"\s+(?:faint|black\s+out|collapse)\b",
    rf"\b{_WONT}\s+wake\s+up\b|\bisn{_APOS}t\s+(?:waking\s+up|responding)\b|\bnot\s+responding\b",
    r"\bno\s+pulse\b",
    r"\bhaving\s+a\s+seizure\b|\bseizing\b|\bconvulsing\b|\bseizure\s+right\s+now\b",
    # overdose and poisoning
    r"\boverdos(?:e|ed|ing)\b",
    # "took too many", but not "had too many questions" or "the visit took too much time".
    r"\b(?:took|taken|swallowed|ate|had)\s+(?:way\s+|far\s+)?(?:too\s+many|2\s+many|to\s+many|a\s+bunch\s+of"
    r"|a\s+handful\s+of|a\s+double\s+dose|double\s+dose|too\s+much|some\s+of\s+my)\b[^.!?]{0,40}?"
    r"\b(?:of\s+(?:my|his|her|their|the)\b|pills?|meds?|medications?|medicines?|tablets?|doses?|capsules?"
    r"|opioids?|oxy\w*|painkillers?|tylenol|advil|insulin|sleeping)",
    r"\bby\s+(?:accident|mistake)\b[^.!?]*\b(?:pills|meds|medication|medicine|dose)\b",
    r"\b(?:took|taken|swallowed)\s+a\s+whole\s+(?:week|month|bottle|pack)(?:'?s)?\s+(?:worth\s+)?of\b",
    r"\b(?:elephant|weight|something\s+heavy)\s+(?:is\s+)?(?:sitting\s+)?on\s+(?:my|his|her)\s+chest\b",
    # other
    r"\bfever\s+of\s+10[3-9]",
    r"\b10[3-9](?:\.\d)?\s*(?:°|degrees?|deg)?\s*f?\s+(?:fever|temp)",
    r"\b(?:temp|temperature|fever)\s+(?:is\s+|of\s+|at\s+|says\s+)?10[3-9]\b",
    # a fever in a baby under three months, or with chemotherapy (the brief's "call if" fever)
    r"\b(?:newborn|infant|(?:\d|one|two|three|four|five|six|seven|eight)\s*(?:-|\s)?(?:weeks?|wks?|days?)\s*(?:-|\s)?old)\b"
    r"[^.!?]{0,80}\b(?:fever|temp\w*|hard\s+to\s+wake|won'?t\s+wake|limp|floppy)",
    r"\b(?:on|having|getting|after)\s+chemo\w*\b[^.!?]{0,80}\bfever\b|\bfever\b[^.!?]{0,60}\bchills\b",
    # swallowed something dangerous
    r"\b(?:swallow\w*|ate|eaten|drank|drunk)\s+(?:a|an|one|some|the|two|2)?\s*(?:of\s+(?:those|these|the)\s+)?"
    r"(?:little\s+|small\s+|tiny\s+)?(?:button\s+batter\w*|batter(?:y|ies)|magnets?|bleach|poison\w*|detergent\s+pods?|"
    r"laundry\s+pods?|drain\s+cleaner|antifreeze|chemicals?)\b",
    # a head injury with a warning sign
    r"\bhit\s+(?:his|her|my|their)\s+head\b[^.!?]{0,80}\b(?:vomit\w*|throw\w*\s+up|confus\w*|drows\w*|sleepy"
    r"|won'?t\s+wake|pass\w*\s+out|not\s+making\s+sense)",
    # low blood sugar with confusion, a blood pressure in crisis
    r"\b(?:diabet\w*|insulin|sugar|glucose|meter|type\s*[12]|t[12]d)\b[^.!?]{0,80}\b(?:confus\w*|not\s+making\s+sense|unresponsive"
    r"|passing\s+out)",
    r"\b(?:1[89]\d|2\d\d)\s*/\s*(?:1[2-9]\d)\b",
    r"\bsevere\s+allergic\s+reaction\b|\banaphyla\w*",
    r"\b(?:call(?:ing)?|dial(?:ing)?)\s+911\b|\bneed\s+an?\s+ambulance\b",
    r"\bheart\s+is\s+racing\b[^.!?]*\bpass\s+out\b",
    r"\bfell\s+and\s+hit\s+(?:my|his|her)\s+head\b",
]

# Emergency care under way now, and the person asks whether to wait or get another opinion first:
# the brief's answer is do not delay emergency care, so this is an emergency in every wording.
_EMERGENCY_CARE_NOW = re.compile(
    r"\b(?:(?:in|at)\s+(?:the\s+)?(?:er|e\.r\.|emergency\s+(?:room|department|dept)|ed\b|a&e|icu|intensive\s+care"
    r"|trauma\s+(?:center|centre|bay|unit))|(?:paramedics|ems|emts?|the\s+ambulance)\s+(?:are|is)\s+(?:here|outside|on)|(?:emergency|urgent|immediate)\s+(?:surgery|operation|c-?section)"
    r"|(?:operate|surgery|operation)\s+(?:right\s+)?(?:now|tonight|immediately|right\s+away|within\s+(?:the|an)\s+hour"
    r"|in\s+(?:the\s+next\s+)?(?:an?|one|two|few|\d+)\s+hours?)|ruptur\w*|burst\s+(?:appendix|aneurysm)"
    r"|bleed(?:ing)?\s+(?:on|in)\s+(?:the|his|her|my)\s+brain|trauma\s+surgeon|asking\s+(?:us|me)\s+to\s+sign)",
    _F,
)
# "what counts as an emergency?", "when should you go to the ER": asking about emergencies in general.
_GENERAL_QUESTION = re.compile(
    r"\b(?:what\s+counts|how\s+(?:do|can|could|would|should)\s+(?:i|you|we|one|someone)\s+(?:know|tell)|what\s+if|in\s+general"
    r"|when\s+(?:should|do|does|would)\s+(?:i|you|we|someone|somebody|a\s+person|people|they|one)"
    r"|is\s+it\s+(?:ever|usually))\b",
    _F,
)
# Asking to wait, or for another opinion, before the emergency care goes ahead.
_WAIT_FOR_OPINION = re.compile(
    r"\b(?:wait|waiting|weighs?\s+in|hold\s+off|delay|put\s+(?:it\s+)?off|take\s+(?:a|some|one)\s+(?:day|few\s+days|time)"
    r"|second\s+opinion|2nd\s+opinion|another\s+(?:opinion|doctor|hospital|surgeon)|someone\s+else"
    r"|before\s+(?:we|i)\s+(?:agree|sign|decide))\b",
    _F,
)

_SELF_HARM = [re.compile(p, _F) for p in _SELF_HARM_PATTERNS]
_EMERGENCY = [re.compile(p, _F) for p in _EMERGENCY_PATTERNS]

# An explicit denial right before a phrase: "not suicidal", "would never hurt myself".
_DENIAL_BEFORE = re.compile(
    rf"\b(?:not|never|no|isn{_APOS}t|aren{_APOS}t|wasn{_APOS}t|don{_APOS}t|dont|do\s+not"
    rf"|doesn{_APOS}t|does\s+not|didn{_APOS}t|won{_APOS}t|wouldn{_APOS}t|no\s+longer|without)"
    r"(?:\s+(?:been|being|feeling|really|at\s+all|having|have|had|any|a|an|even))*\s*$",
    _F,
)
# Something is happening now.
_NOW = re.compile(
    r"\b(?:now|right\s+now|currently|at\s+the\s+moment|today|tonight|this\s+(?:morning|afternoon"
    rf"|evening)|still|keeps?|keep\s+on|won{_APOS}t\s+stop|wont\s+stop|getting\s+worse|started|"
    r"starting|suddenly|all\s+of\s+a\s+sudden|help|hurry|please|pls|911|ambulance|is\s+having"
    rf"|am\s+having|i{_APOS}m\s+having|im\s+having|he{_APOS}s\s+having|she{_APOS}s\s+having"
    # a symptom going on as they write: "I'm soaking through a pad every 15 minutes"
    rf"|(?:i{_APOS}m|im|i\s+am|he{_APOS}s|she{_APOS}s|he\s+is|she\s+is)\s+(?:still\s+)?(?:soaking|bleeding|losing"
    r"|vomiting|throwing\s+up|gasping|choking|fainting|seizing|convulsing|turning))\b",
    _F,
)
# Unmistakably now: what a general question about emergencies does not say.
_RIGHT_NOW = re.compile(
    r"\b(?:right\s+now|just\s+now|now|currently|at\s+the\s+moment|tonight|today|this\s+(?:minute|morning|afternoon"
    r"|evening)|started|suddenly|still|help|911|ambulance)\b",
    _F,
)
# "how would I know ...", "how can we tell ...": who asks, not who has it.
_ASKER = re.compile(r"\bhow\s+(?:do|can|could|would|should|will)\s+(?:i|we)\s+(?:know|tell)\b", _F)
# "when is chest pain serious enough to call 911?": 911 named in a question, not called for now.
# ("should I call 911?" is not among them: it may come from someone in the middle of one.)
_WHEN_TO_CALL = re.compile(r"\b(?:enough\s+to|when\s+to|whether\s+to)\s+call\s+911\b", _F)
# Told as past: "last month", "years ago", "used to", "was why".
_PAST = re.compile(
    r"\b(?:last\s+(?:week|month|year|night|time|spring|summer|fall|autumn|winter)|yesterday"
    # "ten minutes ago" is now for a stroke; days ago is not
    r"|(?:days?|weeks?|months?|years?|yrs?|decades?|a\s+while|long\s+time)\s+ago"
    r"|in\s+(?:19|20)\d\d|used\s+to|history\s+of|previously|back\s+in|before\s+(?:my|the|his|her)"
    r"|went\s+to|was\s+why|were\s+why|years?\s+back|a\s+while\s+back|that\s+time"
    r"|for\s+(?:a\s+few\s+|several\s+|many\s+)?(?:weeks|months|years))\b",
    _F,
)
# Self-harm long over, told as part of a history ("I attempted suicide when I was 19"): the crisis
# reply is for now. Only unmistakable distance counts; "last week" is not history.
_LONG_PAST = re.compile(
    r"\b(?:last\s+(?:year|spring|summer|fall|autumn|winter)|(?:\d+|a\s+few|several|many|two|three)\s+(?:months|years)\s+ago"
    r"|when\s+(?:i|he|she)\s+was\s+(?:\d+|a\s+(?:teen|teenager|kid|child)|young|in\s+(?:high\s+school|college))"
    r"|(?:years|decades)\s+ago|in\s+(?:19|20)\d\d|as\s+a\s+(?:teen|teenager|kid|child)|in\s+(?:high\s+school|college)"
    r"|history\s+of|long\s+time\s+ago)\b",
    _F,
)
# Self-harm as a topic: a side effect, a risk, a statistic, warning signs.
_ABOUT_SELF_HARM_IN_GENERAL = re.compile(
    r"\b(?:side[\s-]*effects?|known\s+to\s+cause|risk\s+of|rates?|statistics?|how\s+common|common\s+(?:after|among|in|with)"
    r"|percentage|more\s+likely|warning\s+signs)\b",
    _F,
)
# Where a clause ends inside a sentence: a comma, "and", "but", "now".
_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:and|but|though|although|now)\b", _F)
# Asking for information: "side effects", "what if", "is it normal", "what does it mean".
_INFO = re.compile(
    r"\b(?:side[\s\-]*effects?|risks?|chances?|cause[sd]?|causing|signs?\s+of|symptoms?|normal"
    r"|common|likely|what\s+if|if\s+(?:i|you|he|she|they|my)|in\s+case|how\s+do\s+(?:i|you)\s+know"
    r"|(?:can|could|might)\s+(?:\w+\s+){1,3}(?:feel|look|seem)\s+like|mistaken\s+for"
    r"|what\s+(?:is|are|does)|is\s+it|does|should\s+i\s+worry|mean|means)\b",
    _F,
)
# Someone is described right before the match: "I", "my dad is", "she's".
_SUBJECT_BEFORE = re.compile(
    rf"\b(?:i|i{_APOS}m|im|he|he{_APOS}s|she|she{_APOS}s|they|they{_APOS}re|we|my\s+\w+"
    rf"(?:{_APOS}s)?|his\s+\w+|her\s+\w+)(?:\s+\w+){{0,2}}\s*$",
    _F,
)
# "if I", "what if she": a hypothetical, not a description.
_HYPOTHETICAL_BEFORE = re.compile(
    r"\b(?:if|whether|when|once)\s+(?:i|he|she|they|we|my\s+\w+)(?:\s+\w+){0,2}\s*$", _F
)
# "if someone is having a stroke": anybody at all, which is a general question.
_ANYONE_BEFORE = re.compile(
    r"\b(?:if|whether|when|once)\s+(?:someone|somebody|a\s+person|you|people|one|anyone)(?:\s+\w+){0,2}\s*$", _F
)
# One sentence at a time: the context checks read the match's own sentence.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*", _F)
# How a person in distress or danger talks when none of the risk wording above is there ("I can't
# take this any more", "he went grey and won't answer me"): the classifier's own crisis or
# emergency guess stands on these words (bot/understanding/intent_holds.py).
_DISTRESS = re.compile(
    rf"\b(?:hopeless|helpless|worthless|pointless|alone|lonely|empty|burden|give\s+up|giving\s+up|gave\s+up"
    rf"|no\s+point|no\s+hope|done\s+with|over\s+with|can{_APOS}t\s+(?:go\s+on|take|do\s+(?:this|it)|cope|handle|keep)"
    rf"|cant\s+(?:go\s+on|take|do\s+(?:this|it)|cope|handle|keep)|any\s*more|nobody|no\s+one|goodbye|good\s*bye"
    rf"|sorry\s+for\s+everything|cry|crying|depress\w*|anxi\w*|panic\w*|overwhelm\w*|scared|afraid|terrified"
    rf"|desperate|miserable|suffer\w*|tired\s+of|sick\s+of|exhausted|die|dying|death|life|live|living|alive"
    rf"|pills|gun|rope|bridge|hurt\w*|harm\w*|danger\w*|unsafe|safe|help|emergency|911|ambulance|hospital|er"
    # what an emergency looks like from outside, before anyone names a symptom
    rf"|sweat\w*|gr[ae]y|pale|blue|limp|floppy|collaps\w*|fell|fallen|fainted|passed\s+out|not\s+moving"
    rf"|isn{_APOS}t\s+moving|won{_APOS}t\s+(?:answer|respond|wake|move)|wont\s+(?:answer|respond|wake|move)"
    rf"|not\s+(?:answering|responding|waking)|unresponsive|conscious|awake|confus\w*|slurr\w*)\b",
    _F,
)


def detect_risk(text: str) -> str | None:
    """"self_harm", "emergency" or None for one message (see the module docstring for the rules)."""
    if not text or not text.strip():
        return None
    if any(_flagged(pattern, text, emergency=False) for pattern in _SELF_HARM):
        return SELF_HARM
    if any(_flagged(pattern, text, emergency=True) for pattern in _EMERGENCY):
        return EMERGENCY
    if (
        _EMERGENCY_CARE_NOW.search(text)
        and _WAIT_FOR_OPINION.search(text)
        and not _PAST.search(text)
        and not _GENERAL_QUESTION.search(text)
    ):
        return EMERGENCY
    return None


def mentions_distress(text: str) -> bool:
    """Words of distress, despair or danger, where no risk wording matched (see `_DISTRESS`)."""
    return bool(_DISTRESS.search(text))


def _flagged(pattern: re.Pattern[str], text: str, emergency: bool) -> bool:
    """Whether any match of `pattern` survives the denial (and, for emergencies, context) checks."""
    for sentence in _SENTENCE.finditer(text):
        for match in pattern.finditer(sentence.group()):
            before = sentence.group()[: match.start()]
            if _DENIAL_BEFORE.search(before):
                continue
            if emergency and (
                _is_not_happening(sentence.group(), before) or _asks_when_to_call(sentence.group(), match)
            ):
                continue
            if not emergency and (
                _told_as_history(sentence.group(), match) or _asks_in_general(sentence.group(), before)
            ):
                continue
            return True
    return False


def _asks_when_to_call(sentence: str, match: re.Match[str]) -> bool:
    """The match is the "call 911" of a question about when to call ("bad enough to call 911?")."""
    return any(q.start() <= match.start() and match.end() <= q.end() for q in _WHEN_TO_CALL.finditer(sentence))


def _asks_in_general(sentence: str, before: str) -> bool:
    """A question about suicide as a side effect or a statistic, with nobody described as having it."""
    return bool(_ABOUT_SELF_HARM_IN_GENERAL.search(sentence)) and not _SUBJECT_BEFORE.search(before)


def _told_as_history(sentence: str, match: re.Match[str]) -> bool:
    """The match's own clause places it long ago ("I tried to end my life years ago, and now ...")."""
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, match.start())]
    ends = [m.start() for m in _CLAUSE_BREAK.finditer(sentence, match.end())]
    clause = sentence[starts[-1] if starts else 0 : ends[0] if ends else len(sentence)]
    return bool(_LONG_PAST.search(clause)) and not _NOW.search(clause)


def _is_not_happening(sentence: str, before: str) -> bool:
    """A past event or a general question, with nothing saying it is happening now."""
    # "how would I know if chest pain ...": the asker, not someone described as having it.
    asked = _ASKER.sub(" ", before)
    described = _SUBJECT_BEFORE.search(asked) and not _HYPOTHETICAL_BEFORE.search(asked)
    general = _ANYONE_BEFORE.search(before) or (_GENERAL_QUESTION.search(sentence) and not described)
    if general and not _RIGHT_NOW.search(_WHEN_TO_CALL.sub(" ", sentence)):
        return True
    if _NOW.search(sentence):
        return False
    if _PAST.search(sentence):
        return True
    return bool(_INFO.search(sentence)) and not described
