"""One settings module. Everything that differs between a laptop and a province comes from the
environment; with nothing set, it runs on SQLite under var/ with development keys made there."""

import base64
import json
import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lingtouyang.core.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(envstr("LINGTOUYANG_VAR", str(BASE_DIR.parent / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _dev_secrets() -> dict[str, str]:
    """Keys for a laptop: made once under var/, used only when the environment provides none."""
    path = VAR_DIR / "dev-secrets.json"
    if path.exists():
        values = json.loads(path.read_text())
        if "BACKUP_KEY" not in values:  # a file from before backups: add their key, keep the others
            values["BACKUP_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()
            path.write_text(json.dumps(values, indent=2))
        return values
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "BACKUP_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)
    return values


_KEYS = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY")
_GIVEN = [name for name in _KEYS if envstr(name)]
if _GIVEN and len(_GIVEN) < len(_KEYS):
    # Half a configuration is a mistake: never fall back to development keys beside real ones.
    raise ImproperlyConfigured(f"set all of {', '.join(_KEYS)} or none (none: development keys under var/)")
_VALUES = {name: envstr(name) for name in _KEYS} if _GIVEN else _dev_secrets()


def _key_bytes(name: str) -> str:
    value = _VALUES[name]
    try:
        ok = len(base64.b64decode(value, validate=True)) == 32
    except ValueError:
        ok = False
    if not ok:
        raise ImproperlyConfigured(f"{name} must be 32 random bytes, base64-encoded")
    return value


SECRET_KEY = _VALUES["SECRET_KEY"]
FIELD_ENCRYPTION_KEY = _key_bytes("FIELD_ENCRYPTION_KEY")
BLIND_INDEX_KEY = _key_bytes("BLIND_INDEX_KEY")
USING_DEV_KEYS = not _GIVEN
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# Addresses of reverse proxies whose X-Real-IP header names the client (audit trail addresses).
TRUSTED_PROXIES = frozenset(envlist("TRUSTED_PROXIES"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "lingtouyang.core",
    "lingtouyang.regions",
    "lingtouyang.accounts",
    "lingtouyang.audit",
    "lingtouyang.backup",
    "lingtouyang.people",
    "lingtouyang.review",
    "lingtouyang.reserves",
    "lingtouyang.elections",
    "lingtouyang.recruitment",
    "lingtouyang.appointments",
    "lingtouyang.training",
    "lingtouyang.secondments",
    "lingtouyang.socialwork",
    "lingtouyang.assessments",
    "lingtouyang.pay",
    "lingtouyang.economy",
    "lingtouyang.careers",
    "lingtouyang.care",
    "lingtouyang.tasks",
    "lingtouyang.governance",
    "lingtouyang.disclosure",
    "lingtouyang.portal",
    "lingtouyang.oversight",
    "lingtouyang.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lingtouyang.audit.middleware.AuditContextMiddleware",
    "lingtouyang.accounts.middleware.SecondFactorMiddleware",
    "lingtouyang.accounts.middleware.PasswordAgeMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into its own answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lingtouyang.urls"
WSGI_APPLICATION = "lingtouyang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lingtouyang.core.context_processors.capabilities",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lingtouyang.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the pages read while an import writes; IMMEDIATE avoids lock upgrades mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- authentication (accounts) -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "lingtouyang.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lingtouyang.accounts.validators.UsernameInPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
UPLOAD_DIR = VAR_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
# Behind HTTPS (production), cookies must not travel in clear text.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Lockout (django-axes): this many failed log-ins within the cool-off lock the account name, and separately
# (with its own limit: offices share one address) the address, for the cool-off; the right password is
# refused meanwhile. Counted in the database, so every web process sees the same counts. An administrator
# unlocks an account on its page; `lingtouyang unlock-account NAME` does it from the command line.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LINGTOUYANG_LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_HANDLER = "lingtouyang.accounts.lockout.LockoutHandler"
AXES_COOLOFF_TIME = envint("LOGIN_LOCKOUT_MINUTES", 30) / 60  # hours, as axes reads a float
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The same address the audit trail records: X-Real-IP only from a trusted proxy, never a raw header.
AXES_CLIENT_IP_CALLABLE = "lingtouyang.audit.middleware.client_address"
AXES_LOCKOUT_CALLABLE = "lingtouyang.accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# Attempts during a lockout do not prolong it: the cool-off runs from the lock, as the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success must not wipe the counts: it would clear every failure from its address, another account's too.
AXES_RESET_ON_SUCCESS = False
# Log-ins and log-outs are in the audit trail already; no second copy of who logged in from where.
AXES_DISABLE_ACCESS_LOG = True
# The second factor (TOTP): required for these roles (and superusers) wherever real keys are configured;
# the laptop demo runs without it unless REQUIRE_2FA=true. Every account may turn it on for itself.
LINGTOUYANG_2FA_REQUIRED = envbool("REQUIRE_2FA", not USING_DEV_KEYS)
LINGTOUYANG_2FA_ROLES = frozenset(envlist("LINGTOUYANG_2FA_ROLES", "city_admin,county_admin"))
# Wrong codes make the next try wait 1, 2, 4, 8 … seconds (per device; a right code resets it).
OTP_TOTP_THROTTLE_FACTOR = 1
# A password must be changed after this many days (MLPS: authentication secrets changed periodically);
# 0 turns the rule off.
LINGTOUYANG_PASSWORD_MAX_AGE_DAYS = envint("PASSWORD_MAX_AGE_DAYS", 90)
# An API token is refused (and deleted) this many days after it was issued; 0: tokens never expire.
LINGTOUYANG_TOKEN_MAX_AGE_DAYS = envint("TOKEN_MAX_AGE_DAYS", 30)
# --- end of authentication (accounts) ------------------------------------------------------------

# --- web hardening ---------------------------------------------------------------------------------
from csp.constants import NONE, SELF  # noqa: E402 - kept beside the policy it spells

# Content-Security-Policy: scripts and styles only from our own files (no inline code, no style attributes,
# no eval), nothing framed, no plugins, forms posting only here. Images only from here too: the QR codes are
# inline <svg> and no page uses a data: URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Served over HTTPS (production, behind nginx): redirect plain HTTP, tell browsers to use HTTPS only for a year,
# cookies only over TLS. nginx terminates TLS and must set X-Forwarded-Proto itself (deploy/nginx-portal.conf);
# the application listens on 127.0.0.1 only, so no client can send that header straight to it.
HTTPS = envbool("HTTPS", False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
# Rate limits (portal search, residents' feedback) count in the cache. Every web process must share the counts:
# Redis when REDIS_URL is set; otherwise each process counts alone (fine for one process, the laptop and tests).
if envstr("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": envstr("REDIS_URL"),
                          "KEY_PREFIX": "lingtouyang"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public portal search: at most this many requests per address per minute (answered 429 beyond).
LINGTOUYANG_SEARCH_PER_MINUTE = envint("LINGTOUYANG_SEARCH_PER_MINUTE", 60)
# Evidence and attachment files (PDF, JPEG, PNG): the largest accepted. Spreadsheets: IMPORT_MAX_BYTES.
LINGTOUYANG_UPLOAD_MAX_BYTES = envint("LINGTOUYANG_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# --- end of web hardening --------------------------------------------------------------------------

# --- data protection and audit ---------------------------------------------------------------------
# data protection: the field encryption key ring (core/crypto.py). FIELD_ENCRYPTION_KEY encrypts; the keys in
# FIELD_ENCRYPTION_OLD_KEYS (comma-separated, base64) only decrypt, until `lingtouyang rotate-keys` has moved
# every row to the current key. FIELD_CIPHER: aes-gcm, or sm4-gcm (national cryptography) where OpenSSL has it;
# a bad key or a cipher this machine lacks stops the start.
def _data_protection() -> tuple[list[str], str, str]:
    from lingtouyang.core import crypto

    old = [v for v in envlist("FIELD_ENCRYPTION_OLD_KEYS") if crypto.decode_key(v, "FIELD_ENCRYPTION_OLD_KEYS")]
    index_old = envstr("BLIND_INDEX_OLD_KEY")
    if index_old:
        crypto.decode_key(index_old, "BLIND_INDEX_OLD_KEY")
    return old, crypto.check_cipher(envstr("FIELD_CIPHER", "aes-gcm")), index_old


# data protection: BLIND_INDEX_OLD_KEY, the previous blind-index key while `rotate-keys --blind-index` runs.
FIELD_ENCRYPTION_OLD_KEYS, LINGTOUYANG_FIELD_CIPHER, BLIND_INDEX_OLD_KEY = _data_protection()
# audit: the hash of the audit trail's chain (core/digest.py): sha256, or sm3 (national cryptography) where the
# installed OpenSSL has it; sm3 on a machine without it stops the start. Each event records its own algorithm.
def _hash_algorithm() -> str:
    from lingtouyang.core import digest

    return digest.check(envstr("HASH_ALGORITHM", "sha256"))


LINGTOUYANG_HASH_ALGORITHM = _hash_algorithm()
# audit: events are kept at least this many days (six months, 等保三级); prune-audit refuses anything younger.
LINGTOUYANG_AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", 183)
if LINGTOUYANG_AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 183 (six months)")
# --- end of data protection and audit --------------------------------------------------------------

# --- backup and fault tolerance --------------------------------------------------------------------
# The key of `lingtouyang backup` / `restore` archives: 32 random bytes, base64. Production sets it (and keeps a
# copy away from the backups); on a laptop it is a development key under var/. Unset in production, backup
# refuses to run and says so.
BACKUP_KEY = envstr("BACKUP_KEY") or (_VALUES.get("BACKUP_KEY", "") if not _GIVEN else "")
# A roster import still "running" this long after it was started has lost its process (killed, machine
# restarted): it is shown as failed and its file may be imported again. The largest import allowed takes a few
# minutes.
IMPORT_STALE_MINUTES = envint("IMPORT_STALE_MINUTES", 30)
# --- end of backup and fault tolerance -------------------------------------------------------------

REST_FRAMEWORK = {
    # JSON only: the browsable HTML view needs inline styles the Content-Security-Policy refuses; with DEBUG on
    # (a developer's machine) it is offered too.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                 *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else [])],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "lingtouyang.accounts.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lingtouyang.core.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "lingtouyang API",
    "DESCRIPTION": "Village and community cadres: regions, people, appointments.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets that share a field name (kind, state) or appear under several names: one schema name each.
    "ENUM_NAME_OVERRIDES": {
        "RegionKindEnum": "lingtouyang.regions.models.Kind",
        "AppointmentRequestKindEnum": "lingtouyang.appointments.models.AppointmentRequest.Kind",
        "AppointmentRequestStateEnum": "lingtouyang.appointments.models.AppointmentRequest.State",
        "ElectionKindEnum": "lingtouyang.elections.models.Election.Kind",
        "ElectionStateEnum": "lingtouyang.elections.models.Election.State",
        "CampaignStateEnum": "lingtouyang.recruitment.models.Campaign.State",
        "ReviewRoundStateEnum": "lingtouyang.review.models.ReviewRound.State",
        "PostEnum": "lingtouyang.people.codes.Post",
        "EducationEnum": "lingtouyang.people.codes.EDUCATION_CHOICES",
        "SourceEnum": "lingtouyang.people.codes.Source",
        "FeedbackKindEnum": "lingtouyang.oversight.models.Kind",
        "FeedbackStateEnum": "lingtouyang.oversight.models.State",
        "AssessmentGradeEnum": "lingtouyang.assessments.models.Grade",
        "AssessmentResultStateEnum": "lingtouyang.assessments.models.ResultState",
        "AssessmentComponentKindEnum": "lingtouyang.assessments.models.ComponentKind",
        "AssessmentAppealStateEnum": "lingtouyang.assessments.models.AppealState",
        "CareerEventKindEnum": "lingtouyang.careers.models.Kind",
        "CareRecordKindEnum": "lingtouyang.care.models.Kind",
    },
}

# --- API fuzzing -----------------------------------------------------------------------------------
# The schema documents every operation's refusals (400/401/403/404) as well as its success.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "lingtouyang.api.schema.document_errors",
]
# Query parameters are checked against the schema: a malformed filter is refused (400), never ignored.
REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"] = ["lingtouyang.api.params.DocumentedQuery"]
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "lingtouyang.api.schema.AutoSchema"
# A value the database cannot hold (NUL in text, a number out of range) is the caller's error: 400, logged.
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "lingtouyang.api.errors.exception_handler"
# --- end of API fuzzing ----------------------------------------------------------------------------

# Largest roster file accepted, in data rows; beyond this the file is refused before any work.
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# Training policy: a cadre still untrained this many days after taking up their post is overdue.
LINGTOUYANG_TRAINING_DEADLINE_DAYS = envint("LINGTOUYANG_TRAINING_DEADLINE_DAYS", 180)
# Days after publication within which a cadre may appeal their assessment grade.
LINGTOUYANG_ASSESSMENT_APPEAL_DAYS = envint("LINGTOUYANG_ASSESSMENT_APPEAL_DAYS", 15)
# Residents' feedback: days to answer where no ResponsePolicy row applies (the seeded row says the same for
# Sichuan), and at most this many submissions per address per hour.
LINGTOUYANG_FEEDBACK_VILLAGE_DAYS = envint("LINGTOUYANG_FEEDBACK_VILLAGE_DAYS", 10)
LINGTOUYANG_FEEDBACK_TOWNSHIP_DAYS = envint("LINGTOUYANG_FEEDBACK_TOWNSHIP_DAYS", 20)
LINGTOUYANG_FEEDBACK_PER_HOUR = envint("LINGTOUYANG_FEEDBACK_PER_HOUR", 5)
# The public portal: its address as printed on village posters (QR codes), the region its home page lists,
# where its pre-rendered pages are written, and Redis for the visitor counter (unset: the database counts).
PORTAL_BASE_URL = envstr("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PORTAL_HOME_REGION = envstr("PORTAL_HOME_REGION", "510500000000")
PORTAL_DIR = VAR_DIR / "portal"
REDIS_URL = envstr("REDIS_URL", "")
# "subprocess": the web starts `lingtouyang run-import JOB` and the page polls its progress.
# "inline": the request itself runs the import (tests).
IMPORT_RUNNER = envstr("IMPORT_RUNNER", "subprocess")
if IMPORT_RUNNER not in ("subprocess", "inline"):
    raise ImproperlyConfigured(f"IMPORT_RUNNER must be subprocess or inline, not {IMPORT_RUNNER!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

if os.environ.get("LINGTOUYANG_TESTING") or "pytest" in sys.modules:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render the portal's pages into a directory of their own, never over the demo's under var/.
    import tempfile

    PORTAL_DIR = Path(tempfile.mkdtemp(prefix="lingtouyang-portal-"))
