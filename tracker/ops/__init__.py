"""Running the tracker as a deployment: the health check, the request log, and the
settings that depend on what stands in front of it (HTTPS, trusted proxies).

`init_app` wires them into the factory; `warm_up` and `after_fork` are for an
application server that builds the application once and then forks its workers
(gunicorn's `preload_app`).
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from flask import Flask, url_for

from tracker.ops import health, request_log, serving


def init_app(app: Flask) -> None:
    """Apply the HTTPS and proxy settings, and register the request log and `/healthz`."""
    serving.init_app(app)
    request_log.init_app(app)
    health.init_app(app)


def after_fork(app: Flask) -> None:
    """Forget, in a freshly forked worker, the database connections of the process it was
    forked from: two processes must never share one connection. The parent's connections
    are left open for the parent (`close=False`)."""
    from tracker.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def warm_up(app: Flask) -> float | None:
    """Do, once before the workers are forked, what every worker's first visitors would
    otherwise each wait for: compile the templates, compress the static files, encode
    the boundaries (`_warm_files`), and read the readings per collectivity kept in step
    with the history (`tracker.stats.in_step`) that the territory pages, the map and
    the comparison add up, read whole (seconds at a national scale). The workers start with them and follow the history from there.
    Answers the seconds it took; when the database does not answer yet, None: the
    failure is logged and the first visits read them, as without."""
    from tracker import public_data, stats
    from tracker.extensions import db
    from tracker.stats.sectors import collectivity_sectors
    from tracker.stats.timeline import spans

    started = time.perf_counter()
    _warm_files(app)
    try:
        with app.test_request_context():
            every = stats.Filters()
            stats.national_summary(every)  # the totals of every sum, the assessments
            collectivity_sectors(every)
            spans(every)
            public_data.partners_within(stats.NATIONAL, every, "fr")
    except Exception:  # noqa: BLE001 - a server starting must not fail for this
        app.logger.warning("Warm-up skipped: the database did not answer", exc_info=True)
        return None
    else:
        return time.perf_counter() - started
    finally:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


def _warm_files(app: Flask) -> None:
    """Compile the templates, load each language's catalogue and number formats,
    compress the static files and the vendored map assets, and read and encode the
    boundaries (when built) for the maps and the locators: what the first pages of each
    worker would otherwise do."""
    from flask_babel import force_locale, gettext

    from tracker import assets, geography
    from tracker.config import LANGUAGES
    from tracker.i18n import format_decimal
    from tracker.maps import layers
    from tracker.models.territory import LEVELS
    from tracker.public import locator

    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    static = Path(app.static_folder)
    with app.test_request_context():
        for lang in LANGUAGES:
            with force_locale(lang):
                gettext("Map")
                format_decimal(1234.5, "#,##0.0")
        for path in sorted(static.rglob("*")):
            if path.is_file():
                url_for("static", filename=path.relative_to(static).as_posix())
        assets.map_assets()
        with contextlib.suppress(geography.GeographyMissing):
            geography.extents()
            for level in LEVELS:
                locator.units_by_parent(*locator.layer_key(level))
                for lang in ("fr", "ar"):
                    layers.encoded_layer(level, lang)
