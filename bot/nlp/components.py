"""The pipeline's own spaCy components and the `Doc`/`Span` extensions they write.

Order in the pipeline (see `build.create_nlp`):

1. `advocate_normalizer`: sets `Token.norm_` (see `normalize`), what every pattern matches on;
2. `vocabulary_ruler`: spaCy's `span_ruler`, one pattern per alias (label = entity type,
   id = canonical name) into `doc.spans["vocabulary"]`, overlaps kept;
3. `advocate_mentions`: turns those raw matches into mentions: qualifiers ("stage 2") join a
   condition, any other "<x> cancer" is a cancer, "non-"/"pre-" compounds and organisations
   ("cancer center") are not mentions, the longest match wins within one type, and "I'm his wife"
   is the speaker, not a relation. Result: `doc.spans[<entity type>]`;
4. `advocate_negation`: NegEx-style: a cue right before a condition ("not", "ruled out",
   "no sign of"; only determiners and hedges in between, never across a clause) or right after
   it ("was ruled out", "-free") sets `span._.negated`;
5. `advocate_experiencer`: whose condition it is: "my dad was diagnosed with lymphoma" gives the
   lymphoma `span._.experiencer == "dad"` and `doc._.caregiver`.

A span ruler rather than spaCy's `entity_ruler`: entity types overlap by design ("chemo" is a
treatment and a question topic, "hernia repair" names a condition and a treatment), and
`doc.ents` cannot overlap; span groups can. Per-span results live in one dict on the Doc
(`doc._.advocate`) keyed by label and offsets, because spaCy keys span extension values by offsets
only, which would mix up the treatment and the topic "chemo".

spaCy resolves factory signatures at run time, hence no `from __future__ import annotations` here.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from bot.nlp.normalize import norm
from bot.nlp.patterns import Tokenize, phrase_patterns
from bot.nlp.vocab import ENTITY_TYPES, fold

RULER_KEY = "vocabulary"
# (start token, end token, priority: lower wins ties, canonical value)
Candidate = tuple[int, int, int, str]

_HYPHEN: dict[str, Any] = {"ORTH": "-", "OP": "?"}
_STAGE_NUMBER = r"^(?:[0-4]|iv|i{1,3}|zero|one|two|three|four)[a-c]?$"
# Qualifiers in front of a condition that belong to its mention ("stage 2", "metastatic").
_QUALIFIERS: list[list[dict[str, Any]]] = [
    [{"NORM": {"IN": ["stage", "grade"]}}, _HYPHEN, {"NORM": {"REGEX": _STAGE_NUMBER}}],
    [{"NORM": {"IN": ["early", "late", "end"]}}, _HYPHEN, {"NORM": "stage"}],
    [{"NORM": {"IN": ["low", "high"]}}, _HYPHEN, {"NORM": "grade"}],
    [{"NORM": {"IN": ["slow", "fast"]}}, _HYPHEN, {"NORM": "growing"}],
    [{"NORM": "triple"}, _HYPHEN, {"NORM": "negative"}],
    [{"NORM": {"IN": ["advanced", "metastatic", "recurrent", "aggressive", "invasive", "inoperable",
                      "terminal", "localized", "localised"]}}],
]
_DETERMINERS = ["the", "my", "his", "her", "their", "your", "our"]
# Unlisted cancers: "<word> cancer" and "cancer of/in the <word>".
_SITE = {"IS_ALPHA": True, "LENGTH": {">=": 3}}
_UNLISTED_CANCER: dict[str, list[dict[str, Any]]] = {
    "before": [_SITE, _HYPHEN, {"NORM": "cancer"}],
    "after": [{"NORM": "cancer"}, {"NORM": {"IN": ["of", "in"]}}, {"NORM": {"IN": _DETERMINERS}}, _SITE],
}
# Words in front of "cancer" that are not the cancer's site or type (besides spaCy's stop words:
# "ruled out cancer" is not an "out cancer").
_NOT_A_SITE = frozenset(
    """
    the this that these those any some each every what which whose its my his her their your our
    a an no not nor and but or of in on with without from for about against after before into
    non pre anti post
    have has had get got gets getting beat beating beats fight fighting survive survived
    survivor treat treated treating cure cured curing is was are were be been being am
    it it's new old bad big small real actual kind type sort form case cases rare common
    early late advanced aggressive terminal metastatic invasive recurrent secondary primary benign
    malignant possible suspected probable likely confirmed curable incurable treatable untreatable
    slow fast growing spreading active remission stage grade other another same more most less
    """.split()
)
# "non-cancerous", "pre-cancer": a compound, not the plain word.
_COMPOUND_PREFIXES = frozenset({"non", "pre"})
# "cancer center", "heart association": a place or an organisation, not a diagnosis.
_ORGANISATIONS = frozenset(
    norm(word)
    for word in """center centers centre centres institute institutes society societies foundation foundations
    hospital hospitals association charity charities awareness research hotline""".split()
)
# "I'm a mom", "as his wife": the speaker's own role, not the person they are helping.
_ROLE_VERBS = frozenset({"'m", "m", "am", "as", "being", "im"})
_ROLE_DETERMINERS = frozenset({"a", "an", "his", "her", "their", "the"})
_POSSESSIVE_ROLE = frozenset({"his", "her", "their"})

# Negation (NegEx-style cues, narrow scope).
_NEGATION_BEFORE = (
    "no", "not", "never", "without", "ruled out", "rule out", "rules out", "ruling out", "negative for",
    "free of", "clear of", "no sign of", "no signs of", "no evidence of", "no trace of", "not a sign of",
)
_NEGATION_AFTER = (
    "ruled out", "excluded", "free", "negative", "test came back negative", "test was negative", "came back negative",
)
# What may stand between a cue and its condition: determiners, hedges and auxiliaries only.
_SCOPE_FILLERS = frozenset(
    norm(word)
    for word in "a an the any actually really even likely probably it 's was is had have has been be".split()
)
_SCOPE_JOINERS = frozenset({"or", "nor"})
_AUXILIARIES = frozenset(norm(word) for word in "was is has have had been were got be - already".split())
_SENTENCE_BREAKS = frozenset({".", "!", "?", "\n", ";"})


def _register_extensions() -> None:
    """`span._.category/negated/experiencer`, `doc._.caregiver/relation/speaker_role`."""
    if not Doc.has_extension("advocate"):
        Doc.set_extension("advocate", default=None)
        for name in ("category", "negated", "experiencer"):
            Span.set_extension(name, getter=lambda span, name=name: _info(span).get(name))
        Doc.set_extension("speaker_role", getter=lambda doc: (doc._.advocate or {}).get("speaker_role"))
        Doc.set_extension("relation", getter=_relation)
        Doc.set_extension("caregiver", getter=lambda doc: doc._.relation is not None or doc._.speaker_role is not None)


def span_key(span: Span) -> str:
    """Where a span's results are kept in `doc._.advocate["spans"]`."""
    return f"{span.label_}:{span.start_char}:{span.end_char}"


