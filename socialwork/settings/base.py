"""Settings shared by every mode. Each variable read here is in the README's table."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from socialwork import timelimits

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DEMO_MODE = env.bool("DEMO_MODE", default=False)
# Encrypted columns (socialwork/crypto): keys of their own, "id:base64" of 32 random bytes, the
# first encrypts and all decrypt (rotation: put the new one first, run `manage.py reencrypt`,
# then drop the old). The digest keys find a value (an ID number) without decrypting anyone's.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_DIGEST_KEYS = env.list("FIELD_DIGEST_KEYS", default=[])
# fernet, or sm4 (SM4-GCM, with HMAC-SM3 digests) for a commercial-cryptography assessment.
FIELD_CIPHER = env("FIELD_CIPHER", default="fernet")
# hmac-sha256 or hmac-sm3; empty: hmac-sm3 with sm4, hmac-sha256 with fernet.
FIELD_DIGEST = env("FIELD_DIGEST", default="")
# Upgrade only: the salts of the former encryption (keys derived from DJANGO_SECRET_KEY). While
# set, values it made still decrypt; remove once `manage.py reencrypt` reports nothing left.
FIELD_ENCRYPTION_LEGACY_SALTS = env.list("FIELD_ENCRYPTION_SALTS", default=[])

INSTALLED_APPS = [
    "socialwork",
    "positions",
    "training",
    "projects",
    "casework",
    "reports",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_celery_results",
    "django_htmx",
    "template_partials",
    "treebeard",
    "socialwork.apps_third_party.AxesConfig",
    "csp",
    # The second factor (socialwork.accounts.twofactor): TOTP devices and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "socialwork.middleware.AuditMiddleware",
    "socialwork.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "socialwork.middleware.NoStoreMiddleware",
    "socialwork.middleware.SessionRefreshMiddleware",
    "socialwork.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "socialwork.middleware.SecondFactorMiddleware",
    "socialwork.middleware.PasswordExpiryMiddleware",
]

ROOT_URLCONF = "socialwork.urls"
WSGI_APPLICATION = "socialwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "socialwork.context_processors.navigation",
            ],
        },
    },
]
# Form widgets through Django's own Jinja2 widget templates (the same markup, in half the time).
FORM_RENDERER = "socialwork.renderers.FormRenderer"

# Database: PostgreSQL from DATABASE_URL; without it, an SQLite file under var/ for the quick start.
SQLITE_PATH = VAR_DIR / "socialwork.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # The web server and the worker share the file: wait for each other's writes, never fail.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # How many pages a phone fetches at once when it keeps its field pages (casework.views.field
    # precache.json): SQLite writes one at a time (each page opened is audited), so one by one.
    FIELD_PAGES_AT_ONCE = 1
    # A covering index's included columns (the figures' case indexes) are PostgreSQL's; SQLite
    # builds the same index on its key columns alone, which is all a small database needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    FIELD_PAGES_AT_ONCE = 4
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Reads that scale out (socialwork/replicas.py): with DATABASE_REPLICA_URL, a PostgreSQL streaming
# replica of DATABASE_URL's database, exports, the dashboard's figures and the annual report read from
# it once it has caught up with the primary (waiting for it at most DATABASE_REPLICA_MAX_WAIT
# seconds); everything else reads from the primary. Tests read the replica as the primary's mirror.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_REPLICA_MAX_WAIT = env.float("DATABASE_REPLICA_MAX_WAIT", default=2.0)
DATABASE_ROUTERS = ["socialwork.replicas.ReplicaRouter"]
# PostgreSQL in production: DATABASE_URL names the runtime role the application connects as, which
# owns nothing; `migrate` runs with the owner role's URL and DATABASE_RUNTIME_ROLE set, and grants
# that role its rows (socialwork/dbroles.py; docker-compose.yml's `migrate` service).
DATABASE_RUNTIME_ROLE = env("DATABASE_RUNTIME_ROLE", default="")
# The role nightly backups read the database as (socialwork.backups): `migrate` grants it SELECT on
# every table and sequence, nothing else. Empty: no grants (one role, as in development).
DATABASE_BACKUP_ROLE = env("DATABASE_BACKUP_ROLE", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A stopped Redis reads as an empty cache, and a blackholed one costs a page at most a second.
    CACHES["default"]["BACKEND"] = "socialwork.cache.TolerantRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=1, socket_timeout=1)

AUTH_USER_MODEL = "socialwork.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "socialwork.auth.PlaceAwareBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # MLPS 2.0 level 3: at least 10 characters mixing three of lower, upper, digit and symbol.
    {"NAME": "socialwork.passwords.ComplexityValidator"},
]
# A password older than this many days must be changed before anything else (socialwork.middleware).
PASSWORD_MAX_AGE_DAYS = 90
LOGIN_URL = "login"
# The second factor (socialwork.accounts.twofactor): TOTP codes from an authenticator app, which
# shows them under this name; a wrong code doubles the wait before the next try (django-otp's
# throttling: 1 s, 2 s, 4 s…), for the app's codes and the recovery codes alike.
OTP_TOTP_ISSUER = "社会工作管理系统"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a stretch of inactivity: every request renews the cookie.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
# The expiry is renewed by socialwork.middleware.SessionRefreshMiddleware at most once a minute,
# rather than by a write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after repeated failed logins (django-axes, counted by socialwork.accounts.lockout): an
# account from one address after LOGIN_FAILURE_LIMIT failures, an address across all usernames
# after LOGIN_ADDRESS_FAILURE_LIMIT (higher: an office behind one gateway shares it), an account
# from everywhere after LOGIN_ACCOUNT_FAILURE_LIMIT (higher: nobody locks a colleague out from
# their own desk with a few requests). The User-Agent a client sends counts for nothing.
AXES_HANDLER = "socialwork.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
# A lock lasts its cool-off from the failure that began it: attempts while locked are refused
# without being counted, so they neither extend it nor tell its holder again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "socialwork.accounts.lockout.lockout_response"
# How many proxies in front of the application append to X-Forwarded-For (two in docker-compose.yml:
# the TLS proxy and nginx): the lockout counts failures by the address they saw, not by the proxy's.
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "socialwork.accounts.lockout.client_address"
AXES_VERBOSE = False

# An audit action written without a label (socialwork.audit_actions) is refused when on (development
# and tests, so that none reaches the log unlabelled); in production the row is written anyway.
AUDIT_REQUIRE_LABELS = False

# Each audit row is sealed with a keyed hash over its content and the previous row's seal
# (socialwork.audit_chain): HMAC with SHA-256 ("sha256") or SM3 ("sm3"). The keys are their own,
# never the secret key, so that whoever reads or writes the database alone cannot reseal a row.
# "id:key" pairs, the first seals new rows and all verify (for rotation: put the new one first and
# keep the old ones while rows sealed with them are live or archived).
AUDIT_CHAIN_ALGORITHM = env("AUDIT_CHAIN_ALGORITHM", default="sha256")
AUDIT_CHAIN_KEYS = env.list("AUDIT_CHAIN_KEYS", default=[])
# Where `audit_archive` writes its files (JSON lines, gzip, with a manifest beside each).
AUDIT_ARCHIVE_DIR = env("AUDIT_ARCHIVE_DIR", default=str(VAR_DIR / "audit-archive"))

# Intake's look-up of a person already on record in the district is a question about people the
# worker may not see: each is audited, a person makes at most this many an hour, and a burst (more
# than BURST within BURST_MINUTES, or a client registered and removed within BURST_MINUTES) is
# reported to the district administrators once a day (casework.services.clients).
CASEWORK_DUPLICATE_CHECKS_PER_HOUR = env.int("CASEWORK_DUPLICATE_CHECKS_PER_HOUR", default=60)
CASEWORK_DUPLICATE_CHECK_BURST = env.int("CASEWORK_DUPLICATE_CHECK_BURST", default=30)
CASEWORK_DUPLICATE_CHECK_BURST_MINUTES = env.int("CASEWORK_DUPLICATE_CHECK_BURST_MINUTES", default=10)

# Content Security Policy (django-csp 4): every script, style, image and form target is this site's
# own. No template carries inline script or style; the Swagger UI page loosens style-src itself
# (socialwork/urls.py), as Swagger UI's own markup sets style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Uploads: documents are at most 10 MB (checked per form in socialwork.uploads); a request body
# other than files is at most 10 MB too, larger files spool to disk while being read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_BYTES = 10 * 1024 * 1024

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Never served by this path: a stored file is answered only by a view that checked who asks
# (socialwork.files). With a prefix set, the web server sends the file from its internal location.
MEDIA_URL = "media/"
FILES_ACCEL_REDIRECT_PREFIX = env("FILES_ACCEL_REDIRECT_PREFIX", default="")

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="socialwork@localhost")
# Where people reach the site, for links that leave it: the dossiers' links to the records they
# were drawn from (a PDF or a workbook is read away from any request). No trailing slash.
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")

# Notifications by enterprise messenger (socialwork.messenger): "" off, "wecom" (WeCom, 政务微信)
# or "dingtalk" (DingTalk, 浙政钉). The API's address is the provider's public one unless a
# government's private deployment has its own. WeCom signs in with the corp ID and the app's
# secret, DingTalk with the app key and secret; both send as the app (agent) ID. A message that
# could not be sent is tried again after 1, 2, 4, 8... minutes, at most MESSENGER_MAX_ATTEMPTS times.
MESSENGER_PROVIDER = env("MESSENGER_PROVIDER", default="")
MESSENGER_API_URL = env("MESSENGER_API_URL", default="").rstrip("/")
MESSENGER_CORP_ID = env("MESSENGER_CORP_ID", default="")
MESSENGER_APP_KEY = env("MESSENGER_APP_KEY", default="")
MESSENGER_APP_SECRET = env("MESSENGER_APP_SECRET", default="")
MESSENGER_AGENT_ID = env("MESSENGER_AGENT_ID", default="")
MESSENGER_MAX_ATTEMPTS = env.int("MESSENGER_MAX_ATTEMPTS", default=8)
MESSENGER_TIMEOUT = env.float("MESSENGER_TIMEOUT", default=10.0)

# Backups (socialwork.backups): an encrypted copy of the database and of MEDIA_ROOT every night, in
# a directory nothing serves, the newest checked by restoring it into a scratch database. The key
# (BACKUP_ENCRYPTION_KEY) is not a setting: only the process that backs up reads it from its
# environment. BACKUP_DATABASE_URL is the role pg_dump reads as (empty: DATABASE_URL's).
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")
BACKUP_CIPHER = env("BACKUP_CIPHER", default="aes-256-gcm")
BACKUP_RETENTION_COUNT = env.int("BACKUP_RETENTION_COUNT", default=14)
BACKUP_RETENTION_DAYS = env.int("BACKUP_RETENTION_DAYS", default=14)
BACKUP_DATABASE_URL = env("BACKUP_DATABASE_URL", default="")
# /healthz/ shows the backups' state to a signed-in system administrator, or to a request that
# sends this token in the X-Healthz-Token header (a monitoring probe); empty: no token opens it.
HEALTHZ_TOKEN = env("HEALTHZ_TOKEN", default="")

# Background work: Redis in production; without a broker, kombu's filesystem transport under
# var/, which a real worker process consumes just the same.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    for folder in ("queue", "control", "processed"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
else:
    # A task whose worker was killed runs again after this long (Celery's default is an hour),
    # and never while it may still be running: drawn from every task's time limit.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": timelimits.VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queueing a task while the broker is down fails within about two seconds instead of hanging the
# page; the writes that queue work do so on commit and log the failure (see tests/faults/).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_RESULT_BACKEND = "django-db"
# Results keep the state and progress pages read, never a task's arguments: an argument may be
# personal, and tasks take ids anyway (an export's filters stay in its ExportRequest row).
CELERY_RESULT_EXTENDED = False
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT, CELERY_TASK_TIME_LIMIT = timelimits.DEFAULT
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Backups run only on the workers that hold the backup key (docker-compose.yml's `backup`).
CELERY_TASK_ROUTES = {"socialwork.backups.tasks.*": {"queue": "backups"}}
# A list export longer than this many rows is written in the background (reports.exports).
EXPORT_INLINE_LIMIT = 20_000
# A background export's file, and its request with the filters, are deleted this long after it is written.
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=24)
# The district archive's passphrase: WinZip AES derives its key with only 1,000 rounds of PBKDF2,
# so the passphrase's own length is what stands against guessing on a stolen copy.
ARCHIVE_PASSPHRASE_MIN_LENGTH = env.int("ARCHIVE_PASSPHRASE_MIN_LENGTH", default=12)
# An import (socialwork.imports) can be undone as a whole this many days after it ran.
IMPORT_UNDO_DAYS = env.int("IMPORT_UNDO_DAYS", default=7)
# An import of more rows than this is checked and written in the background (the Celery worker).
IMPORT_INLINE_ROWS = env.int("IMPORT_INLINE_ROWS", default=2_000)

REST_FRAMEWORK = {
    # The token first: a refused or expired token answers 401 with `WWW-Authenticate: Token`,
    # which tells a program to ask for a new one.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "socialwork.api_auth.TokenAuthentication",
        "socialwork.api_auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["socialwork.api.RolePermissions"],
    "DEFAULT_PAGINATION_CLASS": "socialwork.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "socialwork.lists.ListFilterBackend",  # django-filter's, through the list's selector
        "rest_framework.filters.SearchFilter",
        "socialwork.sorting.ApiOrderingFilter",  # rest_framework.filters.OrderingFilter, naturally
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "socialwork.exceptions.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXIES,
}
# API tokens (django-rest-knox): stored as SHA-512 hashes in socialwork.ApiToken, sent as
# "Authorization: Token <token>". Their lifetime is the security administrator's to set, in the
# admin (socialwork.ApiTokenPolicy), not a setting. knox's own table is never used, so its
# migrations are not run.
KNOX_TOKEN_MODEL = "socialwork.ApiToken"
REST_KNOX = {"TOKEN_MODEL": KNOX_TOKEN_MODEL, "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
MIGRATION_MODULES = {"knox": None}
SPECTACULAR_SETTINGS = {
    "TITLE": "Social Work Management API",
    "DESCRIPTION": "District social work management system.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CertificateLevelEnum": "positions.models.workforce.CertificateLevel",
        "ExamLevelEnum": "positions.models.workforce.EXAM_LEVELS",
        "PositionStatusEnum": "positions.models.workforce.Position.Status",
        "WorkerStatusEnum": "positions.models.workforce.SocialWorker.Status",
        "AllowanceRollStatusEnum": "positions.models.workforce.AllowanceRoll.Status",
        "GradeEnum": "positions.models.workforce.Grade",
        "OrganizationGradeEnum": "projects.models.SocialOrganization.Grade",
        "CaseStatusEnum": "casework.models.Case.Status",
        "CaseSourceEnum": "casework.models.Case.Source",
        "CriterionSourceEnum": "positions.models.workforce.AssessmentCriterion.Source",
        "ApprovalEnum": "casework.models.common.Approval",
        "ReferralStatusEnum": "casework.models.Referral.Status",
        "RiskLevelEnum": "casework.models.common.RiskLevel",
        "GroupKindEnum": "casework.models.Group.Kind",
        "GroupStatusEnum": "casework.models.Group.Status",
        "AdvocacyStatusEnum": "casework.models.AdvocacyRecord.Status",
        "ServiceAreaEnum": "projects.models.ServiceArea",
        "EnrolmentStatusEnum": "training.models.Enrolment.Status",
        "ProjectStatusEnum": "projects.models.Project.Status",
        "PlanRoundOutcomeEnum": "casework.models.cases.PlanRound.Outcome",
        "ReferralOutcomeEnum": "casework.models.cases.Referral.Outcome",
        "SubjectRequestKindEnum": "casework.models.SubjectRequest.Kind",
        "SubjectRequestStatusEnum": "casework.models.SubjectRequest.Status",
        "LabelReasonEnum": "casework.models.labels.LabelReason",
        "DossierKindEnum": "reports.models.Dossier.Kind",
        # Annual reports, exports and dossiers share one set of job states.
        "JobStatusEnum": "reports.models.Dossier.Status",
        "FollowUpMethodEnum": "casework.models.cases.FollowUp.Method",
        "GoalOutcomeEnum": "casework.models.cases.PlanGoal.Outcome",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Labels for the language switch, translated in the page's own language.
LANGUAGE_LABELS = {"zh-hans": _("Chinese"), "en": _("English")}
