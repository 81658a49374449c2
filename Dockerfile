FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core wbritish \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_SETTINGS_MODULE=pscb_audit.settings python manage.py collectstatic --noinput
RUN useradd --system --home /app app && mkdir -p /data/private && chown app /data/private
USER app
EXPOSE 8000
CMD ["gunicorn", "pscb_audit.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
