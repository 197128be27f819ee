"""The curated vocabulary: what it contains, and how free text is matched against it."""

from __future__ import annotations

from itertools import pairwise

import pytest

from bot.logic import vocabulary
from bot.logic.vocabulary import ENTITY_TYPES, Mention, canonical, canonical_condition, find_mentions, lookup

CONDITION_CATEGORIES = {
    "cancer",
    "rare",
    "cardiac",
    "neurological",
    "autoimmune",
    "chronic",
    "musculoskeletal",
    "mental_health",
    "infectious",
    "other",
}
TREATMENT_CATEGORIES = {
    "major_surgery",
    "surgery",
    "major_procedure",
    "procedure",
    "chemotherapy",
    "radiation",
    "medication",
    "short_course_medication",
    "experimental",
    "high_risk",
    "therapy",
    "transplant",
    "watchful_waiting",
    "palliative",
    "device",
    "lifestyle",
}
# docs/DESIGN.md, "Entities".
TOPICS = {
    "diagnosis",
    "treatment",
    "surgery",
    "chemotherapy",
    "radiation",
    "medication",
    "second_opinion",
    "records",
    "insurance",
    "recovery",
    "side_effects",
    "clinical_trials",
    "costs",
}


def found(text: str, entity: str) -> list[tuple[str, str]]:
    """(value, text) of the mentions of one entity type, in order."""
    return [(m.value, m.text) for m in find_mentions(text) if m.entity == entity]


# --- the curated lists -------------------------------------------------------------------------


def test_the_lists_are_big_enough_for_a_first_release() -> None:
    assert len(vocabulary.entries("condition")) >= 150
    assert len(vocabulary.entries("treatment")) >= 80


@pytest.mark.parametrize(
    ("entity", "allowed"),
    [("condition", CONDITION_CATEGORIES), ("treatment", TREATMENT_CATEGORIES)],
)
def test_every_entry_has_a_known_category_and_a_lower_case_name(entity: str, allowed: set[str]) -> None:
    for entry in vocabulary.entries(entity):
        assert entry.category in allowed, entry
        assert entry.name == entry.name.lower().strip(), entry


def test_relations_say_how_to_speak_of_the_person() -> None:
    for entry in vocabulary.entries("relation"):
        assert entry.display and entry.display.startswith("your "), entry


def test_topics_are_exactly_the_design_topics() -> None:
    assert {entry.name for entry in vocabulary.entries("topic")} == TOPICS


@pytest.mark.parametrize("entity", ENTITY_TYPES)
def test_every_alias_finds_its_own_entry(entity: str) -> None:
    """No alias is swallowed by a longer alias of another entry, or lost to the matching rules."""
    for entry in vocabulary.entries(entity):
        for alias in entry.aliases:
            mention = lookup(entity, alias)
            assert mention is not None, (entity, alias)
            assert (mention.value, mention.text.lower()) == (entry.name, alias), (entity, alias)


def test_icd10_codes_can_be_added_to_entries() -> None:
    assert "icd10" in vocabulary.Entry.__dataclass_fields__


