# The one image behind web, worker and beat in docker-compose.yml (target `app`, the default), and
# the nginx in front of them with the collected static files (target `proxy`).
FROM python:3.11-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=socialwork.settings.site
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic runs with the production storage (hashed, compressed); it needs no real secret.
RUN DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=build DJANGO_SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-xx \
    FIELD_ENCRYPTION_KEYS=build:YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtYnVpbGQteHg= FIELD_DIGEST_KEYS=build:YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtYnVpbGQteHg= \
    python manage.py collectstatic --noinput

# nginx: static files from this build; its configuration (nginx/) is mounted by docker-compose.yml.
FROM nginx:1.27-alpine AS proxy
COPY --from=build /app/staticfiles /srv/static
COPY nginx/default.conf /etc/nginx/conf.d/default.conf
EXPOSE 8080

FROM build AS app
RUN useradd --system --home /app socialwork && mkdir -p /app/var && chown -R socialwork /app/var
USER socialwork
EXPOSE 8000
CMD ["gunicorn", "socialwork.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
