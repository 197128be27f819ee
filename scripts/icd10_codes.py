"""Checks (and helps curate) the ICD-10-CM codes in bot/logic/vocabulary/conditions.yml.

Codes are never typed from memory: they come from the ICD-10-CM code set shipped by the
`simple-icd-10-cm` package (CMS/CDC release data). This script

- `check` (default): fails when a code does not exist in the code set, or when its description
  (with its ancestors' descriptions and inclusion terms) shares no significant word with the
  condition's name and aliases, which catches a code pasted on the wrong entry;
- `suggest`: lists codes whose description is exactly one of an entry's names ("multiple
  sclerosis", "malignant neoplasm of breast, unspecified" for "breast cancer", ...) for the entries
  that have none yet, to review by hand and copy into the YAML.

    .venv/bin/python scripts/icd10_codes.py [check|suggest]
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import simple_icd_10_cm as icd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.nlp.vocab import Entry, entries

# Words too general to show that a description is about a condition.
_GENERIC = frozenset(
    """disease diseases disorder disorders syndrome cancer cancers tumor tumour tumors chronic acute type other
    unspecified with without from and the of in on to due not elsewhere classified site part left right
    condition conditions problem problems stage""".split()
)
# Lay words and the words ICD-10-CM uses for them.
_SYNONYMS = {
    "cancer": ("malignant", "neoplasm"),
    "carcinoma": ("malignant", "neoplasm"),
    "tumor": ("neoplasm",),
    "tumour": ("neoplasm",),
    "mets": ("secondary", "malignant"),
    "metastases": ("secondary", "malignant"),
    "metastasis": ("secondary", "malignant"),
}
_WORD = re.compile(r"[a-z0-9]+")


def _stems(texts: Iterable[str]) -> set[str]:
    """Significant words, cut to 5 letters so "leukaemia"/"leukemia" and plurals meet."""
    words: set[str] = set()
    for text in texts:
        plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
        for word in _WORD.findall(plain):
            words.update(_SYNONYMS.get(word, ()))
            if word not in _GENERIC and len(word) >= 3:
                words.add(word[:5])
    return {word[:5] for word in words}


@cache
def _described(code: str) -> set[str]:
    """The words ICD-10-CM uses for a code: its description, its parents' and inclusion terms."""
    texts = [icd.get_description(code), *icd.get_inclusion_term(code)]
    for ancestor in icd.get_ancestors(code)[:3]:
        texts.append(icd.get_description(ancestor))
        texts.extend(icd.get_inclusion_term(ancestor))
    return _stems(texts)


def problems(conditions: Iterable[Entry] | None = None) -> list[str]:
    """Every code that is unknown or whose description does not fit its entry."""
    found = []
    for entry in entries("condition") if conditions is None else conditions:
        if entry.icd10 is None:
            continue
        if not icd.is_valid_item(entry.icd10):
            found.append(f"{entry.name}: {entry.icd10} is not an ICD-10-CM code")
        elif not _stems(entry.aliases) & _described(entry.icd10):
            found.append(f"{entry.name}: {entry.icd10} is {icd.get_description(entry.icd10)!r}")
    return found


def description(code: str) -> str:
    return icd.get_description(code)


def _suggestions() -> Iterable[str]:
    by_text: dict[str, str] = {}
    for code in icd.get_all_codes(with_dots=True):
        if icd.is_category_or_subcategory(code):
            by_text.setdefault(icd.get_description(code).lower(), code)
    for entry in entries("condition"):
        if entry.icd10:
            continue
        wanted = []
        for alias in entry.aliases:
            site = re.fullmatch(r"(.+) cancer", alias)
            forms = [alias, *([f"malignant neoplasm of {site.group(1)}"] if site else [])]
            for form in forms:
                wanted += [form, f"{form}, unspecified", f"unspecified {form}", f"{form} without complications"]
        hits = list(dict.fromkeys(by_text[text] for text in wanted if text in by_text))
        yield f"{entry.name}: " + ("; ".join(f"{code} {icd.get_description(code)}" for code in hits) or "-")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "suggest":
        print("\n".join(_suggestions()))
        return 0
    found = problems()
    print("\n".join(found) or f"all {sum(1 for e in entries('condition') if e.icd10)} ICD-10-CM codes are valid")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
