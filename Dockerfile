# clinic-redflags API: gunicorn serving `service:create_app()` on port 8000.
#   docker build -t clinic-redflags . && docker run --rm -p 8000:8000 clinic-redflags
# Settings are environment variables (README, "Configuration"); WORKERS sets gunicorn's workers.
# gunicorn runs gevent workers (service/gunicorn_conf.py): HOST is 0.0.0.0 here, so clients that
# send half a request and wait must not be able to hold a worker (issue 14).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 redflags \
    && useradd --system --uid 10001 --gid redflags --create-home --home-dir /home/redflags redflags

WORKDIR /src

# Dependencies first, read from pyproject.toml alone, so this layer is rebuilt only when they
# change, not on every code edit.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install --no-cache-dir -r requirements.txt \
    && rm requirements.txt

# Then the code, data files and classifier artifact, installed without touching dependencies.
COPY README.md ./
COPY model ./model
COPY service ./service
COPY training ./training
RUN pip install --no-cache-dir --no-deps .

# Run from an empty directory, as an unprivileged user: the installed package is what serves.
WORKDIR /app
# Load the checker once, as root, so the data files' parses and the phrase matcher's automata are
# kept beside them in the installed package (model/datafiles.py): the server's user cannot write
# there, and without them every worker parses 800 KB of YAML and builds the automata at start.
RUN python -c "import model; model.load_checker()"
USER 10001:10001

ENV HOST=0.0.0.0 \
    PORT=8000 \
    WORKERS=2 \
    REDFLAGS_LOG_LEVEL=INFO
EXPOSE 8000

# No curl in slim images: the health probe is Python's urllib.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/v1/health', timeout=4)"]

CMD ["gunicorn", "--config", "python:service.gunicorn_conf", "service:create_app()"]
