"""docker-compose.yml and the README against what the code actually reads and runs."""

import ast
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat", "backup", "migrate")
ONE_SHOT = ("migrate",)


def settings_variables() -> set[str]:
    """Every environment variable the settings read through `env(...)` or `env.<type>(...)`."""
    names = set()
    for path in (ROOT / "socialwork" / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = node.func
            is_env = (isinstance(func, ast.Name) and func.id == "env") or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
            )
            if is_env and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
    return names


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_settings_read_the_variables_we_expect():
    # A guard on the scanner itself: it must find the variables we know are there.
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"} <= settings_variables()


def test_compose_has_every_service_with_health_checks(compose):
    services = compose["services"]
    assert set(services) == {
        "postgres", "postgres-replica", "redis", "migrate", "web", "worker", "beat", "backup", "nginx",
    }  # fmt: skip
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
        assert name in ONE_SHOT or service["healthcheck"].get("disable") is not True
    assert {"postgres-data", "redis-data"} <= set(compose["volumes"])


def test_the_replica_is_a_streaming_copy_of_the_primary_started_on_request(compose):
    """README, reads on a replica: `--profile replica` starts it; it copies the primary with
    pg_basebackup as the replication role, which the primary's first start makes."""
    services = compose["services"]
    replica, primary = services["postgres-replica"], services["postgres"]
    assert replica["profiles"] == ["replica"] and replica["image"] == primary["image"]
    role = primary["environment"]["DATABASE_REPLICATION_ROLE"]
    script = "\n".join(replica["command"])
    assert f"pg_basebackup -h postgres -U {role}" in script and "-R -X stream" in script
    assert "hot_standby=on" in script
    made_once = ROOT / "deploy" / "postgres" / "20-replication.sh"
    assert (
        'CREATE ROLE :"role" LOGIN REPLICATION' in made_once.read_text() and made_once.stat().st_mode & 0o111
    )
    for name in APP_SERVICES:
        assert services[name]["environment"]["DATABASE_REPLICA_URL"] == "${DATABASE_REPLICA_URL:-}", name


def test_nginx_sends_stored_files_only_after_the_apps_check(compose):
    """No location serves MEDIA_URL; the media volume is read-only in nginx and reached only by
    the internal location the app's X-Accel-Redirect names; web is reached only through nginx."""
    services = compose["services"]
    conf = re.sub(r"#.*", "", (ROOT / "nginx" / "default.conf").read_text())
    prefix = services["web"]["environment"]["FILES_ACCEL_REDIRECT_PREFIX"]
    assert prefix == "/protected-media/"
    internal = re.search(r"location " + re.escape(prefix) + r" \{(.*?)\n    \}", conf, re.S)
    assert internal and re.search(r"^\s*internal;", internal.group(1), re.M)
    assert "media" not in conf.replace(prefix, "")
    assert "media:/srv/protected-media:ro" in services["nginx"]["volumes"]
    assert "ports" not in services["web"] and services["nginx"]["ports"] == ["8000:8080"]
    assert "location /static/" in conf
    assert "proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;" in conf


def test_django_serves_nothing_under_media_url(settings):
    from django.urls import Resolver404, get_resolver

    with pytest.raises(Resolver404):
        get_resolver().resolve(f"/{settings.MEDIA_URL}projects/plans/plan.pdf")


def test_compose_sets_every_variable_the_settings_read(compose):
    wanted = settings_variables()
    for name in APP_SERVICES:
        missing = wanted - set(compose["services"][name]["environment"])
        assert not missing, f"{name} does not set {sorted(missing)}"


def test_compose_commands_name_real_modules(compose):
    for name in APP_SERVICES:
        command = compose["services"][name]["command"]
        command = command if isinstance(command, str) else " ".join(command)
        for module, attribute in re.findall(r"\b([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):([A-Za-z_]\w*)", command):
            assert getattr(importlib.import_module(module), attribute), f"{module}:{attribute}"
        for app in re.findall(r"celery -A (\w+)", command):
            assert importlib.import_module(app).celery_app.main == "socialwork"
        if "manage.py" in command:
            assert (ROOT / "manage.py").exists()


