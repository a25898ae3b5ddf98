"""tuoyu settings — one module, configured by environment variables (see docs/operations.md).

Every variable has a safe default for a single-machine install: SQLite under var/, secrets generated
into var/ on first run. Nothing here exists only in production.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TUOYU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be on/off, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def secret_from_env_or_file(name: str, filename: str) -> str:
    """A secret from $NAME, from the file named by $NAME_FILE, or generated once into var/."""
    if os.environ.get(name):
        return os.environ[name]
    if os.environ.get(f"{name}_FILE"):
        return Path(os.environ[f"{name}_FILE"]).read_text().strip()
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = secret_from_env_or_file("TUOYU_SECRET_KEY", "secret.key")
DEBUG = env_bool("TUOYU_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("TUOYU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
HTTPS = env_bool("TUOYU_HTTPS", False)
# How many reverse proxies in front of tuoyu append to X-Forwarded-For (0: use the socket's address).
TRUSTED_PROXY_COUNT = env_int("TUOYU_TRUSTED_PROXY_COUNT", 0)
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TUOYU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "ninja",
    "django_filters",
    "tuoyu.core",
    "tuoyu.regions",
    "tuoyu.accounts",
    "tuoyu.audit",
    "tuoyu.institutions",
    "tuoyu.filings",
    "tuoyu.fees",
    "tuoyu.calendars",
    "tuoyu.files",
    "tuoyu.notifications",
    "tuoyu.disclosure",  # public disclosure (信息公示)
    "tuoyu.standards",  # compliance engine (合规评估)
    "tuoyu.bans",  # lifetime bans (终身禁入)
    "tuoyu.children",  # children, guardians, consent, enrollments (幼儿)
    "tuoyu.staff",  # staff register (工作人员)
    # faces: they read the apps above; nothing imports them
    "tuoyu.workbench",  # each role's home and the menu (工作台)
    "tuoyu.demo",  # the demo world (tuoyu demo)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tuoyu.core.middleware.SecurityHeadersMiddleware",
    "tuoyu.core.middleware.UrlTooLongMiddleware",
    "tuoyu.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tuoyu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Anonymous public pages answered from a short-lived cache (core/publiccache.py): after CSRF, so each
    # visitor gets a token of their own; before authentication, which an anonymous page does not need.
    "tuoyu.core.publiccache.PublicCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tuoyu.core.middleware.SessionActivityMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tuoyu.core.middleware.RequestContextMiddleware",
    "tuoyu.core.middleware.DatabaseBusyMiddleware",
    "tuoyu.accounts.middleware.MFARequiredMiddleware",
    "tuoyu.accounts.middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tuoyu.urls"
WSGI_APPLICATION = "tuoyu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tuoyu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuoyu.workbench.context_processors.tuoyu",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("TUOYU_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tuoyu.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
# How long a statement waits for a lock another transaction holds (SQLite's write lock; a PostgreSQL row,
# table or advisory lock) before giving up: the request then answers 503 "busy, retry" with Retry-After
# (core.middleware.DatabaseBusyMiddleware) instead of hanging. Long enough for normal contention — write
# transactions are short, an import's bulk write included (3,000 registrations: 1.8 s on an idle 2-core
# machine, up to 5.5 s with its CPUs three times oversubscribed) — and half the 20 s it was, so a busy
# system answers while the user is still waiting.
DATABASE_LOCK_TIMEOUT = env_int("TUOYU_DATABASE_LOCK_TIMEOUT", 10)
DATABASE_BUSY_RETRY_AFTER = env_int("TUOYU_DATABASE_BUSY_RETRY_AFTER", 5)  # seconds, in the 503's Retry-After
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a write transaction takes the write lock at BEGIN, so the audit hash chain
        # (read the last event, then append) cannot fork between two writers.
        "transaction_mode": "IMMEDIATE",
        "timeout": DATABASE_LOCK_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={DATABASE_LOCK_TIMEOUT * 1000}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if os.environ.get("TUOYU_FAST_HASHER") == "1":  # test runs only: argon2 costs ~50 ms per login
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "tuoyu.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "tuoyu.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "tuoyu.accounts.passwords.UsernameNotContainedValidator"},
    {"NAME": "tuoyu.accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"history": 5}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# 0 turns expiry off (the default); 90 forces a change on login after 90 days.
PASSWORD_MAX_AGE_DAYS = env_int("TUOYU_PASSWORD_MAX_AGE_DAYS", 0)
# API tokens expire (等保2.0): new ones live this many days at most (1–730); their creator may choose fewer.
API_TOKEN_DAYS = env_int("TUOYU_API_TOKEN_DAYS", 180)
if not 1 <= API_TOKEN_DAYS <= 730:
    raise ImproperlyConfigured(f"TUOYU_API_TOKEN_DAYS must be between 1 and 730 days, got {API_TOKEN_DAYS}.")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Two-factor authentication (TOTP) for regulators, auditors and admins. TUOYU_MFA=off for demos.
MFA_ENABLED = env_bool("TUOYU_MFA", True)
OTP_TOTP_ISSUER = "tuoyu 托育"

# Lockout (django-axes): 5 failures lock the username for 15 minutes.
AXES_FAILURE_LIMIT = env_int("TUOYU_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TUOYU_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tuoyu.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
AXES_CLIENT_IP_CALLABLE = "tuoyu.core.context.client_ip"

# Sessions: 30 minutes idle; renewed at most once a minute (core.middleware.SessionActivityMiddleware).
SESSION_COOKIE_AGE = env_int("TUOYU_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tuoyu.core.views.csrf_failure"

# --- Security headers ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS and env_bool("TUOYU_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("TUOYU_HSTS_PRELOAD", True)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)

# --- Personal data ------------------------------------------------------------------------------
# Field encryption keys: TUOYU_FIELD_KEY (comma-separated base64 keys, the first encrypts) or the key
# file var/field.keys, generated on first use. Never stored in the database.
FIELD_KEY = os.environ.get("TUOYU_FIELD_KEY", "")
FIELD_KEY_FILE = Path(os.environ.get("TUOYU_FIELD_KEY_FILE", VAR_DIR / "field.keys"))

# --- Filing (备案) -------------------------------------------------------------------------------
# The national rules say only "及时" (promptly): how often tick reminds an unfiled institution, and after
# how many days since its registration arrived the county bureau sees it flagged overdue — local settings.
FILING_REMINDER_DAYS = env_int("TUOYU_FILING_REMINDER_DAYS", 7)
FILING_OVERDUE_DAYS = env_int("TUOYU_FILING_OVERDUE_DAYS", 30)


def _prepay_limits(value: str) -> dict[str, int]:
    limits = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        code, _, months = part.partition(":")
        if not code.isdigit() or not months.isdigit():
            raise ImproperlyConfigured(f"TUOYU_PREPAY_LIMITS: {part!r} is not <region code>:<months>")
        limits[code] = int(months)
    return limits


# Prepaid fees (预收费): at most 3 months by default (东西湖 policy); stricter per region, e.g. "420112:3".
PREPAY_LIMIT_MONTHS = env_int("TUOYU_PREPAY_LIMIT_MONTHS", 3)
PREPAY_LIMITS = _prepay_limits(os.environ.get("TUOYU_PREPAY_LIMITS", ""))
# Compliance rules (standards): per-city parameters, {region prefix: {rule id: {param: value}}}, e.g.
# {"4302": {"SIT-03": {"per_child_m2": 3}}}. Only stricter than national unless the param is local; checked
# at start-up (tuoyu.standards.parameters.validate_overrides).
TUOYU_STANDARDS_OVERRIDES = __import__("json").loads(os.environ.get("TUOYU_STANDARDS_OVERRIDES", "") or "{}")

# --- Audit --------------------------------------------------------------------------------------
AUDIT_RETENTION_DAYS = env_int("TUOYU_AUDIT_RETENTION_DAYS", 365)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("TUOYU_AUDIT_RETENTION_DAYS must be at least 180 (等保2.0 三级).")
# The audit key MACs every event and every head checkpoint, so whoever can write the database but does not
# hold the key cannot rewrite or cut off the trail unnoticed. Like the field keys: TUOYU_AUDIT_KEY
# (comma-separated base64 32-byte keys, the first signs) or the key file var/audit.keys, generated on
# first use; never in the database. A key of its own, not derived from the field key, so rotating and
# retiring field keys never makes old events unverifiable.
AUDIT_KEY = os.environ.get("TUOYU_AUDIT_KEY", "")
AUDIT_KEY_FILE = Path(os.environ.get("TUOYU_AUDIT_KEY_FILE", VAR_DIR / "audit.keys"))
# Head checkpoints (`tuoyu tick`, `tuoyu audit-checkpoint`, every prune) are appended here, outside the
# audit table; copy the file off the machine (docs/operations.md).
AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("TUOYU_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit-checkpoints.jsonl")
)
# Every audit action is declared by its app (<app>/actions.py). Strict: writing an undeclared one raises
# (the test run, so a forgotten declaration fails the suite). Off: it is recorded all the same and logged
# as a warning — an audit event is never lost, nor a request failed, over its label.
AUDIT_STRICT_ACTIONS = env_bool("TUOYU_AUDIT_STRICT_ACTIONS", False)

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
FORMAT_MODULE_PATH = "tuoyu.formats"  # ISO dates in forms (see tuoyu/formats/zh_Hans/formats.py)
LOCALE_PATHS = [BASE_DIR / "tuoyu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Public pages cache -------------------------------------------------------------------------
# The anonymous public list, its JSON and its API (信息公示, open data) are kept this many seconds in a
# per-process memory cache (0: off); never a signed-in request, never personal data (core/publiccache.py).
TUOYU_PUBLIC_CACHE_SECONDS = env_int("TUOYU_PUBLIC_CACHE_SECONDS", 60)
TUOYU_PUBLIC_CACHE_PATHS = frozenset(
    ("/public/institutions/", "/public/institutions.json", "/api/v1/public/institutions")
)
TUOYU_PUBLIC_CACHE_ALIAS = "public"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tuoyu-default"},
    "public": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tuoyu-public",
        "OPTIONS": {"MAX_ENTRIES": env_int("TUOYU_PUBLIC_CACHE_ENTRIES", 500)},
    },
}

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "tuoyu" / "static"]
WHITENOISE_ROOT = BASE_DIR / "tuoyu" / "root"  # files served at the site's root: /favicon.ico
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files live under var/media and are NEVER served by URL: MEDIA_URL is not routed (a test
# checks it); the owning view checks permission and calls files.services.file_response.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Uploads (core/uploads.py) ------------------------------------------------------------------
# Each file: PDF, JPEG or PNG by content, at most this size.
MAX_UPLOAD_BYTES = env_int("TUOYU_MAX_UPLOAD_MB", 20) * 1024 * 1024
if MAX_UPLOAD_BYTES <= 0:
    raise ImproperlyConfigured("TUOYU_MAX_UPLOAD_MB must be at least 1.")
# Files up to 2.5 MB are parsed in memory, bigger ones stream to a temporary file that holds at most
# MAX_UPLOAD_BYTES (the rest is counted, not kept), so an oversize upload is refused by its size
# without filling the disk. Limit the whole request body at the reverse proxy as well.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "tuoyu.core.uploads.CappedTemporaryFileUploadHandler",
]
# The non-file part of a request body (form fields, an API's JSON — a registration batch included);
# files do not count here.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The longest path + query string the platform answers (characters as sent, percent-encoded): a search or a
# list's filters never come near it. Longer is a 414 on our own error page; gunicorn is started with a
# longer request line (core/server.py), so the request reaches Django to be answered that way.
MAX_URL_LENGTH = env_int("TUOYU_MAX_URL_LENGTH", 4096)
# Excel uploads (core/excel.py). An .xlsx is a zip of XML parts: a 1.5 MB upload can declare hundreds of
# megabytes once inflated (a "zip bomb"). Before openpyxl reads a byte, an upload is refused if it has more
# than XLSX_MAX_MEMBERS parts, any part declares more than its limit, all parts together more than
# XLSX_MAX_TOTAL_MB, or a part of XLSX_RATIO_FROM_KB or more compresses better than XLSX_MAX_RATIO:1
# (worksheet XML compresses about 10:1); then each part is inflated through a capped stream, since the
# declared sizes may lie. The shared strings are the memory bound: openpyxl holds them all in memory even
# in read-only mode (worksheets are streamed). Measured: 32 MB of shared strings (68,000 distinct Chinese
# strings) peak at 33 MB of Python allocations on top of the upload itself, and 4.5 s of CPU, while reading
# them; 32 MB still fits 5,000 rows with a 2,000-character text each.
# Their count (declared and actual) may not exceed one per cell the sheet's row limit allows, plus
# XLSX_SHARED_STRINGS_SLACK (headers, the instructions sheet).
XLSX_MAX_MEMBERS = env_int("TUOYU_XLSX_MAX_MEMBERS", 500)
XLSX_MAX_SHARED_STRINGS_BYTES = env_int("TUOYU_XLSX_MAX_SHARED_STRINGS_MB", 32) * 1024 * 1024
XLSX_MAX_SHEET_BYTES = env_int("TUOYU_XLSX_MAX_SHEET_MB", 64) * 1024 * 1024  # one worksheet's XML
XLSX_MAX_PART_BYTES = env_int("TUOYU_XLSX_MAX_PART_MB", 16) * 1024 * 1024  # any other part (styles, …)
XLSX_MAX_TOTAL_BYTES = env_int("TUOYU_XLSX_MAX_TOTAL_MB", 128) * 1024 * 1024
XLSX_MAX_RATIO = env_int("TUOYU_XLSX_MAX_RATIO", 100)
XLSX_RATIO_FROM_BYTES = env_int("TUOYU_XLSX_RATIO_FROM_KB", 1024) * 1024
XLSX_SHARED_STRINGS_SLACK = env_int("TUOYU_XLSX_SHARED_STRINGS_SLACK", 10_000)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG

# --- API ----------------------------------------------------------------------------------------
API_MAX_PAGE_SIZE = 200
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = API_MAX_PAGE_SIZE

# --- Email (notification copies; see notifications/services.py) ---------------------------------
# TUOYU_EMAIL_BACKEND: "console" (the default: printed, nothing sent), "smtp", or a backend's dotted path.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
_email_backend = os.environ.get("TUOYU_EMAIL_BACKEND", "") or "console"
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
DEFAULT_FROM_EMAIL = os.environ.get("TUOYU_FROM_EMAIL", "tuoyu@localhost")
# Email a copy of each notification (the in-app inbox always gets it). Off until a mail server is set up.
NOTIFY_EMAIL = env_bool("TUOYU_NOTIFY_EMAIL", False)
# The SMTP server (read by the smtp backend only).
EMAIL_HOST = os.environ.get("TUOYU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TUOYU_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("TUOYU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TUOYU_EMAIL_PASSWORD", "") or (
    Path(os.environ["TUOYU_EMAIL_PASSWORD_FILE"]).read_text().strip()
    if os.environ.get("TUOYU_EMAIL_PASSWORD_FILE")
    else ""
)
EMAIL_USE_TLS = env_bool("TUOYU_EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("TUOYU_EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("TUOYU_EMAIL_USE_TLS and TUOYU_EMAIL_USE_SSL cannot both be on.")
# Email is sent after the action commits, inside the request: never let a slow server hold it long.
EMAIL_TIMEOUT = env_int("TUOYU_EMAIL_TIMEOUT", 10)
# The address users reach tuoyu at (https://tuoyu.example.gov.cn), for links in emails; empty: no link.
SITE_URL = os.environ.get("TUOYU_SITE_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TUOYU_LOG_LEVEL", "WARNING")},
}

DEMO_BANNER = env_bool("TUOYU_DEMO", False)

# Lockout is by username (the issue's rule: 5 failures lock that account for 15 minutes). Locking by IP
# as well would lock out whole offices behind one NAT address, so axes' IP hint is silenced on purpose.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
