# The production image: gunicorn serving pscb_audit.production (DEBUG off, SECRET_KEY required),
# static files collected under the production manifest storage and served by WhiteNoise.
# Dependencies come from requirements.lock, every one checked against its hash (`make lock`).
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=pscb_audit.production

# WeasyPrint's Pango and HarfBuzz, and a font.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core wbritish \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .
# collectstatic under the production settings, so the manifest the running app needs is written.
# The key is made for this step only and thrown away (it is in no layer or environment).
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput \
    && test -f staticfiles/staticfiles.json

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /data/private /data/beat \
    && chown app /data/private /data/beat
USER app

EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "pscb_audit.wsgi:application"]
