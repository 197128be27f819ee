"""Builds the pipeline deterministically into a content-addressed directory.

    python -m bot.nlp.build            # prints the pipeline's directory, building it if needed
    make spacy                         # the same, as a prerequisite of the Rasa model

The directory is `build/spacy/advocate_med-<hash>`, where the hash covers the vocabulary YAML
files, this package's code and the spaCy version: a changed alias gives a new path, so Rasa's
`AdvocateSpacyNLP` (which fingerprints the path) retrains what depends on it, and an unchanged
input reuses the same bytes. The build writes to a temporary directory and renames it into place,
so a half-written pipeline is never loaded.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language

from bot.nlp import components
from bot.nlp.normalize import SHORTHAND
from bot.nlp.patterns import alias_index, categories, ruler_patterns
from bot.nlp.vocab import vocabulary_files

NAME = "advocate_med"
REPOSITORY = Path(__file__).resolve().parents[2]
BUILD_DIR = REPOSITORY / "build" / "spacy"
_CODE_DIR = Path(__file__).resolve().parent


def content_hash() -> str:
    """SHA-256 of everything the pipeline is made of (file names and bytes, in a fixed order)."""
    digest = hashlib.sha256(f"spacy {spacy.__version__}\n".encode())
    sources = [*vocabulary_files(), *sorted(_CODE_DIR.glob("*.py"))]
    for path in sources:
        digest.update(f"{path.parent.name}/{path.name}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pipeline_path(root: Path = BUILD_DIR) -> Path:
    """Where the pipeline for the current inputs lives (it may not be built yet)."""
    return root / f"{NAME}-{content_hash()[:16]}"


def create_nlp() -> Language:
    """The pipeline, in memory, from the YAML vocabularies (no files written)."""
    nlp = spacy.blank("en")
    for text, meaning in SHORTHAND.items():
        if not text.startswith("n"):  # "n't"/"nt" are already split off by the English exceptions
            nlp.tokenizer.add_special_case(text, [{"ORTH": text, "NORM": meaning}])
    nlp.add_pipe("advocate_normalizer")
    ruler = nlp.add_pipe(
        "span_ruler",
        name="vocabulary_ruler",
        config={"spans_key": components.RULER_KEY, "spans_filter": None, "annotate_ents": False, "validate": False},
    )
    ruler.add_patterns(ruler_patterns(nlp.make_doc))
    mentions = nlp.add_pipe("advocate_mentions")
    mentions.set_tables(categories(), alias_index(nlp.make_doc))
    nlp.add_pipe("advocate_negation")
    nlp.add_pipe("advocate_experiencer")
    nlp.meta.update(
        {
            "name": NAME,
            "version": "1.0.0",
            "description": "Second Opinion Advocate: curated medical vocabulary, negation, experiencer",
            "author": "Second Opinion Advocate",
            "license": "proprietary",
        }
    )
    return nlp


def build(root: Path = BUILD_DIR) -> Path:
    """Builds the pipeline for the current inputs unless it exists; returns its directory."""
    target = pipeline_path(root)
    if target.is_dir():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=root))
    try:
        create_nlp().to_disk(staging)
        staging.rename(target)
    except OSError:
        if not target.is_dir():  # another process may have won the race with the same content
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


@cache
def shared_nlp() -> Language:
    """One in-memory pipeline per process, for `bot.logic.vocabulary` (the actions' look-ups)."""
    return create_nlp()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlp.build", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=BUILD_DIR, help=f"parent directory ({BUILD_DIR})")
    args = parser.parse_args(argv)
    print(build(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
