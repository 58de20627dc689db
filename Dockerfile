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
    AUDIT_CHAIN_KEYS=build:build-only-not-a-secret-build-only \
    python manage.py collectstatic --noinput

# nginx: static files from this build; its configuration (nginx/) is mounted by docker-compose.yml.
FROM nginx:1.27-alpine AS proxy
COPY --from=build /app/staticfiles /srv/static
COPY nginx/default.conf /etc/nginx/conf.d/default.conf
EXPOSE 8080

FROM build AS app
# pg_dump and pg_restore for the backups (socialwork.backups; run by docker-compose.yml's `backup`),
# of the server's major version (postgres:16): pg_dump refuses a newer server than itself, and
# Debian's own client is older. From the PostgreSQL project's apt repository.
ARG POSTGRESQL_CLIENT=16
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
       https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt $(. /etc/os-release && echo "$VERSION_CODENAME")-pgdg main" \
       > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update && apt-get install -y --no-install-recommends "postgresql-client-${POSTGRESQL_CLIENT}" \
    && apt-get purge -y curl && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
# The volumes mounted under var/ (uploads, backups) start owned by the application's user.
RUN useradd --system --home /app socialwork && mkdir -p /app/var/media /app/var/backups \
    && chown -R socialwork /app/var && chmod 700 /app/var/backups
USER socialwork
EXPOSE 8000
CMD ["gunicorn", "socialwork.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
