# Production image: python -m bot run (polling or webhook, from the environment).
#   docker build -t iot-telegram-bot .
#   docker run -d --name iot-bot -e TELEGRAM_BOT_TOKEN=... -v iot-bot-data:/data iot-telegram-bot

# -- build: the package and its dependencies into a virtualenv --------------------------------
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
# The translations (locales/*.po) install inside the package as bot/locales/ (setup.py);
# they compile in memory at start.
COPY locales ./locales
# pip and setuptools are only needed to install: the runtime image does without them (-23 MB).
RUN pip install --no-cache-dir . \
    && pip uninstall -y -q pip setuptools

# -- runtime: the virtualenv, a non-root user and the data volume ----------------------------
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BOT_DATA_DIR=/data \
    HEALTH_PORT=8080 \
    HEALTH_LISTEN=0.0.0.0 \
    WEBHOOK_LISTEN=0.0.0.0 \
    WEBHOOK_PORT=8443

# A CJK font, so device and property names in Chinese are drawn in the history charts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/bot bot \
    && mkdir -p /data \
    && chown bot:bot /data
COPY --from=build /opt/venv /opt/venv

USER bot
WORKDIR /home/bot
# Build matplotlib's font cache now rather than on the first chart.
RUN python -c "import matplotlib.font_manager" \
    && python -c "import bot.i18n as i; assert 'zh_Hans' in i.available_languages(), i.LOCALES_DIR"

# The SQLite file and the generated key that encrypts AccessTokens at rest: keep them.
VOLUME ["/data"]
# 8443: the webhook server (put a TLS reverse proxy in front); 8080: /healthz and /metrics.
EXPOSE 8443 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HEALTH_PORT', '8080'), timeout=4)"]

# SIGTERM (docker stop) stops the bot cleanly: updates in hand are finished, the webhook stays.
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