def _info(span: Span) -> dict[str, Any]:
    return ((span.doc._.advocate or {}).get("spans") or {}).get(span_key(span), {})


def _relation(doc: Doc) -> str | None:
    """The first person the writer speaks of ("my dad" -> "dad"), else None."""
    relations = doc.spans.get("relation", [])
    return relations[0].id_ if relations else None


_register_extensions()


@Language.component("advocate_normalizer")
def normalize_tokens(doc: Doc) -> Doc:
    """Sets `Token.norm_` for the pattern matchers that follow."""
    for token in doc:
        token.norm_ = norm(token.text)
    return doc


class Mentions:
    """Raw ruler matches -> one list of mentions per entity type (see the module docstring)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.categories: dict[str, dict[str, str | None]] = {}
        self.aliases: dict[str, dict[str, str]] = {}
        self._qualifiers = Matcher(nlp.vocab)
        self._qualifiers.add("qualifier", _QUALIFIERS)
        self._unlisted = Matcher(nlp.vocab)
        for key, pattern in _UNLISTED_CANCER.items():
            self._unlisted.add(key, [pattern])

    def set_tables(self, categories: dict[str, dict[str, str | None]], aliases: dict[str, dict[str, str]]) -> None:
        """The vocabulary's categories and alias index (from the YAML at build time)."""
        self.categories = categories
        self.aliases = aliases

    def __call__(self, doc: Doc) -> Doc:
        doc._.advocate = {"spans": {}, "speaker_role": None}
        by_type: dict[str, list[Candidate]] = {entity: [] for entity in ENTITY_TYPES}
        for span in doc.spans.get(RULER_KEY, []):
            by_type[span.label_].append((span.start, span.end, 0, span.id_))
        by_type["condition"] += self._unlisted_cancers(doc)
        by_type["condition"] = self._with_qualifiers(doc, by_type["condition"])
        for entity, candidates in by_type.items():
            kept = [c for c in self._longest(doc, candidates) if self._keep(doc, entity, c[0], c[1])]
            doc.spans[entity] = [Span(doc, start, end, label=entity, span_id=value) for start, end, value in kept]
            for span in doc.spans[entity]:
                category = self.categories.get(entity, {}).get(span.id_, "cancer" if entity == "condition" else None)
                doc._.advocate["spans"][span_key(span)] = {"category": category, "negated": False, "experiencer": None}
        return doc

    def _unlisted_cancers(self, doc: Doc) -> list[Candidate]:
        """Any "<word> cancer" / "cancer of the <word>": canonical when known, else "<word> cancer"."""
        found = []
        for match_id, start, end in self._unlisted(doc):
            site = doc[start] if doc.vocab.strings[match_id] == "before" else doc[end - 1]
            word = fold(site.text).lower()
            if site.is_stop or word in _NOT_A_SITE or word.endswith(("ing", "ed", "ly")):
                continue
            name = self.aliases.get("condition", {}).get(f"{norm(word)} cancer", f"{word} cancer")
            found.append((start, end, 2, name))
        return found

    def _with_qualifiers(self, doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
        """Each condition grows leftwards over the qualifiers in front of it ("stage IV metastatic")."""
        starts: dict[int, int] = {}
        for _match_id, start, end in self._qualifiers(doc):
            starts[end] = min(start, starts.get(end, start))
        grown = []
        for start, end, priority, value in candidates:
            new_start = start
            while True:
                edge = new_start
                while edge > 0 and doc[edge - 1].text in (",", "-"):
                    edge -= 1
                if edge not in starts:
                    break
                new_start = starts[edge]
            grown.append((new_start, end, priority + (new_start != start), value))
        return grown

    @staticmethod
    def _longest(doc: Doc, candidates: Iterable[Candidate]) -> list[tuple[int, int, str]]:
        """Non-overlapping, longest first (in characters), then listed before unlisted, then leftmost."""
        taken: list[tuple[int, int, str]] = []

        def rank(candidate: Candidate) -> tuple[int, int, int, str]:
            start, end, priority, value = candidate
            return (doc[start].idx - doc[end - 1].idx - len(doc[end - 1]), priority, start, value)

        for start, end, _priority, value in sorted(candidates, key=rank):
            if _is_compound(doc, start):
                continue
            if any(start < other_end and other_start < end for other_start, other_end, _v in taken):
                continue
            taken.append((start, end, value))
        return sorted(taken)

    @staticmethod
    def _keep(doc: Doc, entity: str, start: int, end: int) -> bool:
        """Organisations are not conditions; the speaker's own role is not a relation."""
        if entity == "condition":
            after = end + (end < len(doc) and doc[end].text == "-")
            return not (after < len(doc) and doc[after].norm_ in _ORGANISATIONS)
        if entity == "relation" and start >= 2:
            determiner, verb = doc[start - 1].norm_, doc[start - 2].norm_
            if determiner in _ROLE_DETERMINERS and verb in _ROLE_VERBS:
                if determiner in _POSSESSIVE_ROLE and doc._.advocate["speaker_role"] is None:
                    doc._.advocate["speaker_role"] = doc[start:end].text.lower()
                return False
        return True

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "tables.json", {"categories": self.categories, "aliases": self.aliases})

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "Mentions":
        tables = srsly.read_json(ensure_path(path) / "tables.json")
        self.set_tables(tables["categories"], tables["aliases"])
        return self