def test_the_application_connects_as_the_runtime_role_and_only_migrate_as_the_owner(compose):
    """The audit log is safe only from a role that owns nothing (socialwork/dbroles.py)."""
    services = compose["services"]
    postgres = services["postgres"]
    runtime, owner = (
        postgres["environment"]["DATABASE_RUNTIME_ROLE"],
        postgres["environment"]["DATABASE_OWNER_ROLE"],
    )
    assert postgres["environment"]["POSTGRES_USER"] not in (runtime, owner)
    assert "./deploy/postgres:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    assert (ROOT / "deploy" / "postgres" / "10-roles.sh").stat().st_mode & 0o111
    for name in ("web", "worker", "beat", "backup"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith(f"postgres://{runtime}:"), name
        assert "migrate" not in str(services[name]["command"]), f"{name} must not migrate as the runtime role"
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_URL"].startswith(f"postgres://{owner}:")
    assert migrate["environment"]["DATABASE_RUNTIME_ROLE"] == runtime
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_backups_are_made_by_one_service_that_alone_holds_the_key_and_the_volume(compose, settings):
    """socialwork.backups: the `backup` service consumes only the `backups` queue, where the
    settings route the backup tasks; it alone mounts the backup volume and the key (a secret file,
    not a variable of .env), and reads as the backup role. Nothing serves the backups."""
    services = compose["services"]
    backup = services["backup"]
    assert backup["command"][:6] == ["celery", "-A", "socialwork", "worker", "-Q", "backups"]
    assert settings.CELERY_TASK_ROUTES["socialwork.backups.tasks.*"] == {"queue": "backups"}
    assert "backups:/app/var/backups" in backup["volumes"] and "media:/app/var/media:ro" in backup["volumes"]
    assert backup["environment"]["BACKUP_DIR"] == "/app/var/backups"
    assert backup["environment"]["BACKUP_ENCRYPTION_KEY_FILE"] == "/run/secrets/backup_key"
    assert (
        backup["secrets"] == ["backup_key"]
        and compose["secrets"]["backup_key"]["file"] == "./secrets/backup_key"
    )
    role = services["postgres"]["environment"]["DATABASE_BACKUP_ROLE"]
    assert backup["environment"]["BACKUP_DATABASE_URL"].startswith(f"postgres://{role}:")
    for name, service in services.items():
        if name == "backup":
            continue
        assert not any("backups" in str(volume) for volume in service.get("volumes", [])), name
        assert "secrets" not in service, name
        environment = service.get("environment", {})
        assert not any(key.startswith("BACKUP_ENCRYPTION_KEY") for key in environment), name
        assert not environment.get("BACKUP_DATABASE_URL"), name
    assert "secrets/" in (ROOT / ".gitignore").read_text().split()
    dockerfile = (ROOT / "Dockerfile").read_text()
    major = services["postgres"]["image"].split(":")[1]
    assert (
        f"ARG POSTGRESQL_CLIENT={major}" in dockerfile
        and "postgresql-client-${POSTGRESQL_CLIENT}" in dockerfile
    )
    roles = (ROOT / "deploy" / "postgres" / "10-roles.sh").read_text()
    assert 'CREATE ROLE :"backup" LOGIN NOSUPERUSER CREATEDB NOCREATEROLE INHERIT' in roles


def test_readme_documents_every_variable():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in sorted(settings_variables()) if f"`{name}`" not in readme]
    assert not missing, f"README's configuration table lacks {missing}"


def test_env_example_names_only_known_variables():
    known = settings_variables() | {
        "POSTGRES_PASSWORD",
        "DATABASE_OWNER_PASSWORD",
        "DATABASE_RUNTIME_PASSWORD",
        "DATABASE_BACKUP_PASSWORD",
    }
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            assert line.split("=", 1)[0] in known


def test_the_web_server_loads_every_view_and_leaves_them_out_of_full_collections():
    """gunicorn's entry point imports the views before the first request and freezes what it has
    loaded (gc.freeze), so that no request pays a full collection over the whole app. Run in its
    own interpreter: freezing this one would keep the tests' objects for good."""
    script = (
        "import gc, sys, socialwork.wsgi; "
        "print(gc.get_freeze_count(), 'casework.views' in sys.modules, len(gc.get_objects()))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "socialwork.settings.development"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    frozen, views_loaded, left = done.stdout.split()
    assert views_loaded == "True"
    assert int(frozen) > 50_000 and int(left) < int(frozen) // 10
