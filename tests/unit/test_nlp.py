"""The project's spaCy pipeline (bot.nlp): vocabularies, negation, experiencer, the build."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest
import simple_icd_10_cm as icd
from spacy.language import Language

from bot.nlp import build as nlp_build
from bot.nlp import vocab
from bot.nlp.build import create_nlp, shared_nlp
from bot.nlp.mentions import doc_mentions
from bot.nlp.vocab import entries

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return shared_nlp()


def mentions(nlp: Language, text: str, entity: str) -> list[tuple[str, str]]:
    """(canonical value, text as typed) of one entity type."""
    return [(m.value, m.text) for m in doc_mentions(nlp(text), text) if m.entity == entity]


# --- the vocabularies --------------------------------------------------------------------------


def test_the_vocabularies_are_big_enough() -> None:
    assert len(entries("condition")) >= 300
    assert len(entries("treatment")) >= 150
    assert len(entries("specialty")) >= 40
    assert {e.category for e in entries("record_type")} == {
        "visit_notes", "pathology", "imaging", "labs", "operative_notes", "medications", "treatment_plan",
        "discharge_summaries", "billing",
    }  # the records form's codes (docs/DESIGN.md)


def test_specialties_have_known_categories() -> None:
    allowed = {"medical", "surgical", "diagnostic", "primary_care", "mental_health", "rehabilitation"}
    assert {e.category for e in entries("specialty")} <= allowed


def _icd10_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("icd10_codes", REPOSITORY / "scripts" / "icd10_codes.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_icd10_code_exists_and_fits_its_condition() -> None:
    coded = [e for e in entries("condition") if e.icd10]
    assert len(coded) >= 250
    assert _icd10_script().problems() == []


def test_the_icd10_check_catches_a_wrong_or_invented_code() -> None:
    wrong = vocab.Entry(
        name="multiple sclerosis", category="neurological", aliases=("multiple sclerosis",), icd10="C61"
    )
    invented = vocab.Entry(name="lupus", category="autoimmune", aliases=("lupus",), icd10="M99.999")
    assert len(_icd10_script().problems([wrong, invented])) == 2
    assert icd.get_description("G35") == "Multiple sclerosis"


@pytest.mark.parametrize(
    ("name", "code"),
    [("breast cancer", "C50.919"), ("multiple sclerosis", "G35"), ("atrial fibrillation", "I48.91"),
     ("type 2 diabetes", "E11.9"), ("lupus", "M32.9")],
)
def test_conditions_carry_their_code(name: str, code: str) -> None:
    assert next(e.icd10 for e in entries("condition") if e.name == name) == code


# --- canonical names and categories --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("dx'd w/ brest cancer", "condition", "breast cancer"),
        ("she has MS", "condition", "multiple sclerosis"),
        ("my afib is back", "condition", "atrial fibrillation"),
        ("A-Fib", "condition", "atrial fibrillation"),
        ("CROHNS flare", "condition", "crohn's disease"),
        ("parkinsons", "condition", "parkinson's disease"),
        ("my lukemia", "condition", "leukemia"),
        ("bone mets", "condition", "bone metastases"),
        ("a uti again", "condition", "urinary tract infection"),
        ("they want kemo", "treatment", "chemotherapy"),
        ("a c-section", "treatment", "c-section"),
        ("getting my tubes tied", "treatment", "tubal ligation"),
        ("my onc", "specialty", "oncology"),
        ("the heart doctor", "specialty", "cardiology"),
        ("a neurosurgeon", "specialty", "neurosurgery"),
        ("my ob/gyn", "specialty", "gynecology"),
        ("need my path report", "record_type", "pathology report"),
        ("the glass slides", "record_type", "pathology slides"),
        ("the MRI images", "record_type", "imaging files"),
        ("my bloodwork", "record_type", "lab results"),
        ("the op notes", "record_type", "operative notes"),
        ("my discharge papers", "record_type", "discharge summary"),
    ],
)
def test_aliases_misspellings_and_abbreviations_are_canonical(
    nlp: Language, text: str, entity: str, value: str
) -> None:
    assert [v for v, _t in mentions(nlp, text, entity)] == [value]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("lung cancer", "cancer"),
        ("spleen cancer", "cancer"),  # unlisted cancers are cancers
        ("ALS", "rare"),
        ("heart failure", "cardiac"),
        ("epilepsy", "neurological"),
        ("a whipple", "major_surgery"),
        ("a tavr", "major_procedure"),
        ("a clinical trial", "experimental"),
        ("compassionate use", "experimental"),
        ("my oncologist", "medical"),
        ("the pathologist", "diagnostic"),
    ],
)
def test_categories_for_the_assessment_rules(nlp: Language, text: str, category: str) -> None:
    [mention] = [m for m in doc_mentions(nlp(text)) if m.entity in ("condition", "treatment", "specialty")]
    assert mention.category == category


# --- negation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "they said it's not cancer",
        "ruled out ms",
        "no sign of cancer",
        "no evidence of lymphoma",
        "scan was clear, MS has been ruled out",
        "she is cancer free",
        "he doesnt have diabetes",
        "it isnt a tumor",
        "no diabetes or heart disease",
        "tested negative for lupus",
        "lupus test came back negative",
    ],
)
def test_negated_conditions(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert doc.spans["condition"], text
    assert all(span._.negated for span in doc.spans["condition"]), text
    assert mentions(nlp, text, "condition") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("not sure if it's cancer", "cancer"),
        ("I don't know if it's ms", "multiple sclerosis"),
        ("I'm not happy with how my lupus is treated", "lupus"),
        ("not ms, they think it's lupus", "lupus"),
        ("no, it's lymphoma", "lymphoma"),
        ("they ruled out ms but it could be lupus", "lupus"),
    ],
)
def test_not_negated(nlp: Language, text: str, value: str) -> None:
    assert [v for v, _t in mentions(nlp, text, "condition")] == [value]


# --- experiencer ----------------------------------------------------------------------------------


def test_a_caregiver_writing_about_their_dad(nlp: Language) -> None:
    doc = nlp("my dad was diagnosed with lymphoma and they want chemo")
    assert doc._.caregiver and doc._.relation == "dad"
    assert [(s.id_, s._.experiencer) for s in doc.spans["condition"]] == [("lymphoma", "dad")]
    assert [(s.id_, s._.experiencer) for s in doc.spans["treatment"]] == [("chemotherapy", "dad")]
    assert [m.experiencer for m in doc_mentions(doc) if m.entity == "condition"] == ["dad"]


def test_the_experiencer_is_the_nearest_relation_in_the_sentence(nlp: Language) -> None:
    doc = nlp("My mom has MS. I have asthma. My husband's oncologist found prostate cancer")
    found = {s.id_: s._.experiencer for s in doc.spans["condition"]}
    assert found == {"multiple sclerosis": "mom", "asthma": None, "prostate cancer": "husband"}
    assert [s.id_ for s in doc.spans["specialty"]] == ["oncology"]


@pytest.mark.parametrize(("text", "role"), [("I'm his wife", "wife"), ("im her daughter and she has copd", "daughter")])
def test_the_speakers_role_makes_a_caregiver_but_no_relation(nlp: Language, text: str, role: str) -> None:
    doc = nlp(text)
    assert doc._.speaker_role == role and doc._.caregiver
    assert doc._.relation is None and list(doc.spans["relation"]) == []


def test_the_writer_about_themselves_is_no_caregiver(nlp: Language) -> None:
    doc = nlp("I'm a mom of two and I was just diagnosed with breast cancer")
    assert not doc._.caregiver
    assert [s._.experiencer for s in doc.spans["condition"]] == [None]


# --- the build -------------------------------------------------------------------------------------


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_the_build_is_deterministic_and_loads_the_same_pipeline(tmp_path: Path, nlp: Language) -> None:
    first, second = nlp_build.build(tmp_path / "a"), nlp_build.build(tmp_path / "b")

    assert first.name == second.name == nlp_build.pipeline_path().name
    assert first.name.startswith("advocate_med-")
    assert _files(first) == _files(second)
    assert nlp_build.build(tmp_path / "a") == first  # already there: reused, not rebuilt

    import spacy

    loaded = spacy.load(first)
    text = "my mom has stage 2 brest cancer, not ms; her onc wants the path slides and chemo w/ rads"
    assert doc_mentions(loaded(text)) == doc_mentions(nlp(text)) == doc_mentions(create_nlp()(text))


def test_the_path_changes_when_a_vocabulary_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = nlp_build.pipeline_path()
    copy = tmp_path / "vocabulary"
    shutil.copytree(vocab.VOCABULARY_DIR, copy)
    monkeypatch.setattr(vocab, "VOCABULARY_DIR", copy)
    assert nlp_build.pipeline_path() == before  # same bytes, same name

    conditions = copy / "conditions.yml"
    conditions.write_text(conditions.read_text().replace("aliases: [leukaemia,", "aliases: [leukeamia, leukaemia,"))
    assert nlp_build.pipeline_path() != before
