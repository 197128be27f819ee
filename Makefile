# Second Opinion Advocate: developer and operator commands. `make help` lists them.
#
# Everything runs from the project's own virtualenv (.venv, Python 3.10), created and installed
# on first use and reinstalled only when requirements.in or requirements.lock change. The model is
# retrained only when its inputs change.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# The steps of `make test` are ordered and each one's failure is fatal: never run them in parallel.
# (pytest's --durations lists the slowest tests: the whole of `make test` should stay well under
# 20 minutes on 2 cores, training included.)
.NOTPARALLEL:
.DELETE_ON_ERROR:

VENV ?= .venv
PY := $(VENV)/bin/python
RASA := $(PY) -m rasa
INSTALLED := $(VENV)/.installed
MODEL := models/advocate.tar.gz
RASA_PROJECT := --domain domain.yml --config config.yml --data data

# Rasa's telemetry and crash reports go to Rasa's servers, and a crash report can quote a
# person's message: off unless you opt in (RASA_TELEMETRY_ENABLED=true make ...).
export RASA_TELEMETRY_ENABLED ?= false

# What the model is built from: the Rasa project files, plus the custom NLU components and policy,
# the spaCy pipeline's code (bot/nlp) and the vocabularies it is built from (the tracker store is
# not part of the model).
# models/.inputs records the list itself, so adding or deleting a file retrains too (a deleted
# file would otherwise go unnoticed).
TRAIN_INPUTS := domain.yml config.yml $(filter-out bot/rasa_ext/tracker_store.py bot/rasa_ext/lock_store.py,$(sort $(shell \
	find data bot/rasa_ext bot/nlp bot/logic/vocabulary bot/logic/vocabulary.py \
	-type f -not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null)))

.PHONY: help install spacy run run-scaled shell advocate api-key api-key-revoke audit-verify export-review audit train test validate lint \
	test-unit test-core test-nlu test-stack \
	test-postgres test-faults eval eval-behaviour bench rotate-key bench-train bench-load profile widget-vendor clean FORCE

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# --- environment -------------------------------------------------------------------------------

install: $(INSTALLED) ## Create .venv (Python 3.10) and install the pinned requirements

$(INSTALLED): requirements.in requirements.lock
	@if ! "$(PY)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then \
		python="$$(scripts/find_python.sh)"; \
		if [ -e "$(VENV)" ]; then echo "$(VENV) is missing or not Python 3.10: recreating it"; rm -rf "$(VENV)"; fi; \
		echo "Creating $(VENV) with $$python"; \
		"$$python" -m venv "$(VENV)" || { \
			echo "error: could not create $(VENV). On Debian/Ubuntu: sudo apt install python3.10-venv" >&2; \
			exit 1; }; \
	fi
	@# uv installs the same pinned set as pip (the lock is the constraints either way) in ~20 s
	@# instead of ~3 minutes on 2 cores; it is itself pinned in requirements.lock. It reads
	@# UV_INDEX_URL, not pip's configuration, for a package mirror.
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock uv
	$(VENV)/bin/uv pip install --python $(PY) -r requirements.in -c requirements.lock
	@touch $@

# --- model ---------------------------------------------------------------------------------------

train: $(MODEL) ## Train the model (only when domain.yml, config.yml or data/ changed)

models/.inputs: FORCE
	@mkdir -p models
	@printf '%s\n' $(TRAIN_INPUTS) | cmp -s - $@ || printf '%s\n' $(TRAIN_INPUTS) > $@

# The project's spaCy pipeline, in a directory named by the hash of its inputs (vocabularies and
# bot/nlp code): a no-op when that directory exists. Its inputs are also TRAIN_INPUTS, so a change
# retrains; it is order-only below because an unchanged pipeline must not.
spacy: | $(INSTALLED) ## Build the spaCy pipeline into build/spacy/advocate_med-<content hash>
	$(PY) -m bot.nlp.build

# Order-only on the install: a new test dependency must not retrain the model.
$(MODEL): $(TRAIN_INPUTS) models/.inputs | $(INSTALLED) spacy
	$(RASA) train $(RASA_PROJECT) --fixed-model-name advocate --out models
	@touch $@

