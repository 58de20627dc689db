"""Settings in both modes, read the way a deployment reads them: in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ!@#$%^&*()"
# Keys of the encrypted columns, apart from the secret key (id:base64 of 32 bytes).
KEYS = {
    "FIELD_ENCRYPTION_KEYS": "k1:" + "a2V5" * 10 + "a2U=",
    "FIELD_DIGEST_KEYS": "d1:" + "ZGln" * 10 + "ZGk=",
}
CHAIN_KEYS = "k1:chain-" + "0123456789abcdefghijklmnopqrstuvwxyz"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True)


def settings_value(expression: str, **env: str):
    code = f"import django, json; django.setup(); from django.conf import settings; print(json.dumps({expression}))"
    result = run(
        "-c",
        f"import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'socialwork.settings.site'); {code}",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_is_clean_in_production_mode():
    result = run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, **KEYS, AUDIT_CHAIN_KEYS=CHAIN_KEYS, DJANGO_ALLOWED_HOSTS="socialwork.example.gov.cn",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run("manage.py", "check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="x.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_encryption_and_digest_keys():
    result = run(
        "manage.py", "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="x.example"
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS and FIELD_DIGEST_KEYS" in result.stderr
    # The former salts alone no longer do: the keys are apart from the secret key.
    result = run(
        "manage.py", "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="x.example",
        FIELD_ENCRYPTION_SALTS="salt-" + "0123456789abcdefghijklmnopqrstuvwxyz",
    )  # fmt: skip
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_production_refuses_a_short_key_or_an_unknown_cipher_without_showing_the_key():
    short = "k1:" + "c2hvcnQ="
    result = run(
        "manage.py", "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="x.example",
        **{**KEYS, "FIELD_ENCRYPTION_KEYS": short},
    )  # fmt: skip
    assert result.returncode != 0
    assert "must be 32 random bytes" in result.stderr and "c2hvcnQ" not in result.stderr
    result = run(
        "manage.py", "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="x.example",
        FIELD_CIPHER="aes-ecb", **KEYS,
    )  # fmt: skip
    assert result.returncode != 0
    assert "FIELD_CIPHER" in result.stderr


def test_production_refuses_to_start_without_an_audit_chain_key():
    for keys in ("", "k1:short", f"k1:{SECRET}", ":" + "x" * 40):
        result = run(
            "manage.py", "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, **KEYS,
            AUDIT_CHAIN_KEYS=keys, DJANGO_ALLOWED_HOSTS="x.example",
        )  # fmt: skip
        assert result.returncode != 0, keys
        assert "AUDIT_CHAIN_KEYS" in result.stderr


def test_production_mode_turns_on_transport_security():
    values = settings_value(
        "[settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS > 0]",
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, **KEYS, AUDIT_CHAIN_KEYS=CHAIN_KEYS, DJANGO_ALLOWED_HOSTS="x.example",
    )  # fmt: skip
    assert values == [False, True, True, True]


def test_quick_start_uses_sqlite_under_var_and_the_filesystem_broker():
    engine, name, broker, debug = settings_value(
        "[settings.DATABASES['default']['ENGINE'], str(settings.DATABASES['default']['NAME']),"
        " settings.CELERY_BROKER_URL, settings.DEBUG]",
        DJANGO_DEBUG="1",
    )
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == ROOT / "var" / "socialwork.sqlite3"
    assert broker == "filesystem://"
    assert debug is True


def test_database_url_and_broker_url_select_postgresql_and_redis():
    engine, name, host, broker = settings_value(
        "[settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'],"
        " settings.DATABASES['default']['HOST'], settings.CELERY_BROKER_URL]",
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://postgres@db.internal:5432/socialwork",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
    )
    assert engine == "django.db.backends.postgresql"
    assert (name, host) == ("socialwork", "db.internal")
    assert broker == "redis://redis.internal:6379/0"


def test_time_zone_and_language_defaults():
    assert settings_value("[settings.TIME_ZONE, settings.LANGUAGE_CODE]", DJANGO_DEBUG="1") == [
        "Asia/Shanghai", "zh-hans",
    ]  # fmt: skip