# --- matching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entity", "value", "category", "mention_text"),
    [
        ("I have stage 2 breast cancer", "condition", "breast cancer", "cancer", "stage 2 breast cancer"),
        ("stage IV metastatic pancreatic cancer", "condition", "pancreatic cancer", "cancer",
         "stage IV metastatic pancreatic cancer"),
        ("early stage prostate cancer", "condition", "prostate cancer", "cancer", "early stage prostate cancer"),
        ("grade 3 glioma", "condition", "glioma", "cancer", "grade 3 glioma"),
        ("they found a tumour", "condition", "tumor", "cancer", "tumour"),
        ("it's a carcinoma", "condition", "cancer", "cancer", "carcinoma"),
        ("my dad has leukaemia", "condition", "leukemia", "cancer", "leukaemia"),
        ("cancer of the ovaries", "condition", "ovarian cancer", "cancer", "cancer of the ovaries"),
        ("brest cancer", "condition", "breast cancer", "cancer", "brest cancer"),
        ("my mom has ms", "condition", "multiple sclerosis", "neurological", "ms"),
        ("MS", "condition", "multiple sclerosis", "neurological", "MS"),
        ("my dad has parkinsons", "condition", "parkinson's disease", "neurological", "parkinsons"),
        ("crohn's", "condition", "crohn's disease", "autoimmune", "crohn's"),
        ("crohns", "condition", "crohn's disease", "autoimmune", "crohns"),
        ("Crohn\u2019s disease", "condition", "crohn's disease", "autoimmune", "Crohn\u2019s disease"),
        ("CROHN DISEASE", "condition", "crohn's disease", "autoimmune", "CROHN DISEASE"),
        ("afib", "condition", "atrial fibrillation", "cardiac", "afib"),
        ("a-fib", "condition", "atrial fibrillation", "cardiac", "a-fib"),
        ("ehlers danlos syndrome", "condition", "ehlers-danlos syndrome", "rare", "ehlers danlos syndrome"),
        ("they said ALS", "condition", "amyotrophic lateral sclerosis", "rare", "ALS"),
        ("a herniated disk", "condition", "herniated disc", "musculoskeletal", "herniated disk"),
        ("they want to start chemo", "treatment", "chemotherapy", "chemotherapy", "chemo"),
        ("kemo", "treatment", "chemotherapy", "chemotherapy", "kemo"),
        ("they want to do a CABG", "treatment", "coronary artery bypass", "major_surgery", "CABG"),
        ("open heart surgery", "treatment", "open heart surgery", "major_surgery", "open heart surgery"),
        ("a knee replacement", "treatment", "knee replacement", "major_surgery", "knee replacement"),
        ("tkr", "treatment", "knee replacement", "major_surgery", "tkr"),
        ("the surgeon wants to operate", "treatment", "surgery", "surgery", "operate"),
        ("a lumpectomy", "treatment", "lumpectomy", "surgery", "lumpectomy"),
        ("the whipple", "treatment", "whipple procedure", "major_surgery", "whipple"),
        ("rads every day", "treatment", "radiation therapy", "radiation", "rads"),
        ("immunotherapy", "treatment", "immunotherapy", "chemotherapy", "immunotherapy"),
        ("a clinical trial", "treatment", "clinical trial", "experimental", "clinical trial"),
        ("a stem cell transplant", "treatment", "stem cell transplant", "transplant", "stem cell transplant"),
        ("CAR-T", "treatment", "car t-cell therapy", "high_risk", "CAR-T"),
        ("they will keep an eye on it", "treatment", "watchful waiting", "watchful_waiting", "keep an eye on it"),
        ("she's on home oxygen now", "treatment", "home oxygen therapy", "device", "home oxygen"),
        ("they gave me a back brace", "treatment", "back brace", "device", "back brace"),
        ("my son takes adderall", "treatment", "stimulant medication", "medication", "adderall"),
        ("monthly eye injections for my macular degeneration", "treatment", "eye injections", "procedure",
         "eye injections"),
        ("EMDR for the PTSD", "treatment", "emdr", "therapy", "EMDR"),
        ("my mum", "relation", "mom", "parent", "mum"),
        ("for my father", "relation", "dad", "parent", "father"),
        ("my ma is sick", "relation", "mom", "parent", "my ma"),
        ("my husband's doctor", "relation", "husband", "spouse", "husband"),
        ("questions about side effects", "topic", "side_effects", None, "side effects"),
        ("will insurance pay", "topic", "insurance", None, "insurance"),
        ("how much will it cost", "topic", "costs", None, "cost"),
    ],
)
def test_finds_the_canonical_mention(
    text: str, entity: str, value: str, category: str | None, mention_text: str
) -> None:
    mention = next(m for m in find_mentions(text) if m.entity == entity)
    assert (mention.value, mention.category, mention.text) == (value, category, mention_text)
    assert text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    "text",
    [
        "these terms are confusing",  # "ms" only as a whole word
        "the items they listed",
        "I live in Boston, MA",  # "ma" only as "my ma"
        "a non-cancerous growth",
        "we went to the cancer center",
        "hello there",
        "",
    ],
)
def test_no_condition_or_relation_where_there_is_none(text: str) -> None:
    assert [m for m in find_mentions(text) if m.entity in ("condition", "relation")] == []


def test_oxygen_levels_are_not_a_treatment() -> None:
    """Only named oxygen treatment counts: a low reading is a symptom, said in the same words."""
    assert [m for m in find_mentions("my oxygen levels keep dropping") if m.entity == "treatment"] == []


def test_longest_match_wins() -> None:
    assert found("small cell lung cancer", "condition") == [("lung cancer", "small cell lung cancer")]
    assert found("non-hodgkin lymphoma", "condition") == [("non-hodgkin lymphoma", "non-hodgkin lymphoma")]
    assert found("a double mastectomy", "treatment") == [("mastectomy", "double mastectomy")]