# --- running -----------------------------------------------------------------------------------

run: $(MODEL) ## Start Rasa (:5005), the action server (:5055) and the web app (:8000); Ctrl-C stops
	$(PY) -m bot.launcher run

run-scaled: $(MODEL) ## RASA_INSTANCES (2) Rasa and ACTION_INSTANCES (2) action servers behind nginx, on PostgreSQL and Redis
	$(PY) -m bot.launcher run-scaled

shell: $(MODEL) ## Chat in the terminal (rasa shell, same endpoints; works beside `make run`)
	$(PY) -m bot.launcher shell

advocate: | $(INSTALLED) ## Add an advocate console account: make advocate EMAIL=a@b.org NAME="A B"
	@if [ -z "$${EMAIL:-}" ] || [ -z "$${NAME:-}" ]; then \
		echo 'usage: make advocate EMAIL=maria@example.org NAME="Maria Lopez"  (asks for the password)' >&2; exit 2; fi
	$(PY) -m bot.advocates add "$$EMAIL" --name "$$NAME"

api-key: | $(INSTALLED) ## New named API key, shown once: make api-key NAME="Maria Lopez" (list: python -m bot.advocates api-keys)
	@if [ -z "$${NAME:-}" ]; then echo 'usage: make api-key NAME="Maria Lopez"' >&2; exit 2; fi
	$(PY) -m bot.advocates api-key "$$NAME"

api-key-revoke: | $(INSTALLED) ## Revoke an API key: make api-key-revoke ID=3 (it gets 401 from then on)
	@if [ -z "$${ID:-}" ]; then echo 'usage: make api-key-revoke ID=3  (ids: python -m bot.advocates api-keys)' >&2; exit 2; fi
	$(PY) -m bot.advocates api-key-revoke "$$ID"

audit-verify: | $(INSTALLED) ## Recompute the staff audit log's hash chain; fails naming the first broken entry
	$(PY) -m bot.advocates audit-verify

export-review: | $(INSTALLED) ## Advocates' labels (console: Not understood) into var/review/ for a person to review; never into data/nlu
	$(PY) -m bot.advocates.review_export

rotate-key: | $(INSTALLED) ## Re-wrap every person's key under ADVOCATE_MASTER_KEY (old one in ADVOCATE_MASTER_KEY_PREVIOUS)
	$(PY) -m bot.security.rotate_key

# --- checks --------------------------------------------------------------------------------------

test: validate lint test-unit $(MODEL) test-core test-nlu test-stack test-postgres ## Run every check, in order

validate: | $(INSTALLED) ## rasa data validate, warnings fail
	$(RASA) data validate --fail-on-warnings $(RASA_PROJECT)

lint: | $(INSTALLED) ## ruff
	$(PY) -m ruff check .

audit: | $(INSTALLED) ## Locked packages with known advisories (security/advisories.yml, curated): fixed or why accepted
	$(PY) scripts/dependency_audit.py

# The unit tests run on every core, up to four (pytest-xdist; each worker imports Rasa): every test
# has its own database and free ports. On 2 cores 7.8 -> 3.8 minutes.
test-unit: | $(INSTALLED) ## Unit tests (no servers, no PostgreSQL)
	$(PY) -m pytest tests -m "not stack and not postgres and not model and not scaled" -n auto --maxprocesses=4 --durations=5

test-core: $(MODEL) ## rasa test core on tests/stories (prediction errors fail)
	@if [ -d tests/stories ]; then \
		$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/core --no-plot; \
	else \
		echo "SKIPPED rasa test core: tests/stories/ does not exist yet"; \
	fi

test-nlu: $(MODEL) ## Quality gate: the model meets the NLU targets on sets it never saw (results/nlu/)
	$(PY) -m pytest tests/nlu -m model

test-stack: $(MODEL) ## End-to-end tests against the real three processes
	$(PY) -m pytest tests -m stack --durations=5

