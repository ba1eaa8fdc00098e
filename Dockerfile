# syntax=docker/dockerfile:1
#
# One image for every Comment Desk process (see docs/operations.md):
#   API (default):  commentdesk api          binds COMMENTDESK_HOST:COMMENTDESK_PORT (0.0.0.0:8000)
#   worker:         commentdesk worker       needs REDIS_URL
#   migrations:     commentdesk migrate      run once per release, before api and workers
# Configure with DATABASE_URL, REDIS_URL and COMMENTDESK_* variables (service/settings.py).
# The default model ships inside the package (classifier/default_model/): nothing is downloaded
# at build or run time.
#
#   docker build -t commentdesk .

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: compile wheels for the project and every dependency ------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1
# Compilers live only in this stage, for any dependency that has no wheel for the target platform.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache/pip \
    pip wheel --wheel-dir /wheels .

# --- runtime: the wheels installed, no compilers, no source tree -------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    COMMENTDESK_HOST=0.0.0.0 \
    COMMENTDESK_PORT=8000 \
    COMMENTDESK_DATA_DIR=/data

# A fixed numeric uid so orchestrators can check runAsNonRoot and volumes can be chowned to it.
RUN groupadd --system --gid 10001 commentdesk \
    && useradd --system --uid 10001 --gid commentdesk --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin commentdesk \
    && install -d -o commentdesk -g commentdesk -m 0750 /data

# Bind-mounting the wheels keeps them out of every image layer.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels commentdesk

USER 10001:10001
# Only SQLite (when DATABASE_URL is unset) writes here; mount a volume to keep it.
WORKDIR /data
EXPOSE 8000

# /healthz says the process is up; /readyz also needs Redis and a worker with a model, which
# would make the API look broken whenever workers restart. Slim has no curl: use Python.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('COMMENTDESK_PORT', '8000'), timeout=4)"]

# Exec form: commentdesk is PID 1 and receives SIGTERM itself (uvicorn and RQ both shut down
# gracefully on it).
CMD ["commentdesk", "api"]
