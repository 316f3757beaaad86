"""Every interface string is translated into Arabic and French, and the compiled catalogues are current."""

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[1] / "tracker" / "translations"


def _key(message_id, context=None):
    """A message's context and id, the singular for a plural message: one English text
    may have two translations, in two contexts (`pgettext`)."""
    return context, message_id[0] if isinstance(message_id, (tuple, list)) else message_id


def _text(string):
    return tuple(string) if isinstance(string, (tuple, list)) else string


def _catalogue(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def _template_ids():
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        return {_key(m.id, m.context) for m in read_po(f) if m.id}


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_every_message_is_translated(lang):
    catalogue = _catalogue(lang)
    missing = [m.id for m in catalogue if m.id and (not any(_text(m.string) or ()) or m.fuzzy)]
    assert missing == []
    assert {_key(m.id, m.context) for m in catalogue if m.id} >= _template_ids()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_compiled_catalogue_matches_the_source(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {_key(m.id, m.context): _text(m.string) for m in read_mo(f) if m.id}
    source = {
        _key(m.id, m.context): _text(m.string)
        for m in _catalogue(lang)
        if m.id and any(_text(m.string) or ()) and not m.fuzzy
    }
    stale = {key for key, text in source.items() if compiled.get(key) != text}
    # Babel also writes untranslated plurals, as the English text itself.
    extra = {
        key
        for key, text in compiled.items()
        if key not in source and text not in (key[1], (key[1],)) and not isinstance(text, tuple)
    }
    assert stale == set() and extra == set(), "run: pybabel compile -d tracker/translations"


@pytest.mark.parametrize(
    "lang, said, not_said",
    [
        ("ar", ("جميع الجهات", "فتح الخريطة", "الوحدات الترابية النموذجية"), ("Open the map",)),
        ("fr", ("Toutes les régions", "Ouvrir la carte", "Territoires pilotes"), ("Open the map",)),
        ("en", ("All regions", "Open the map", "Pilot territories"), ("Ouvrir la carte",)),
    ],
)
def test_pages_are_in_the_language_asked_for(client, lang, said, not_said):
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    for text in said:
        assert text in page, text
    for text in not_said:
        assert text not in page, text


def test_every_string_in_the_code_is_in_the_catalogue():
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    root = TRANSLATIONS.parents[1]
    method_map = [
        ("tracker/**.py", "python"),
        ("geo/**.py", "python"),
        ("templates/**.html", "jinja2"),
    ]
    keywords = {
        **DEFAULT_KEYWORDS,
        "_l": None,
        "lazy_gettext": None,
        "lazy_pgettext": ((1, "c"), 2),
    }
    found = set()
    for _, _, message, _, context in extract_from_dir(
        str(root), method_map, keywords=keywords, options_map={"templates/**.html": {}}
    ):
        found.add(_key(message, context))
    missing = found - _template_ids()
    assert missing == set(), "run pybabel extract and update (see README)"
