"""Settings read from the environment, with embedded defaults for a laptop.

With no configuration: SQLite, Celery tasks run inline, e-mail printed to the console.
Set DATABASE_URL, REDIS_URL (or CELERY_BROKER_URL) and EMAIL_URL to use the real parts.
Production deployments use pscb_audit.production, which refuses to start without a real secret.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

from cases import limits as _chronology_limits

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# Development-only key; pscb_audit.production refuses to start with it.
INSECURE_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = env("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where links in e-mails point. Unset, it follows the HOST and PORT the server was started on
# (`make run PORT=8123` sets both), so a demo's links work on whatever port it runs.
SITE_URL = env("SITE_URL", default=f"http://{env('HOST', default='127.0.0.1')}:{env('PORT', default='8000')}")
# The installation's safeguarding partnership (Working Together 2018 replaced the LSCBs with them):
# in the header, on the report's title page and in e-mails. BOARD_NAME is its older name.
PARTNERSHIP_NAME = env(
    "PARTNERSHIP_NAME", default=env("BOARD_NAME", default="Northbridge Safeguarding Children Partnership")
)
BOARD_NAME = PARTNERSHIP_NAME
# The service's own name, after the partnership's in the header and in every page title.
SERVICE_NAME = env("SERVICE_NAME", default="Multi-agency case audit")
# Places the Board's reports name (its area, towns, neighbours): vocabulary of the leak guard's
# possible-name layer, so that they are not taken for someone's name. Comma-separated.
LEAKGUARD_PLACES = env.list("LEAKGUARD_PLACES", default=["Northbridge", "Riverton"])

INSTALLED_APPS = [
    # The admin site demands a verified second factor (accounts.admin_site.VerifiedAdminSite).
    "accounts.admin_apps.VerifiedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "pgtrigger",
    "pghistory",
    "core",
    "accounts",
    "cases",
    "reviews",
    "audittools",
    "recommendations",
    "notifications",
    "reports",
    "learning",
    "accesslog",
    "history",
    "operations",
    "worklist",
]

MIDDLEWARE = [
    "pscb_audit.limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
    "accounts.middleware.NoStoreForAuthenticatedMiddleware",
    "history.middleware.HistoryContextMiddleware",
    "reports.middleware.LeakFixReturnMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pscb_audit.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "reports.context_processors.leak_fix",
                "accounts.context_processors.service",
                "core.confirmation.confirmation_panel",
            ],
            # The shared core's tags (status_tag, roman, absolute_url) and the permission table's `may`
            # filter need no {% load %}.
            "builtins": ["core.templatetags.core_tags", "accounts.templatetags.may"],
            "libraries": {"slots": "core.slot_tags"},
        },
    },
]

WSGI_APPLICATION = "pscb_audit.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A reused connection is checked before each request that uses it, so a database restart costs one
# reconnect rather than one failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)

# Cache (the merged timeline's index): in the process by default; CACHE_URL (e.g. redis://host:6379/2)
# shares it between workers.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://pscb-audit")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out username before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: end at browser close and after a period of inactivity (seconds).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y, H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (evidence, imports) are private: stored outside the web root, never given a URL,
# and served only by views that check permissions.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
# The largest ordinary form is a return's chronology: its limits decide Django's request limits
# (cases/limits.py), so a return of the stated size always reaches the view.
DATA_UPLOAD_MAX_NUMBER_FIELDS = _chronology_limits.data_upload_max_number_fields()
DATA_UPLOAD_MAX_MEMORY_SIZE = max(5 * 1024 * 1024, _chronology_limits.data_upload_max_memory_size())

# Forms are drawn in GOV.UK Design System markup: crispy-forms-gds's "gds" pack, with the field,
# error and date templates overridden in templates/gds/ (docs/forms.md).
CRISPY_ALLOWED_TEMPLATE_PACKS = ("gds",)
CRISPY_TEMPLATE_PACK = "gds"

# E-mail: console by default; EMAIL_URL=smtp://user:pass@host:587 (or smtp+tls://) for real SMTP.
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PSCB Audit <no-reply@pscb-audit.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Celery: with no broker configured, tasks run inline (eager) so the app works with nothing installed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default=""))
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Keep trying to reach the broker for ever (Celery's default gives up after 100 tries, about 46
# minutes, and the worker then exits for good); the container's restart policy is the second net.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE = {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "pscb_audit.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- Agency returns (cases) -------------------------------------------------------------
# Maximum upload size for chronology imports, in bytes.
RETURN_IMPORT_MAX_BYTES = env.int("RETURN_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
# Gaps between chronology entries longer than this are marked on the merged timeline.
TIMELINE_GAP_DAYS = env.int("TIMELINE_GAP_DAYS", default=90)
# The merged timeline lists about this many entries a page (whole days); the swim lanes show them all.
TIMELINE_PAGE_SIZE = env.int("TIMELINE_PAGE_SIZE", default=50)
# How long a case's timeline index stays cached. Any change to one of its returns makes a new cache key,
# so this only bounds how long an unused index takes up room.
TIMELINE_CACHE_SECONDS = env.int("TIMELINE_CACHE_SECONDS", default=24 * 60 * 60)


# --- Panel review and reflective practice meetings (reviews) ----------------------------
# Invitations should reach practitioners at least this many days before the meeting.
MEETING_INVITATION_LEAD_DAYS = env.int("MEETING_INVITATION_LEAD_DAYS", default=28)
# An invitee's accept/decline link stops working after this many days.
INVITATION_LINK_MAX_AGE_DAYS = env.int("INVITATION_LINK_MAX_AGE_DAYS", default=60)


# --- Recommendations ---------------------------------------------------------------------
# A recommendation whose deadline is within this many days is "due soon".
RECOMMENDATION_DUE_SOON_DAYS = env.int("RECOMMENDATION_DUE_SOON_DAYS", default=30)
# Largest evidence file an agency may attach to a response, in bytes.
RECOMMENDATION_EVIDENCE_MAX_BYTES = env.int("RECOMMENDATION_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Most evidence files attached to one response.
RECOMMENDATION_EVIDENCE_MAX_FILES = env.int("RECOMMENDATION_EVIDENCE_MAX_FILES", default=5)

# The largest request body any page accepts, from the largest feature: a response with the most
# evidence files, plus the form's other fields. Bigger bodies get 413 before anything reads them,
# in Django (pscb_audit.limits.RequestBodyLimitMiddleware) and, under gunicorn, in front of Django
# (pscb_audit.wsgi). Put the same limit on the reverse proxy (docs/deployment.md).
REQUEST_BODY_MAX_BYTES = env.int(
    "REQUEST_BODY_MAX_BYTES",
    default=RECOMMENDATION_EVIDENCE_MAX_BYTES * RECOMMENDATION_EVIDENCE_MAX_FILES
    + DATA_UPLOAD_MAX_MEMORY_SIZE,
)


# --- Reminders (notifications) -----------------------------------------------------------
# Lead times, in days. Every reminder is sent once (a unique key per object, kind, due date and
# recipient); a day the job did not run is caught up the next day, never lost.
# Agency returns: first reminder this many days before the due date, another on the day, one when
# overdue, and an escalation to the Business Manager(s) and the agency's senior manager after
# REMINDER_RETURN_ESCALATE_AFTER_DAYS overdue.
REMINDER_RETURN_DAYS_BEFORE = env.int("REMINDER_RETURN_DAYS_BEFORE", default=7)
REMINDER_RETURN_ESCALATE_AFTER_DAYS = env.int("REMINDER_RETURN_ESCALATE_AFTER_DAYS", default=7)
# Meetings: invitees who have not answered this many days after the invitation went out get a reminder;
# those who accepted get one this many days before the meeting (with a calendar file).
REMINDER_INVITATION_UNANSWERED_DAYS = env.int("REMINDER_INVITATION_UNANSWERED_DAYS", default=7)
REMINDER_MEETING_DAYS_BEFORE = env.int("REMINDER_MEETING_DAYS_BEFORE", default=3)
# Confidential agency actions and recommendations: the owner agency is reminded before the deadline and
# when it passes; the Business Manager is told after the escalation period.
REMINDER_ACTION_DAYS_BEFORE = env.int("REMINDER_ACTION_DAYS_BEFORE", default=14)
REMINDER_ACTION_ESCALATE_AFTER_DAYS = env.int("REMINDER_ACTION_ESCALATE_AFTER_DAYS", default=14)
REMINDER_RECOMMENDATION_DAYS_BEFORE = env.int("REMINDER_RECOMMENDATION_DAYS_BEFORE", default=30)
REMINDER_RECOMMENDATION_ESCALATE_AFTER_DAYS = env.int(
    "REMINDER_RECOMMENDATION_ESCALATE_AFTER_DAYS", default=14
)
# The weekly digest of everything late goes to the Business Manager(s) with the daily job on this
# weekday (0 = Monday ... 6 = Sunday).
REMINDER_DIGEST_WEEKDAY = env.int("REMINDER_DIGEST_WEEKDAY", default=0)
# When beat runs the daily job (Europe/London).
REMINDER_DAILY_HOUR = env.int("REMINDER_DAILY_HOUR", default=7)
REMINDER_DAILY_MINUTE = env.int("REMINDER_DAILY_MINUTE", default=0)
# A notification stuck in "sending" (its worker died) or "pending" (its task was lost) for longer than
# this is handed back to a worker by the periodic sweep. Must exceed CELERY_TASK_TIME_LIMIT and the
# longest retry backoff (see notifications.tasks), so a live attempt is never doubled.
NOTIFICATION_STALE_MINUTES = env.int("NOTIFICATION_STALE_MINUTES", default=30)
# A mail outage longer than one round of quick attempts (a few minutes): the notification waits and
# the sweep starts another round after NOTIFICATION_RETRY_AFTER_SECONDS, doubling each time up to
# NOTIFICATION_RETRY_MAX_SECONDS, for NOTIFICATION_RETRY_ROUNDS rounds (defaults: 15 min, 30 min,
# 1 h, 2 h, 4 h, 8 h: about 16 hours), then it is marked failed and can be sent again by hand.
NOTIFICATION_RETRY_ROUNDS = env.int("NOTIFICATION_RETRY_ROUNDS", default=6)
NOTIFICATION_RETRY_AFTER_SECONDS = env.int("NOTIFICATION_RETRY_AFTER_SECONDS", default=15 * 60)
NOTIFICATION_RETRY_MAX_SECONDS = env.int("NOTIFICATION_RETRY_MAX_SECONDS", default=8 * 60 * 60)
# Beat only polls the database: no task is ever scheduled with a long ETA/countdown (with Redis a task
# delayed past the visibility timeout runs twice). Run exactly one beat.
CELERY_BEAT_SCHEDULE.update(
    {
        "reminders-daily": {
            "task": "notifications.run_daily_reminders",
            "schedule": crontab(hour=REMINDER_DAILY_HOUR, minute=REMINDER_DAILY_MINUTE),
        },
        "notifications-recover-stale": {
            "task": "notifications.recover_stale_notifications",
            "schedule": crontab(minute="*/10"),
        },
    }
)


# --- Report --------------------------------------------------------------------------------
# A draft report build is stopped after this many seconds (soft limit: recorded as failed).
REPORT_BUILD_TIME_LIMIT = env.int("REPORT_BUILD_TIME_LIMIT", default=180)
REPORT_BUILD_SOFT_TIME_LIMIT = env.int("REPORT_BUILD_SOFT_TIME_LIMIT", default=150)
# A case pack is rendered by the worker too (reviews.tasks), stopped after this many seconds.
CASE_PACK_TIME_LIMIT = env.int("CASE_PACK_TIME_LIMIT", default=120)
CASE_PACK_SOFT_TIME_LIMIT = env.int("CASE_PACK_SOFT_TIME_LIMIT", default=100)
# A build still queued this many seconds after it was handed over (broker down, message lost) is
# handed to the worker again by the sweep, which also fails builds running past their time limit.
REPORT_BUILD_REQUEUE_SECONDS = env.int("REPORT_BUILD_REQUEUE_SECONDS", default=120)
CELERY_BEAT_SCHEDULE["reports-sweep-builds"] = {"task": "reports.sweep_builds", "schedule": 60.0}


# --- Security and data protection --------------------------------------------------------
# Roles that see case data must pass a second factor (TOTP, or a one-use backup code) before any
# role rule lets them in; administrators must too, for the admin site. Board members may opt in.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="PSCB Audit")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_BACKUP_CODES = 10
# First-use enrolment needs a one-time link e-mailed to the account's address; it works this long.
ENROLMENT_LINK_MINUTES = env.int("ENROLMENT_LINK_MINUTES", default=30)

# Lockout (django-axes), two limits (accounts.lockout.PairThenUsernameHandler):
# - LOGIN_FAILURE_LIMIT failures for one username from one client address lock that pair out, so a
#   stranger typing a colleague's address locks only themselves;
# - LOGIN_USERNAME_FAILURE_LIMIT failures for one username from any addresses lock the account (a
#   slower limit against guessing spread over many addresses).
# Either lock lasts LOGIN_LOCKOUT_HOURS; a successful password reset lifts it (the way back for the
# real user, whose e-mail only they read).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "accounts.lockout.PairThenUsernameHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind a reverse proxy, set this to the number of proxies so the client's own address is counted.
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# The Administrator never sees second-factor keys: no key field, no QR code page in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Browser features the application never uses are denied to every page (accounts.middleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "battery",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
        "browsing-topics",
        "interest-cohort",
    )
}

# Absolute session lifetime (seconds) whatever the activity; the idle limit is SESSION_COOKIE_AGE.
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=10 * 60 * 60)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

# Content Security Policy (django-csp 4.x): no inline script or style, nothing from elsewhere,
# never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Change history (django-pghistory): PostgreSQL triggers write an event row for every insert,
# update and delete of the tracked models, whatever Python path made it. The triggers are installed
# after `migrate` rather than by migrations, so that the tracked apps' migrations stay untouched
# (README, "Security and data protection"). SQLite has no triggers: no history is recorded there.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True

# Retention: per category, how long after an audit closes its data is kept, and why.
RETENTION = {
    "identifying_terms": {
        "days": env.int("RETENTION_IDENTIFYING_TERMS_DAYS", default=365),
        "reason": "Names and addresses are needed only while the panel may revisit the audit; "
        "UK GDPR Art. 5(1)(e) storage limitation.",
    },
    "agency_returns": {
        "days": env.int("RETENTION_AGENCY_RETURNS_DAYS", default=2 * 365),
        "reason": "Returns and chronologies support challenge of the findings for two years after "
        "closure; the published report and recommendations carry the learning after that.",
    },
    "evidence": {
        "days": env.int("RETENTION_EVIDENCE_DAYS", default=2 * 365),
        "reason": "Uploaded evidence is kept as long as the returns it supports.",
    },
}
# On a fixed clock time, not an interval: an interval restarts with each new beat container, so
# recreating beat every day would postpone the purge for ever.
RETENTION_PURGE_HOUR = env.int("RETENTION_PURGE_HOUR", default=2)
CELERY_BEAT_SCHEDULE["purge-retained-data"] = {
    "task": "history.tasks.purge_retained",
    "schedule": crontab(hour=RETENTION_PURGE_HOUR, minute=30),
}

# --- Immediate safeguarding concerns ----------------------------------------------------------------
# A concern the agency has not acknowledged this many hours after it was raised is escalated to the
# Business Manager. Beat polls for them every CONCERN_POLL_MINUTES (no long countdowns).
CONCERN_ESCALATE_AFTER_HOURS = env.int("CONCERN_ESCALATE_AFTER_HOURS", default=4)
CONCERN_POLL_MINUTES = env.int("CONCERN_POLL_MINUTES", default=15)
CELERY_BEAT_SCHEDULE["escalate-safeguarding-concerns"] = {
    "task": "reviews.escalate_safeguarding_concerns",
    "schedule": CONCERN_POLL_MINUTES * 60,
}
