# syntax=docker/dockerfile:1
# DakMatch API image: a build stage that installs the package into a virtual environment, and a
# slim runtime stage that only copies that environment and runs as an unprivileged user.
#
#   docker build -t dakmatch .
#   docker run --rm -e DATABASE_URL=... dakmatch dakmatch db upgrade      # migrations: a step of their own
#   docker run --rm -e DATABASE_URL=... dakmatch dakmatch catalog load
#   docker run -d -p 8000:8000 -e DATABASE_URL=... dakmatch               # app server(s)

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first, at the versions pinned in requirements.lock (the runtime and deploy
# dependencies of pyproject.toml), so that a change of the code alone reuses this layer.
COPY requirements.lock ./
RUN pip install --upgrade pip && pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY catalog ./catalog
COPY matching ./matching
COPY service ./service
COPY migrations ./migrations
RUN pip install --no-deps . && python -m compileall -q /opt/venv

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DAKMATCH_HOST=0.0.0.0 \
    DAKMATCH_PORT=8000
RUN groupadd --system --gid 10001 dakmatch \
    && useradd --system --uid 10001 --gid dakmatch --home-dir /app --create-home \
       --shell /usr/sbin/nologin dakmatch
COPY --from=build /opt/venv /opt/venv
COPY deploy/gunicorn.conf.py /app/deploy/gunicorn.conf.py
WORKDIR /app
USER dakmatch:dakmatch
EXPOSE 8000
# Liveness only (/healthz touches neither database nor ranker); orchestrators use /readyz to
# decide whether to route traffic.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
# Exec form: gunicorn runs as PID 1 and receives SIGTERM itself, so a `docker stop`
# drains in-flight requests (graceful_timeout) before the container exits.
STOPSIGNAL SIGTERM
CMD ["gunicorn", "--config", "/app/deploy/gunicorn.conf.py", "service.app:create_app()"]
