"""Languages: Arabic (right to left), French and English, chosen by the user and remembered."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

if TYPE_CHECKING:
    from tracker.stats import Metric

COOKIE = "lang"
RTL_LANGUAGES = {"ar"}

# Each language named in itself, as a switcher shows it.
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English"}

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The page's language: `?lang=`, then the remembered choice, then the browser's, then the default."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # The command line speaks English, the language of its documentation.
        return "en"
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in languages:
        return remembered
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    """The code of the page's language (`ar`, `fr` or `en`)."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def text_direction() -> str:
    """`rtl` for Arabic, `ltr` otherwise."""
    return "rtl" if current_language() in RTL_LANGUAGES else "ltr"


def safe_next(target: str | None, default: str | None = None) -> str:
    """A path on this site to go to; anything else (another site, nothing) gives `default` or home."""
    fallback = default or url_for("public.home")
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target


@bp.get("/language/<code>")
def choose_language(code: str):
    """Remember `code` as the user's language for a year and go back to `next`.

    An unknown language is ignored; `next` must be a path on this site.
    """
    response = redirect(_without_lang(safe_next(request.args.get("next"))))
    if code in current_app.config["LANGUAGES"]:
        _remember(response, code)
    return response


def _without_lang(path: str) -> str:
    """`path` without a `lang` parameter, which would outweigh the choice just made."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return parts.path + (f"?{urlencode(query)}" if query else "")


def address_in_language() -> str:
    """The full address of this request, with `lang` set to the page's language, so that
    it opens the same way for whoever follows it (an export's About sheet gives it)."""
    parts = urlsplit(request.url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    query.append(("lang", current_language()))
    return parts._replace(query=urlencode(query)).geturl()


def _remember(response, code: str) -> None:
    response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)


def _remember_asked_language(response):
    """A page opened with `?lang=` (a shared link) makes that language the remembered
    choice, so the page's downloads and next pages follow it."""
    asked = request.args.get("lang")
    if (
        asked in current_app.config["LANGUAGES"]
        and asked != request.cookies.get(COOKIE)
        and response.mimetype == "text/html"
    ):
        _remember(response, asked)
    return response


def list_separator(lang: str | None = None) -> str:
    """What goes between the items of a list in `lang` (the page's by default): Arabic
    has its own comma."""
    return "، " if (lang or current_language()) == "ar" else ", "


def init_app(app: Flask) -> None:
    """Register the switcher and the template helpers."""
    app.register_blueprint(bp)
    app.after_request(_remember_asked_language)
    app.jinja_env.filters["format_number"] = format_number
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["metric_text"] = metric_text

    @app.context_processor
    def language_context():
        return {
            "current_language": current_language(),
            "text_direction": text_direction(),
            "comma": list_separator(),
            "language_names": LANGUAGE_NAMES,
            "languages": app.config["LANGUAGES"],
        }


# Names of levels, for pages and the map.
LEVEL_NAMES = {
    "region": _l("Region"),
    "province": _l("Province or prefecture"),
    "commune": _l("Commune"),
}
LEVEL_PLURALS = {
    "region": _l("Regions"),
    "province": _l("Provinces and prefectures"),
    "commune": _l("Communes"),
}
KIND_NAMES = {
    "region": _l("Region"),
    "province": _l("Province"),
    "prefecture": _l("Prefecture"),
    "prefecture_of_arrondissements": _l("Prefecture of arrondissements"),
    "urban": _l("Urban commune"),
    "rural": _l("Rural commune"),
}


# Numbers written at once, kept per process: a map of 1,503 communes writes each of
# its values twice, and writes the same again after most changes.
NUMBERS_KEPT = 16_384


def format_decimal(value, format: str | None = None) -> str:
    """`value` in the page's language's style (`format` a Unicode number pattern, the
    language's own when None), Western digits as used in Morocco: as
    `flask_babel.format_decimal` writes it, each pattern parsed once and each number
    written once per process (see `NUMBERS_KEPT`)."""
    return _written(value, type(value), format, get_locale())


@functools.lru_cache(maxsize=NUMBERS_KEPT)
def _written(value, kind: type, format: str | None, locale: Locale) -> str:
    # `kind` in the key: 2 and 2.0 would be the same key otherwise.
    pattern = _number_pattern(format) if format else locale.decimal_formats[None]
    return pattern.apply(value, locale)


@functools.lru_cache(maxsize=64)
def _number_pattern(format: str) -> NumberPattern:
    return parse_pattern(format)


def format_number(value) -> str:
    """A count in the page's language's style, Western digits as used in Morocco; "—" when unknown."""
    if value is None:
        return "—"
    return format_decimal(value)


def format_metric(unit: str, value, signed: bool = False) -> str:
    """A metric's value as the page shows it, by unit: a count, a ratio, dirhams, a
    percentage, a score, in the page's language (with its sign when `signed`).

    Strings (a suppressed count such as "<5") pass through; None is "—".
    """
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    sign = "+" if signed and value > 0 else ""
    if unit == "count":
        return sign + format_decimal(round(value), format="#,##0")
    if unit == "percent":
        return sign + format_decimal(value, format="#,##0.0") + " %"
    if unit == "score":  # 0 to 100, one decimal (`tracker.assessment.scores.rounded`)
        return sign + format_decimal(value, format="#,##0.0")
    if unit == "money":
        return _("%(amount)s MAD", amount=sign + format_decimal(value, format="#,##0.00"))
    return sign + format_decimal(value, format="#,##0.00")


def metric_text(metric: Metric, value: object) -> str:
    """A value of `metric` (a `tracker.stats.Metric`) as a page writes it, in the page's
    language: public first (a count of people with its small counts suppressed), then
    by the metric's unit (see `format_metric`)."""
    return format_metric(metric.unit, metric.public(value))


# Morocco keeps UTC+1 but during Ramadan, when it goes back to UTC+0: the zone database
# knows each year's dates, which no fixed offset could.
MOROCCO = ZoneInfo("Africa/Casablanca")


def morocco_time(moment: datetime) -> datetime:
    """`moment`, a stored UTC time, in Morocco's time zone. A time without a zone (as
    SQLite gives them back) is read as UTC, as it was stored."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(MOROCCO)


def morocco_today():
    """Today's date in Morocco, where the collectivities work: the year of a programme
    running "this year", the future a measure cannot have started in."""
    return morocco_time(datetime.now(UTC)).date()


def local_time(moment: datetime | None, day_only: bool = False) -> Markup:
    """A stored UTC time as a page shows it: in Morocco's time, with the zone named in the
    page's language, `2026-12-06 22:48 (heure du Maroc)`, in a `<time>` element holding
    the UTC time. With `day_only`, the day in Morocco, the time and zone in its tooltip.
    Nothing for None."""
    if moment is None:
        return Markup("")
    local = morocco_time(moment)
    utc = local.astimezone(UTC).isoformat().replace("+00:00", "Z")
    clock, zone = f"{local:%Y-%m-%d %H:%M}", _("Morocco time")
    if day_only:
        return Markup('<time datetime="{}" title="{} ({})"><bdi dir="ltr">{}</bdi></time>').format(
            utc, clock, zone, f"{local:%Y-%m-%d}"
        )
    return Markup('<time datetime="{}"><bdi dir="ltr">{}</bdi> ({})</time>').format(
        utc, clock, zone
    )
