"""Settings shared by every environment; the environment supplies secrets and the database."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "")

# --- Applications -----------------------------------------------------------
INSTALLED_APPS = [
    "modeltranslation",  # before the admin, which it patches
    "core.apps.DeskAdminConfig",  # django.contrib.admin with the desk's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Before django-import-export, whose `import` command core's replaces (streamed,
    # with a progress bar and the file's name in the audit record).
    "core",
    "import_export",
    "simple_history",
    "axes",
    "health_check",
    "django_tasks",
    "django_tasks_db",
    "enterprises",
    "programmes",
    "aftercare",
    "documents",
    "services",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "config.middleware.MalformedRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A signed-in person's own language (core.profiles) wins over the browser's.
    "core.middleware.ProfileLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.RefusedAccessAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a lock-out flagged during authentication into the lock-out answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# --- Database: SQLite unless DATABASE_URL names another ----------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# An index's INCLUDE columns are PostgreSQL's; on SQLite Django builds the index without
# them, as intended (programmes.Application's application_status_kind_call), and warns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Read replica: on only when DATABASE_REPLICA_URL is set (see config/db_router.py)
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
    # Tests read the replica alias from the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
    REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "15"))
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "config.db_router.PinPrimaryAfterWriteMiddleware",
    )

# --- Authentication -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "enterprises.auth.EmailOrMobileBackend",
]
# The portal's login; admin keeps its own at /admin/login/.
LOGIN_URL = "enterprises:login"
# Every role starts from its inbox: what waits for that person (programmes/views/inbox.py).
LOGIN_REDIRECT_URL = "programmes:inbox"

# --- Login lock-out (django-axes): admin, portal and API token logins ------------
# After AXES_FAILURE_LIMIT failures for one account from one address, that pair is
# refused for AXES_COOLOFF_TIME, then lifted; a success resets the count. Counting
# per account *and* address keeps a guesser out without letting anyone lock a
# colleague out from elsewhere; the API's "auth" throttle limits each address too.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "config.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "core.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
# Reverse proxies in front of the site that append to X-Forwarded-For (production: 1).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- Sessions ---------------------------------------------------------------------
# A working day; signing in rotates the key, signing out deletes the session, and a
# password change or deactivation ends every other session (see docs/security.md).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers (config/middleware.py sends the CSP) ----------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from this site (no inline script, no CDN); nobody may frame a page.
# Inline *styles* stay allowed: the admin, Swagger UI and the dashboard's SVG charts
# set style attributes, and a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Languages: the bureau works in Chinese; English for everyone else --------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Texts kept in both languages (programmes/translation.py): the reader's, else the other.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans", "en")


def _in_language(verbose_name, language):
    """A text's field for one language, as forms label it: 名称 (简体中文), name (English)."""
    return f"{verbose_name} ({dict(LANGUAGES)[language]})"


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _in_language
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# One date format per language: 2027-02-02 and 2027年2月2日 (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

# --- Static files (served by whitenoise) and private media --------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments are private: stored outside any served directory and handed out
# only by the permission-checked download view.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    # Hashed names (app.3f1c2a.css) from `collectstatic`'s manifest: whitenoise serves
    # them with a year's Cache-Control, and a new release's files get new names.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))

# --- Backups: `manage.py backup` (docs/security.md, docs/deploy.md) ------------------
# The fingerprint of a GnuPG key to encrypt archives to: the server holds its public key
# only, the private key stays off the server. Empty: archives are not encrypted.
BACKUP_GPG_RECIPIENT = os.environ.get("BACKUP_GPG_RECIPIENT", "")

# --- Email ------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "programme-desk@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP connection may wait: a mail server that accepts and never answers
# would otherwise hold the mail worker (core/mail.py) for good; the attempt fails and
# is tried again later.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# The portal's address as applicants reach it: links in emails and reminders start with it.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# --- Background tasks: the mail queue, kept in the database (core/mail.py) ------
# A worker runs them: `manage.py db_worker` (started by `make run`; systemd in
# production, docs/deploy.md). Requests only queue email; they never wait for the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Django REST framework ----------------------------------------------------
# Token first: an unauthenticated call then answers 401 with `WWW-Authenticate: Token`.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "enterprises.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON within a size and depth limit; forms as DRF reads them.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.AnonThrottle", "core.api.UserThrottle"],
    # Requests per client; "auth" guards the password-for-token exchange.
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "600/minute"),
        "auth": os.environ.get("API_THROTTLE_AUTH", "10/minute"),
        "transitions": os.environ.get("API_THROTTLE_TRANSITIONS", "120/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# --- API tokens (django-rest-knox, enterprises.ApiToken) ---------------------------
# Only a digest of each key is stored. A token expires API_TOKEN_DAYS after it is
# issued (no renewal on use); a user holds at most API_TOKEN_LIMIT unexpired tokens.
KNOX_TOKEN_MODEL = "enterprises.ApiToken"  # noqa: S105 (a model, not a secret)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_DAYS", "90"))),
    "TOKEN_LIMIT_PER_USER": int(os.environ.get("API_TOKEN_LIMIT", "10")),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
# knox's own AuthToken is swapped out; its migrations would only make an unused table.
MIGRATION_MODULES = {"knox": None}

# Throttle counters live in the default cache. Locally that is per-process memory;
# production sets REDIS_URL so that every gunicorn worker counts against the same Redis.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

SPECTACULAR_SETTINGS = {
    "TITLE": "Programme Desk API",
    "DESCRIPTION": (
        "Programmes, calls, applications and results of the Bureau of Economy and "
        "Information Technology. See docs/api.md for tokens and examples."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.add_error_responses",
        "core.api.any_of_shapes",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProgrammeLevelEnum": "programmes.models.Level",
        "RegionLevelEnum": "enterprises.models.Region.Level",
        "IndustryLevelEnum": "enterprises.models.Industry.Level",
        "ApplicationStatusEnum": "programmes.workflow.Status",
        # Programmes' kind keeps the name it had before documents brought a second "kind".
        "KindEnum": "programmes.models.Kind",
        "DocumentKindEnum": "documents.models.Kind",
    },
}

# --- django-import-export -------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
# The upload waits for confirmation in the storage every app server shares
# (STORAGES["imports"] if set, else the default), never in one server's /tmp.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "core.sheets.store.SharedUploadStorage"
# `manage.py import NAME FILE` and `manage.py sheet_template NAME FILE`: the short names.
SHEET_RESOURCES = {
    "enterprises": "enterprises.resources.EnterpriseResource",
    "results": "programmes.resources.ResultListResource",
    "products": "programmes.resources.ProductApplicationResource",
    "projects": "programmes.resources.ProjectApplicationResource",
    "designations": "programmes.resources.DesignationApplicationResource",
    "service-cases": "services.resources.ServiceCaseResource",
    "events": "services.resources.EventResource",
}
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Importing needs <app>.import_<model> (superusers have it); exporting needs view.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Blank lines stay in the dataset so that row numbers match what Excel shows.
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = False
# Formula injection is neutralised by core.exports (quote prefix), not by
# the library's escape, which only drops a leading "=".
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# --- Logging -------------------------------------------------------------------
# Everything to the console (the service manager keeps it). A 500 is logged by
# ``django.request`` with its traceback; the user sees templates/500.html only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "WARNING"},
        "django.security": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every step of every document it sets; its warnings are enough.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