@pytest.mark.parametrize(
    "text",
    [
        "my mom has stage 3 colon cancer and they want surgery then chemo and radiation",
        "small cell lung cancer, non-hodgkin lymphoma and a-fib",
        "bypass surgery or open heart surgery or a heart valve replacement",
    ],
)
def test_mentions_of_one_type_never_overlap(text: str) -> None:
    mentions = find_mentions(text)
    for entity in ENTITY_TYPES:
        spans = sorted((m.start, m.end) for m in mentions if m.entity == entity)
        assert all(end <= next_start for (_, end), (next_start, _) in pairwise(spans)), spans


def test_types_are_matched_independently() -> None:
    entities = {(m.entity, m.value) for m in find_mentions("questions about chemo")}
    assert entities == {("treatment", "chemotherapy"), ("topic", "chemotherapy")}


def test_a_whole_message() -> None:
    text = "My dad was just told he has stage 2 breast cancer and they want to start chemo next week"
    assert [(m.entity, m.value) for m in find_mentions(text)] == [
        ("relation", "dad"),
        ("condition", "breast cancer"),
        ("treatment", "chemotherapy"),
        ("topic", "chemotherapy"),
    ]
    assert all(isinstance(m, Mention) for m in find_mentions(text))


@pytest.mark.parametrize(
    ("text", "value", "mention_text"),
    [
        ("I have spleen cancer", "spleen cancer", "spleen cancer"),
        ("cancer of the spleen", "spleen cancer", "cancer of the spleen"),
        ("stage 4 spleen cancer", "spleen cancer", "stage 4 spleen cancer"),
        ("cancer in my breast", "breast cancer", "cancer in my breast"),  # canonicalised when known
        ("he is fighting cancer", "cancer", "cancer"),  # "fighting" is not a site
        ("my cancer came back", "cancer", "cancer"),
        ("aggressive cancer", "cancer", "aggressive cancer"),
    ],
)
def test_any_other_cancer_is_still_a_cancer(text: str, value: str, mention_text: str) -> None:
    mention = lookup("condition", text)
    assert mention is not None
    assert (mention.value, mention.category, mention.text) == (value, "cancer", mention_text)


@pytest.mark.parametrize(
    "text",
    [
        "it's not cancer",
        "they ruled out ms",
        "no cancer",
        "MS was ruled out",
        "cancer-free for 5 years",
        "she tested negative for lupus",
        "there is no sign of cancer",
        "he doesn't have diabetes",
        "it isn't a tumor",
    ],
)
def test_negated_conditions_are_dropped(text: str) -> None:
    assert found(text, "condition") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not sure if it's cancer", [("cancer", "cancer")]),
        ("no, it's lupus", [("lupus", "lupus")]),
        ("they ruled out ms but think it might be lupus", [("lupus", "lupus")]),
        ("not ms, they said lupus", [("lupus", "lupus")]),
    ],
)
def test_negation_only_reaches_its_own_mention(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text, "condition") == expected


@pytest.mark.parametrize("text", ["I'm a mom of two", "as his wife I worry", "I am a daughter who cares"])
def test_the_speakers_own_role_is_not_a_relation(text: str) -> None:
    assert found(text, "relation") == []


# --- helpers for replies -----------------------------------------------------------------------


def test_lookup_takes_canonical_values_aliases_and_free_text() -> None:
    assert lookup("condition", "parkinson's disease").value == "parkinson's disease"  # type: ignore[union-attr]
    assert lookup("treatment", "chemo").value == "chemotherapy"  # type: ignore[union-attr]
    assert lookup("condition", "I think it's stage 2 brest cancer").value == "breast cancer"  # type: ignore[union-attr]
    assert lookup("treatment", "lung cancer") is None
    assert lookup("condition", "something nobody has heard of") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lung cancer", ("lung cancer", "cancer")),
        ("I think it's called sarcoidosis", ("sarcoidosis", "rare")),
        ("I think it's called Kikuchi disease", ("Kikuchi disease", None)),
        ("they said it is some kind of Erdheim thing, I think.", ("Erdheim thing", None)),
        ("   ", None),
    ],
)
def test_canonical_condition_keeps_unknown_words(text: str, expected: tuple[str, str | None] | None) -> None:
    assert canonical_condition(text) == expected


def test_canonical_treatment_and_long_replies() -> None:
    assert canonical("treatment", "they want to do a knee replacement") == ("knee replacement", "major_surgery")
    name, category = canonical("treatment", "word " * 60) or ("", "")
    assert len(name) <= 80 and category is None


@pytest.mark.parametrize(
    ("relation", "display"),
    [("dad", "your dad"), ("father", "your dad"), ("mum", "your mom"), ("my godmother", "your godmother")],
)
def test_relation_display(relation: str, display: str) -> None:
    assert vocabulary.relation_display(relation) == display
