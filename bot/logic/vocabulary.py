"""Curated medical vocabulary: conditions, treatments, relations, topics, specialties, record types.

People type "my mom has ms", "stage 2 brest cancer" or "they want to do a cabg". The assessment,
the question suggestions and the advocate's case summary all need one canonical name for each
("multiple sclerosis", "breast cancer", "coronary artery bypass") plus its category, which decides
how strongly a second opinion is recommended. A curated list gives that deterministically and with
the source of every synonym in plain sight (`vocabulary/*.yml`); a statistical extractor alone could
neither canonicalise nor categorise.

The matching itself is the project's spaCy pipeline (`bot.nlp`, rules documented there), so the
Rasa entity extractor and the actions' look-ups here can never disagree:

- case-insensitive and whole-word: "ms" is multiple sclerosis, but not inside "terms";
- the longest match wins and mentions of one entity type never overlap ("small cell lung cancer"
  is one mention); entity types are matched independently, so "chemo" can be both a treatment and
  a topic;
- spaces, hyphens and apostrophes are forgiving (see the alias syntax in `conditions.yml`);
- a stage/grade or similar qualifier in front of a condition belongs to the mention's `text`
  ("stage 2 breast cancer") while `value` stays canonical ("breast cancer");
- any other "<word> cancer" or "cancer of the <word>" is the condition "<word> cancer" in
  category cancer, so an unlisted cancer is never missed;
- negated conditions are DROPPED, not flagged: "it's not cancer", "they ruled out ms" and
  "no cancer" yield no condition. Callers then never act on a negated mention by mistake;
- "cancer center", "heart association": an organisation, not a diagnosis, gives no condition;
- "I'm a mom" / "I'm his wife" describe the speaker, not a patient, and give no relation.
"""

from __future__ import annotations

from bot.nlp.build import shared_nlp
from bot.nlp.mentions import doc_mentions
from bot.nlp.vocab import ENTITY_TYPES, Entry, Mention, entries, fold
from bot.understanding.own_words import own_words, without_my

__all__ = [
    "ENTITY_TYPES",
    "Entry",
    "Mention",
    "canonical",
    "canonical_condition",
    "entries",
    "find_mentions",
    "lookup",
    "relation_display",
]


def find_mentions(text: str) -> list[Mention]:
    """All vocabulary mentions in `text`, in order of appearance (negated conditions dropped)."""
    return doc_mentions(shared_nlp()(text), text)


def lookup(entity: str, value_or_text: str) -> Mention | None:
    """The first `entity` mention in a canonical value or a free-text reply, else None.

    Works for both because every canonical name is also an alias: the actions call it with slot
    values ("breast cancer") and with what the person typed ("I think it's stage 2 brest cancer").
    """
    return next((m for m in find_mentions(value_or_text) if m.entity == entity), None)


def canonical(entity: str, text: str) -> tuple[str, str | None] | None:
    """(name, category) of a condition or treatment typed as a reply; None when nothing is left.

    A known item gives its canonical name and category. An unknown one keeps the person's own
    words (lead-ins like "I think it's called" removed, at most 80 characters) with category None:
    their words are still the best label for the advocate and the doctor questions.
    """
    mention = lookup(entity, text)
    if mention is not None:
        return mention.value, mention.category
    words = own_words(fold(text))
    return (words, None) if words else None


def canonical_condition(text: str) -> tuple[str, str | None] | None:
    """`canonical` for a condition: "lung cancer" -> ("lung cancer", "cancer")."""
    return canonical("condition", text)


_SHE = frozenset(
    """mom mother mum mommy wife daughter sister grandma grandmother nana aunt girlfriend fiancee
    niece stepmom stepmother mother-in-law sister-in-law""".split()
)
_HE = frozenset(
    """dad father daddy husband son brother grandpa grandfather uncle boyfriend fiance nephew
    stepdad stepfather father-in-law brother-in-law""".split()
)


def relation_pronouns(relation: str) -> dict[str, str]:
    """Pronouns for the person being helped ("mom" -> she/her/her), "they" when the word says none.

    Replies to a caregiver speak of the patient; guessing wrongly is worse than a plain "they".
    """
    words = without_my(" ".join(relation.lower().split()))
    if words in _SHE:
        return {"subject": "She", "object": "her", "possessive": "her"}
    if words in _HE:
        return {"subject": "He", "object": "him", "possessive": "his"}
    return {"subject": "They", "object": "them", "possessive": "their"}


def relation_display(relation: str) -> str:
    """How replies speak of the person being helped: "dad"/"father" -> "your dad"."""
    mention = lookup("relation", relation)
    if mention is not None:
        entry = next(e for e in entries("relation") if e.name == mention.value)
        if entry.display:
            return entry.display
    words = without_my(" ".join(relation.lower().split()))
    return f"your {words}"
