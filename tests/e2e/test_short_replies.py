"""Short replies mean what the bot just asked, through the real Rasa server, action server and web app.

"ok" to an FAQ's offer, "save 1 and 3" after suggestions, "2" after "which one should I remove?",
another journey in the middle of a form, and a "yes" that must never erase anything it was not
asked about. Outcomes are checked through the JSON API.
"""

from __future__ import annotations

from tests.e2e.harness import Stack
from tests.e2e.test_journeys import new_sender, summary, text_of


def questions(stack: Stack, sender: str) -> list[str]:
    return [q["text"] for q in stack.api("GET", f"/api/conversations/{sender}/questions").json()]


def test_ok_to_an_faq_offer_starts_what_it_offered(stack: Stack) -> None:
    sender = new_sender("faq-offer")
    answer = stack.say(sender, "what should i bring to the new doctor")
    assert "Bring all your records" in text_of(answer)
    assert [b["payload"] for r in answer for b in r.get("buttons") or []] == ["/request_records"]

    started = text_of(stack.say(sender, "ok"))

    assert "45 CFR 164.524" in started and "Which doctor, hospital or clinic has the records?" in started


def test_yes_to_the_how_long_can_i_wait_offer_saves_that_question(stack: Stack) -> None:
    sender = new_sender("faq-save")
    stack.say(sender, "how long can i wait before getting a second opinion")

    stack.say(sender, "yes please")

    assert questions(stack, sender) == [
        "How long is it safe to wait before treatment starts, so I can get a second opinion?"
    ]


def test_suggestions_picked_by_number_and_a_question_removed_by_its_number(stack: Stack) -> None:
    sender = new_sender("picks")
    offered = text_of(stack.say(sender, "/suggest_questions"))
    lines = {line[:2]: line[3:].rsplit(" [", 1)[0] for line in offered.splitlines() if line[:1].isdigit()}

    stack.say(sender, "save 1 and 3")
    stack.say(sender, "and 5")
    assert questions(stack, sender) == [lines["1."], lines["3."], lines["5."]]

    asked = text_of(stack.say(sender, "Remove one"))
    assert "Which one should I remove?" in asked
    assert len(questions(stack, sender)) == 3, '"Remove one" removed nothing yet'

    stack.say(sender, "2")
    assert questions(stack, sender) == [lines["1."], lines["5."]]


def test_a_yes_meant_for_an_faq_offer_never_erases_the_data(stack: Stack) -> None:
    sender = new_sender("stale-yes")
    stack.say(sender, "save this question: what stage is it?")
    assert "Are you sure?" in text_of(stack.say(sender, "delete my data"))
    stack.say(sender, "what should i bring to the appointment")

    stack.say(sender, "ok")

    assert questions(stack, sender) == ["What stage is it?"]


def test_asking_for_records_mid_assessment_pauses_it_and_continue_comes_back(stack: Stack) -> None:
    sender = new_sender("switch")
    stack.say(sender, "my husband got diagnosed with lymphoma")

    switched = text_of(stack.say(sender, "I need his records"))

    assert "paused the second-opinion questions" in switched
    assert "Which doctor, hospital or clinic has the records?" in switched
    assert summary(stack, sender)["treatment"] is None, "the request was not taken for the treatment"
    assert "Which records do you want?" in text_of(stack.say(sender, "Mercy General"))
    stack.say(sender, "stop")
    resumed = text_of(stack.say(sender, "continue"))
    assert "Which records do you want?" in resumed