# Not part of `make test`: it restarts PostgreSQL and Redis and kills servers (.ci/run runs it after).
test-faults: $(MODEL) ## The scaled topology under faults (needs PostgreSQL, Redis, nginx): prints recovery times
	$(PY) -m pytest tests/scaled -m scaled -s --durations=10

test-postgres: | $(INSTALLED) ## PostgreSQL tests (only when TEST_DATABASE_URL is set)
	@if [ -n "$${TEST_DATABASE_URL:-}" ]; then \
		$(PY) -m pytest tests -m postgres || { rc=$$?; \
			if [ $$rc -eq 5 ]; then echo "no PostgreSQL tests exist yet"; else exit $$rc; fi; }; \
	else \
		echo "SKIPPED PostgreSQL tests: TEST_DATABASE_URL is not set (.ci/run sets it)"; \
	fi

# Held-out, blind, robustness and entity sets through the trained model, plus cross-validation on
# the training data (one NLU training per fold: several minutes). Exits non-zero below target.
EVAL_FOLDS ?= 5

eval: $(MODEL) ## NLU report: test sets, $(EVAL_FOLDS)-fold CV, targets (results/eval/report.md; EVAL_FOLDS=0 skips CV)
	$(PY) -m tests.nlu.evaluate --model $(MODEL) --folds $(EVAL_FOLDS) --out results/eval

eval-behaviour: $(MODEL) ## What the bot does with the blind sets' first messages, through the real stack (results/behaviour/)
	$(PY) -m pytest tests/e2e/test_understanding_gate.py -s -q

BENCH_ITERATIONS ?= 1000

bench: | $(INSTALLED) ## Time safety, vocabulary, recommendation rules and encryption per turn (BENCH_ITERATIONS=1000)
	$(PY) -m tests.bench --iterations $(BENCH_ITERATIONS)
	$(PY) -m tests.bench_encryption

bench-train: | $(INSTALLED) spacy ## Time a full training from scratch (budget: 3 minutes on 2 cores)
	$(PY) -m tests.bench_training

# The project against Rasa's own moodbot (rasa init, trained once into build/bench/), started side by
# side in one run; figures and ratios to moodbot, JSON in results/bench/. BENCH_PROFILE=quick (1 and
# 20 users x 10 turns) or full (1, 20, 100 x 20); BENCH_USERS=1,20,100 BENCH_TURNS=20
# BENCH_LONG_TURNS=80 override it; BENCH_STACK_ENV="NAME=value ..." adds settings to the stack;
# BENCH_SCALED=1 also runs `make run-scaled` with one and with two instances (PostgreSQL, Redis, nginx).
BENCH_PROFILE ?= quick

bench-load: $(MODEL) ## Load benchmark against a bare Rasa moodbot in the same run (BENCH_PROFILE=quick|full)
	$(PY) -m tests.bench_load --profile $(BENCH_PROFILE) $(if $(BENCH_SCALED),--scaled) $(if $(BENCH_USERS),--users $(BENCH_USERS)) \
		$(if $(BENCH_TURNS),--turns $(BENCH_TURNS)) $(if $(BENCH_LONG_TURNS),--long-turns $(BENCH_LONG_TURNS))

PROFILE_PASSES ?= 2

profile: $(MODEL) ## Where a turn's time goes: NLU, policies, tracker store, action calls, SQL (PROFILE_PASSES=2)
	$(PY) -m tests.profile_turn --passes $(PROFILE_PASSES)

# The website widget's bundle is committed (works offline, no Node needed to run); this re-fetches
# it from npm and checks it against the pinned hashes in the script.
WEBCHAT_VERSION := 1.0.1

widget-vendor: ## Re-fetch the chat widget (rasa-webchat) from npm into bot/web/static (needs npm)
	scripts/vendor_webchat.sh $(WEBCHAT_VERSION) bot/web/static/chat/vendor/rasa-webchat-$(WEBCHAT_VERSION)

clean: ## Remove the model, the spaCy build, results and caches (keeps .venv and var/: your database and secrets)
	rm -rf models build results .rasa .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

FORCE:
