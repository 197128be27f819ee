"""The project's own spaCy pipeline: medical vocabulary, negation and experiencer in free text.

Built deterministically from files in the repository (`python -m bot.nlp.build`, `make spacy`):
spaCy's blank English tokenizer with SMS/medical shorthand, a span ruler whose patterns come from
the curated vocabularies in `bot/logic/vocabulary/*.yml`, and three small components of our own
(mentions, negation, experiencer). No download and no statistical model: every decision can be
traced to a line of YAML or a rule in this package.

- `vocab`: loads and validates the YAML vocabularies (`Entry`, `Mention`);
- `normalize`: the token normal form that makes matching forgiving ("Crohn\u2019s" = "crohns");
- `patterns`: vocabulary entries as span-ruler patterns, plus the fixed cue patterns;
- `components`: the registered spaCy components and the `Doc`/`Span` extensions they write;
- `build`: `create_nlp()`, the content hash and the content-addressed build directory;
- `mentions`: a processed `Doc` as `Mention`s, what the bot's logic and Rasa consume.
"""
