"""Words for asking the doctor, reassurance, and what to do when the doctor pushes back."""

from __future__ import annotations

from bot.logic import doctor


def test_scripts_name_the_treatment_and_condition() -> None:
    scripts = doctor.doctor_scripts("breast cancer", "chemotherapy")
    assert scripts[0] == (
        "Before we start chemotherapy, I'd like to get a second opinion on my breast cancer. "
        "Will you help me with that?"
    )
    assert "If you had my type of cancer" in scripts[1]
    assert "pathology slides" in scripts[2]
    assert 2 <= len(scripts) <= 3


def test_procedures_read_naturally() -> None:
    assert doctor.doctor_scripts(None, "knee replacement")[0].startswith(
        "Before we go ahead with the knee replacement, I'd like to get a second opinion."
    )
    assert doctor.doctor_scripts("heart disease", "heart bypass surgery")[0].startswith(
        "Before we go ahead with heart bypass surgery, I'd like to get a second opinion on my heart disease."
    )


def test_generic_scripts_when_nothing_is_known() -> None:
    scripts = doctor.doctor_scripts(None, None)
    assert scripts[0] == "Before we decide on treatment, I'd like to get a second opinion. Will you help me with that?"
    assert "my diagnosis" in scripts[1]


def test_long_free_text_is_not_pasted_into_the_script() -> None:
    scripts = doctor.doctor_scripts("they said something about my spine and more", "they want to operate next month")
    # The long treatment phrase names a known treatment, so its canonical name is used.
    assert (
        scripts[0] == "Before we go ahead with surgery, I'd like to get a second opinion. Will you help me with that?"
    )
    assert "my diagnosis" in scripts[1]
    unknown = doctor.doctor_scripts(None, "whatever it is they were talking about today")
    assert unknown == doctor.doctor_scripts(None, None)


def test_courses_of_treatment_are_started() -> None:
    assert doctor.doctor_scripts(None, "insulin")[0].startswith("Before we start insulin,")
    assert doctor.doctor_scripts(None, "insulin", relation="dad")[0].startswith("Before my dad starts insulin,")
    assert doctor.doctor_scripts(None, "pacemaker", relation="dad")[0].startswith("Before my dad has the pacemaker,")


def test_caregiver_wording() -> None:
    scripts = doctor.doctor_scripts("breast cancer", "chemotherapy", relation="mom")
    assert scripts[0] == (
        "Before my mom starts chemotherapy, we'd like to get a second opinion on her breast cancer. "
        "Will you help us with that?"
    )
    assert "your own mom" in scripts[1]
    assert "my mom's records" in scripts[2]
    assert all(" I'd " not in line for line in scripts)


def test_caregiver_pronouns() -> None:
    assert "on his MS" in doctor.doctor_scripts("ms", None, relation="my husband")[0]
    assert "my husband's treatment" in doctor.doctor_scripts("ms", None, relation="my husband")[0]
    assert "on their COPD" in doctor.doctor_scripts("copd", None, relation="friend")[0]


def test_scripts_have_no_double_quotes() -> None:
    # The action wraps each line in quotes.
    for line in doctor.doctor_scripts("lung cancer", "surgery", relation="dad"):
        assert '"' not in line


def test_reassurance() -> None:
    text = doctor.REASSURANCE.lower()
    assert "standard practice" in text
    assert "expect" in text
    assert "not insulting" in text


def test_pushback_advice_covers_every_route() -> None:
    text = doctor.PUSHBACK_ADVICE
    for phrase in (
        "don't need your doctor's permission",
        "HIPAA",
        "referral",
        "insurance card",
        "primary care doctor",
        "academic medical centers",
        "NCI-designated cancer centers",
        "remote second-opinion programs",
        "patient advocate",
        "switch doctors",
    ):
        assert phrase in text
    assert "emergency" not in text.lower()