def _is_compound(doc: Doc, start: int) -> bool:
    """ "non-cancerous", "pre-cancer": the word after "non-"/"pre-" is not a mention."""
    return (
        start >= 2
        and doc[start - 1].text == "-"
        and not doc[start - 2].whitespace_
        and doc[start - 2].norm_ in _COMPOUND_PREFIXES
    )


@Language.factory("advocate_mentions")
def make_mentions(nlp: Language, name: str) -> Mentions:
    return Mentions(nlp, name)


class Negation:
    """NegEx-style negation of conditions, with a deliberately narrow scope.

    Only determiners, hedges and auxiliaries may stand between a cue and the condition ("it isn't
    actually a tumor"), plus other conditions joined by "or" ("no diabetes or heart disease"); so
    "not sure if it's cancer" and "I'm not happy with my cancer care" keep their mention. After a
    condition, "(was/has been) ruled out", "excluded", "-free" and "test came back negative" negate it.
    """

    def __init__(self, nlp: Language, name: str, labels: list[str]) -> None:
        self.name = name
        self.labels = labels
        tokenize: Tokenize = nlp.make_doc
        self._before = Matcher(nlp.vocab)
        self._before.add("before", phrase_patterns(tokenize, _NEGATION_BEFORE))
        self._after = Matcher(nlp.vocab)
        self._after.add("after", phrase_patterns(tokenize, _NEGATION_AFTER))

    def __call__(self, doc: Doc) -> Doc:
        cue_ends = {end for _id, _start, end in self._before(doc)}
        cue_starts = {start for _id, start, _end in self._after(doc)}
        for label in self.labels:
            spans = list(doc.spans.get(label, []))
            starts_by_end = {span.end: span.start for span in spans}
            for span in spans:
                if self._negated_before(doc, span.start, cue_ends, starts_by_end) or self._negated_after(
                    doc, span.end, cue_starts
                ):
                    doc._.advocate["spans"][span_key(span)]["negated"] = True
        return doc

    @staticmethod
    def _negated_before(doc: Doc, start: int, cue_ends: set[int], starts_by_end: dict[int, int]) -> bool:
        position = start
        while position not in cue_ends:
            if position in starts_by_end and position != start:
                position = starts_by_end[position]
            elif position > 0 and doc[position - 1].norm_ in _SCOPE_FILLERS | _SCOPE_JOINERS:
                position -= 1
            else:
                return False
        return True

    @staticmethod
    def _negated_after(doc: Doc, end: int, cue_starts: set[int]) -> bool:
        position = end
        while position < len(doc) and position not in cue_starts and doc[position].norm_ in _AUXILIARIES:
            position += 1
        return position in cue_starts


@Language.factory("advocate_negation", default_config={"labels": ["condition"]})
def make_negation(nlp: Language, name: str, labels: list[str]) -> Negation:
    return Negation(nlp, name, labels)


class Experiencer:
    """Whose condition or treatment it is: the nearest "my <relation>" before it in its sentence."""

    def __init__(self, name: str, labels: list[str]) -> None:
        self.name = name
        self.labels = labels

    def __call__(self, doc: Doc) -> Doc:
        relations = list(doc.spans.get("relation", []))
        breaks = [token.i for token in doc if token.text in _SENTENCE_BREAKS or "\n" in token.text]
        for label in self.labels:
            for span in doc.spans.get(label, []):
                before = [
                    r for r in relations if r.end <= span.start and not any(r.end <= b < span.start for b in breaks)
                ]
                if before:
                    doc._.advocate["spans"][span_key(span)]["experiencer"] = before[-1].id_
        return doc


@Language.factory("advocate_experiencer", default_config={"labels": ["condition", "treatment"]})
def make_experiencer(nlp: Language, name: str, labels: list[str]) -> Experiencer:
    return Experiencer(name, labels)
