"""Default settings. `instance/config.py` and the environment override them."""

# Signs session cookies. The factory refuses to start in production with this value.
DEV_SECRET_KEY = "dev-only-not-a-secret"
SECRET_KEY = DEV_SECRET_KEY

# "development" or "production". Production refuses the development secret.
ENV_NAME = "development"

SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

# Languages the interface speaks; the first is the default.
LANGUAGES = ("fr", "ar", "en")
BABEL_DEFAULT_LOCALE = "fr"
BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"

# The pilot territories: highlighted by default on the map and the home page.
PILOT_REGIONS = ("02", "01", "05")
PILOT_PROVINCE = "02.251"
PILOT_COMMUNE = "02.251.01.03"

# Base-map tiles. None draws the boundaries on a plain background (for an intranet
# with no internet access). The attribution is required by most tile providers.
MAP_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MAP_TILES_ATTRIBUTION = "&copy; OpenStreetMap contributors"

# Responses are compressed; boundary files are served pre-compressed.
COMPRESS_MIMETYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
]
COMPRESS_MIN_SIZE = 500

# How long browsers may keep static assets and boundary files (seconds).
ASSET_MAX_AGE = 7 * 24 * 3600

# CSRF tokens are bound to the session and do not expire on their own, so a long
# form filled on a slow line is not refused on submit.
WTF_CSRF_TIME_LIMIT = None

# Session cookies: not readable by scripts, sent only to this site.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Set to True behind HTTPS (instance/config.py or TRACKER_SESSION_COOKIE_SECURE).
SESSION_COOKIE_SECURE = False

# Public pages, the map, exports and the API show validated records; True adds
# submitted ones, marked as such.
PUBLIC_SHOW_SUBMITTED = False

# Largest upload accepted (bulk imports, and any form but those below), in bytes.
MAX_CONTENT_LENGTH = 5 * 1024 * 1024
# The forms that send documents (by endpoint) may send several, each of at most 5 MB
# (`tracker.attachments.store`), with their fields: their requests may hold this much,
# so that a document too large is refused beside its field, the form's values kept.
DOCUMENT_FORMS = ("records.record_new", "records.record_edit")
MAX_DOCUMENT_FORM_LENGTH = 21 * 1024 * 1024

# Public outputs show a beneficiary count from 1 to this value minus one as "<N".
SMALL_COUNT_THRESHOLD = 5

# Most measures one export may hold; a larger request is asked to narrow its filters.
EXPORT_MAX_ROWS = 100_000

# ---- deployment ----
# True when the tracker is reached over HTTPS only (TRACKER_HTTPS=true): session cookies
# are sent only over HTTPS, generated addresses are https, and browsers are told to use
# nothing else (Strict-Transport-Security).
HTTPS = False
# How many reverse proxies stand in front of the app (TRACKER_PROXIES=1 behind one nginx):
# the client's address, scheme, host, port and prefix are read from the last that many
# X-Forwarded-* values. 0 ignores those headers, which any client could send.
PROXIES = 0
# ---- e-mail notifications ----
# Off while MAIL_SERVER is unset. Submissions are told to the region's coordinators,
# returns and validations to whoever submitted (`tracker.notifications.messages`),
# each in their own language, after the change is saved, by a thread of their own:
# a slow or failing mail server never holds up or fails the step.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USERNAME = None
MAIL_PASSWORD = None
# STARTTLS after connecting (port 587, usually).
MAIL_USE_TLS = False
# The sender's address; MAIL_USERNAME when unset.
MAIL_FROM = None
# Seconds before an unanswering mail server is given up on (the mail is then logged as not sent).
MAIL_TIMEOUT = 10
# The site's address as its users reach it (https://tracker.example.ma), for the links in
# e-mails; without it, the address of the request that took the step.
PUBLIC_URL = None

# ---- kept answers ----
# Bytes of memory each worker may use to keep public pages, API answers and exports
# between requests (`tracker.response_cache`), until the data version moves; 0 keeps none.
RESPONSE_CACHE_BYTES = 64 * 1024 * 1024
