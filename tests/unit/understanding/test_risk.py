"""The deterministic risk check: what it must catch, and the ordinary messages it must leave alone."""

from __future__ import annotations

import pytest

from bot.understanding.risk import EMERGENCY, SELF_HARM, detect_risk


@pytest.mark.parametrize(
    "text",
    [
        "I want to end my life",
        "i want to kill myself",
        "I'm thinking about killing myself",
        "kms",
        "kms fr",
        "I don't want to live anymore",
        "i dont wanna be here anymore",
        "honestly i dont want to live anymore",
        "thinking of ending it all",
        "i wanna end it all",
        "everyone would be better off without me",
        "I'd be better off dead",
        "there's no reason to keep living with this diagnosis",
        "I have nothing to live for",
        "i feel like there's no point in living",
        "I want to hurt myself",
        "i've been hurting myself",
        "I cut myself last night",
        "self harm",
        "self-harm again",
        "I'm going to take all my pills",
        "took all my pills on purpose",
        "i'm going to overdose on purpose tonight",
        "I've been thinking about suicide",
        "suicidal",
        "having sucidal thoughts",  # misspelt
        "suicde",
        "JUST WANT TO DIE",
        "my son said he wants to kill himself",
        "my wife keeps saying she wants to die",
        "want to unalive myself",
        "some days i wish i just wouldn't wake up",
        "I don't see a way out except dying",
        "sometimes i think about not being alive",
        "i just swallowed a bottle of pills because I want it to be over",
        "I'm not going to kill myself, but I think about it",  # only a denial right before clears it
        "i'm tired of being alive",
        "life doesn't feel worth living anymore",
        "everyone would be happier if i wasn't around",
        "we'd all be better off if he was gone, he keeps saying",
        "i don't think i want to keep living like this",
        "wondering how many pills it would take to never wake up",
        "i'm scared of what i might do to myself tonight",
    ],
)
def test_self_harm_is_caught(text: str) -> None:
    assert detect_risk(text) == SELF_HARM


@pytest.mark.parametrize(
    "text",
    [
        "I have chest pain",
        "crushing chest pain right now",
        "pressure in my chest and my arm is numb",
        "he can't breathe",
        "HE CANT BREATHE AT ALL",
        "help my husband cant breath",
        "I'm struggling to breathe",
        "my husband is having trouble breathing",
        "I can't breathe, is this a side effect of chemo?",
        "her face is drooping",
        "my mom cant smile on one side and her face is droopy",
        "his speech is slurred",
        "my mom is slurring her words and can't lift her arm",
        "i think my wife is having a stroke",
        "the bleeding won't stop",
        "bleeding wont stop pls help",
        "severe bleeding from the incision",
        "I'm bleeding a lot after surgery, is that common?",
        "she's unconscious",
        "my dad passed out and won't wake up",
        "he's unresponsive",
        "she's having a seizure",
        "he's having a seizure right now",
        "I accidentally took too many of my pain pills",
        "my dad took 2 many pills by accident",
        "I overdosed",
        "my throat is swelling and I can barely breathe",
        "my lips are turning blue",
        "I think I'm having a heart attack",
        "my dad took way too many of his oxycodone by accident",
        "she took a whole week of pills at once by mistake",
        "feels like an elephant sitting on my chest",
    ],
)
def test_medical_emergencies_are_caught(text: str) -> None:
    assert detect_risk(text) == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "what are the side effects of chemo on breathing?",
        "my mom had a stroke last year, should she get a second opinion",
        "I'm not suicidal, just scared",
        "chest pain is why I went to the doctor last month",
        "I don't want to die",
        "am I going to die?",
        "I'm safe, thank you",
        "this chemo is killing me",
        "I want to end treatment and get a second opinion",
        "Does radiation cause trouble breathing?",
        "is slurred speech a sign of MS?",
        "what happens if I overdose on tylenol?",
        "my dad had a heart attack and they want to do bypass surgery",
        "my son has seizures, should we get a second opinion",
        "no chest pain, just tired",
        "she is not having a seizure",
        "I would never hurt myself",
        "I'm choking up thinking about it",
        "they took lots of blood for tests",
        "I've had trouble breathing for months",
        "I passed out last week, that's how they found it",
        "My dad is dying of cancer",
        "I have stage 2 breast cancer and want a second opinion",
        "Right away (today / ER)",
        "I'm scared I'll never wake up from the anesthesia",
        "is this treatment worth it at his age",
        "I had too many questions for the doctor",
        "the visit took too much time",
        "I ate too much at dinner",
        "",
        "   ",
    ],
)
def test_ordinary_messages_are_not_flagged(text: str) -> None:
    assert detect_risk(text) is None


def test_self_harm_wins_over_emergency() -> None:
    assert detect_risk("I took all my pills on purpose and now I can't breathe") == SELF_HARM


