# Copy to instance/config.py and adapt. The environment (SECRET_KEY, DATABASE_URL,
# TRACKER_<SETTING>) overrides what is set here.

# Required in production: a long random string, e.g. from
#   python -c "import secrets; print(secrets.token_urlsafe(48))"
# SECRET_KEY = "..."
# ENV_NAME = "production"

# PostgreSQL instead of the embedded SQLite database:
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://tracker:password@localhost/tracker"

# Base-map tiles; None draws the boundaries on a plain background (no internet needed).
# MAP_TILES_URL = None
# MAP_TILES_ATTRIBUTION = "&copy; OpenStreetMap contributors"

# The pilot, highlighted by default on the map and the home page.
# PILOT_REGIONS = ("02", "01", "05")
# PILOT_PROVINCE = "02.251"
# PILOT_COMMUNE = "02.251.01.03"
