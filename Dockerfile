# Second Opinion Advocate: one image for the Rasa server, the action server and the web app.
#
#   docker build -t second-opinion-advocate:1.0.0 .
#   docker run ... second-opinion-advocate:1.0.0 rasa | actions | web | wait-for-schema | COMMAND...
#
# The build stage installs the pinned environment exactly as `make install` does (uv from
# requirements.lock, then requirements.in with the lock as constraints), builds the spaCy pipeline
# and trains the model, as `make train` does. The runtime stage holds only the virtualenv, the code,
# models/ and build/spacy/, owned by root and run by an unprivileged user. No secret is in any
# layer: they come from the environment at run time (deploy/k8s, docs/DEPLOYMENT.md).
#
# Both stages must be the same base image: a virtualenv points at its interpreter's absolute path
# (/usr/local/bin/python3.10). Pin it by digest for repeatable builds:
#   --build-arg PYTHON_IMAGE=python:3.10-slim-bookworm@sha256:<digest>
ARG PYTHON_IMAGE=python:3.10-slim-bookworm

# ------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build

# UV_COMPILE_BYTECODE: the runtime file system is read-only, so every module is compiled now and
# no start pays for it (the same packages as `make install`, only with their .pyc). Rasa's
# telemetry is opt-in here as everywhere (Makefile).
ENV VENV=/opt/venv \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_NO_CACHE=1 \
    UV_COMPILE_BYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    TF_CPP_MIN_LOG_LEVEL=2

WORKDIR /app

# The dependencies first, so a code change does not reinstall them (Makefile, `install`).
COPY requirements.in requirements.lock ./
RUN python -m venv "$VENV" \
    && "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c requirements.lock uv \
    && "$VENV/bin/uv" pip install --python "$VENV/bin/python" -r requirements.in -c requirements.lock

# What the model is trained from and what the servers run (.dockerignore keeps out everything
# else: var/ with its secrets, .venv, a developer's models/ and build/, tests, .git).
COPY domain.yml config.yml ./
COPY data/ data/
COPY bot/ bot/
COPY actions/ actions/
COPY deploy/__init__.py deploy/entrypoint.py deploy/

# The spaCy pipeline into build/spacy/advocate_med-<content hash> (`make spacy`), then the model
# (`make train`). The build writes the pipeline through tempfile.mkdtemp, which makes its folder
# 0700: open build/ and models/ to everyone read-only, or the unprivileged user cannot load them.
RUN "$VENV/bin/python" -m bot.nlp.build \
    && "$VENV/bin/python" -m rasa train --domain domain.yml --config config.yml --data data \
        --fixed-model-name advocate --out models \
    && chmod -R a+rX,go-w build models \
    && "$VENV/bin/python" -m compileall -q bot actions deploy

# ------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# tini as PID 1: it forwards SIGTERM to the server (a Python PID 1 would ignore it) and reaps children.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 advocate \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin advocate

# The root file system is read-only in the cluster: HOME, temporary files and library caches are
# all under /tmp (an emptyDir there).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    TMPDIR=/tmp \
    MPLCONFIGDIR=/tmp/matplotlib \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    TF_CPP_MIN_LOG_LEVEL=2

WORKDIR /app

# Owned by root, read-only for the user the servers run as: a compromised process cannot change them.
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app/domain.yml /app/config.yml ./
COPY --from=build /app/data data/
COPY --from=build /app/bot bot/
COPY --from=build /app/actions actions/
COPY --from=build /app/deploy deploy/
COPY --from=build /app/models models/
COPY --from=build /app/build/spacy build/spacy/

# Rasa's endpoints.yml and credentials.yml are written here at start (a memory-backed emptyDir in the cluster).
RUN mkdir -p /app/var && chown 10001:10001 /app/var && chmod 0700 /app/var

# Numeric, so Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
USER 10001:10001

EXPOSE 5005 5055 8000

ENTRYPOINT ["/usr/bin/tini", "--", "python", "-m", "deploy.entrypoint"]
CMD ["rasa"]