@pytest.mark.parametrize(
    "text",
    [
        "we're at the ER, they say her appendix burst and want to operate tonight - "
        "should we wait for another surgeon?",
        "my father is in intensive care with a bleed in the brain and they want us to sign for surgery, "
        "can we hold off for a second opinion",
        "They're prepping my wife for an emergency c-section right now. Is there time to get someone else to look?",
        "Dad's speech went slurred and his right arm went limp twenty minutes ago",
    ],
)
def test_emergency_care_under_way_is_an_emergency_even_told_as_a_question(text: str) -> None:
    assert detect_risk(text) == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "Back in 2019 I had emergency surgery for a ruptured disc. Now a new surgeon wants to fuse my spine, "
        "should I get a second opinion?",
        "I tried to take my own life years ago and I'm in a good place now; my psychiatrist wants to change my meds",
        "she had a seizure three days ago and the neurologist wants her on medication",
        "when I was a teenager I used to cut myself. Now I'm 35 and getting a second opinion on my thyroid",
        "how do you know when to go to the emergency room rather than wait for your own doctor?",
    ],
)
def test_history_is_not_an_emergency_or_a_crisis(text: str) -> None:
    assert detect_risk(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "he's clutching his chest and sweating buckets, do we wait for his cardiology appt monday?",
        "my 3 week old has a temp of 100.8 and won't wake up for feeds",
        "Mum is on chemo and just spiked a fever with chills, can it wait till the clinic opens?",
        "my little one swallowed a magnet about ten minutes ago",
        "grandpa hit his head on the curb and now he keeps throwing up",
        "cnt breath, inhaler isnt helping",
        "she's type 1, shaky and not making sense, meter reads 41",
        "the paramedics are here but we want to wait for her oncologist to weigh in",
        "reading says 210/125 and my head is pounding",
        "my husband is having chest pain, when should we go to the ER?",
        "his face looks lopsided and he can't hold his fork",
    ],
)
def test_emergencies_told_plainly_or_in_shorthand(text: str) -> None:
    assert detect_risk(text) == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "been cutting again tonight",
        "I'm up on the top of the parking deck by the hospital",
        "I've been researching how many of my oxy pills it would take",
        "my brother keeps saying he won't be a burden much longer and he took his rifle out",
        "I don't plan on being around for the follow-up",
        "my aunt posted a goodbye on facebook and isn't picking up",
        "no one would even notice if I was gone",
        "I've been saving up my sleeping pills for a while now",
        "i'm so tired of all this, i just want to go to sleep and never wake up",
        "some nights i hope i just don't wake up",
        "she told me she wishes she could fall asleep and not wake up",
        "i want to sleep forever",
    ],
)
def test_crises_told_indirectly(text: str) -> None:
    assert detect_risk(text) == SELF_HARM


@pytest.mark.parametrize(
    "text",
    [
        "what should you do if someone is having a seizure?",
        "when should a person on chemo call about a fever?",
        "is depression with suicidal thoughts a common side effect of interferon?",
        "my son hurt himself two years ago and he's thriving now; his psychiatrist wants to change his dose",
        "I hope the anesthesia doesn't make her not wake up",
        "afraid i will never wake up from the surgery",
        "i hope i wake up in time for the 8am scan",
        "should i not wake up the baby for her fever medicine?",
    ],
)
def test_general_questions_and_history_are_not_alarms(text: str) -> None:
    assert detect_risk(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I've been stockpiling my hydrocodone and I think this weekend is when I'll do it",
        "been hoarding my tramadol for weeks, tonight could be the night",
        "everyone would be better off if I just wasn't here anymore",
        "my family would be better off if i simply wasn't around",
    ],
)
def test_crises_told_through_a_plan_or_a_burden(text: str) -> None:
    assert detect_risk(text) == SELF_HARM


@pytest.mark.parametrize(
    "text",
    [
        "two days after giving birth and I'm soaking through pads every hour",
        "my mom is bleeding through the bandage on her leg and it won't stop",
        "she's soaked through the towel and still bleeding from the cut",
        "my toddler got into my purse and swallowed some of my heart pills",
        "my 4 year old ate a handful of the iron tablets from the cupboard, can it wait till morning?",
        "mom suddenly can't get her words out right",
        "the corner of his mouth is drooping and he seems confused",
        "I feel like I'm going to faint and my heart won't slow down",
    ],
)
def test_emergencies_told_through_what_is_seen(text: str) -> None:
    assert detect_risk(text) == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "can heartburn feel like chest pain?",
        "how can you tell if chest pain is serious?",
        "is chest pain after a stress test normal?",
        "what does it mean when one side of your mouth droops?",
        "is it normal to bleed a lot after a c-section?",
        "how many iron pills are too many for a child?",
        "I used to feel like I'd faint whenever I saw needles",
    ],
)
def test_asking_about_a_symptom_is_not_having_it(text: str) -> None:
    assert detect_risk(text) is None


def test_a_symptom_going_on_now_outweighs_a_past_event_in_the_same_sentence() -> None:
    text = "my wife gave birth 3 days ago and she's soaking through a pad an hour and looks pale"
    assert detect_risk(text) == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "when is a headache bad enough to call 911 instead of my doctor?",
        "how can you tell when chest pain is bad enough to call 911?",
        "how would I know if chest pain is bad enough to call 911?",
    ],
)
def test_asking_when_to_call_911_is_a_general_question(text: str) -> None:
    assert detect_risk(text) is None


def test_calling_911_now_stays_an_emergency() -> None:
    assert detect_risk("should I call 911? my dad is clutching his chest") == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "how can I tell if my chest pain is serious, it started an hour ago",
        "how do we know if she is having a seizure? she is shaking and not responding",
        "I have chest pain right now, how do I know if it is serious",
    ],
)
def test_asking_how_to_tell_while_it_happens_is_still_an_emergency(text: str) -> None:
    assert detect_risk(text) == EMERGENCY
