"""Django settings for foidesk, read from the environment only.

Every variable is described in README.md. Production is the default: DEBUG is off and
SECRET_KEY must be given. ``foidesk demo`` supplies a generated key of its own.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from foidesk.config import environment

env = os.environ

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The checkout holding package.json, where the front-end assets are installed and built.
PROJECT_DIR = PACKAGE_DIR.parent.parent
FRONTEND_DIR = PROJECT_DIR / "frontend"
DATA_DIR = environment.data_dir(env, Path.cwd())
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = environment.flag(env, "DEBUG")
SECRET_KEY = env.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it to a long random value kept secret, for example "
        "the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
        "(foidesk demo makes one for you.)"
    )

# Where staff reach foidesk, for links in the emails it sends.
BASE_URL = env.get("FOIDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

ALLOWED_HOSTS = environment.words(env, "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = environment.words(env, "CSRF_TRUSTED_ORIGINS")

# foidesk's apps come after Django's so that their post_migrate work (the role groups)
# runs once Django has created every permission.
INSTALLED_APPS = [
    "foidesk.accounts.apps.FoideskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules",
    "django_tasks_db",
    "foidesk.accounts",
    "foidesk.casework",
    "foidesk.responses",
    "foidesk.intake",
    "foidesk.publication",
    "foidesk.similar",
    "foidesk.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "foidesk.accounts.middleware.private_pages_not_cached",
    "foidesk.api.middleware.api_errors_as_problems",
    "foidesk.config.middleware.refuse_nul_characters",
]

ROOT_URLCONF = "foidesk.config.urls"
WSGI_APPLICATION = "foidesk.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [PACKAGE_DIR / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "foidesk.web.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "foidesk.config.context_processors.layout",
            ],
        },
    },
    # Django's own templates, for the admin site.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = environment.databases(env, DATA_DIR)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "foidesk_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "casework:home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static", ("foidesk", FRONTEND_DIR / "dist")]
STORAGES = {
    # Every stored file: messages as they came, attachments, what was sent and published.
    "default": environment.file_storage(env, DATA_DIR),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Background work (reminder emails): queued in the database, run by `foidesk worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The kinds of case foidesk handles, each with its whole workflow (casework.workflow).
CASE_TYPES = [
    "foidesk.casework.case_types.REQUEST",
    "foidesk.casework.case_types.SUBJECT_ACCESS",
]

MAILERS = environment.mailers(env, DATA_DIR)
# A mailbox that `foidesk mail-poll` fetches requests from, over TLS.
IMAP = environment.imap(env)
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "foidesk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. HTTPS is assumed (a reverse proxy terminates TLS); FOIDESK_HTTPS=false is
# for plain HTTP on loopback only, as the demo does.
HTTPS = environment.flag(env, "FOIDESK_HTTPS", default=True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "foidesk.config.views.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Logs go to standard error for the process manager to keep. Nothing here logs request
# bodies, so a requester's personal data never reaches a log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "filters": {"refusal": {"()": "foidesk.config.log_filters.RefusalWithoutTraceback"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # The SMTP listener's library logs every sender's address at INFO: personal data.
        "mail.log": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF it makes at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "django.request": {"filters": ["refusal"]},
        # The worker logs every task it starts and finishes at INFO.
        "django.tasks": {"level": env.get("TASK_LOG_LEVEL", "INFO")},
        "django_tasks_db": {"level": env.get("TASK_LOG_LEVEL", "INFO")},
    },
}
