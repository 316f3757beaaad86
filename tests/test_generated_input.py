"""Generated input through every form field and every query parameter: no server error.

Hypothesis writes text of every kind (any Unicode, control characters, direction
overrides, very long strings, numbers out of range, impossible dates) into one field of a
form at a time, the others keeping what the form shows; a refused form writes nothing.
The forms are read from the pages themselves, so a field added later is tried too. Each
test prints how many inputs it tried; bounded by `EXAMPLES` per test."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.support import FIGUIG
from tracker.extensions import db
from tracker.models import (
    Assessment,
    AssessmentAnswer,
    Attachment,
    AuditEntry,
    Measure,
    Organisation,
    Programme,
    User,
)

OFFICER = "officer.generated@figuig.ma"
EXAMPLES = 10
# Each sign-in hashes a password: a few tries show the form holds.
SIGN_IN_EXAMPLES = 6
TRIED: dict[str, int] = {}

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

ODD = [
    "\u202eevil\u202c",
    "\u2066x\u2069\u200f",
    "\ufeff",
    "\u0000",
    "\r\n\t\x0b\x0c\x1b[31m",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n%(x)s{0}",
    "../../etc/passwd",
    "٠١٢٣",
    "２０２５",
    "-0",
    "1e309",
    "NaN",
    "-1",
    "99999999999999999999999999",
    "2025-02-30",
    "0000-00-00",
    "9999-12-31",
    "2025-13",
    "31/02/2025",
    "1900",
    "2051",
    "x" * 5000,
    "ب" * 100_000,
]
# Sent into every field of a form at once, one after the other.
HOSTILE = [ODD[i] for i in (0, 1, 3, 4, 5, 9, 10, 13, 15, 16, 19, 24)]
TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(ODD),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Mn"]), max_size=20),
)


class Forms(HTMLParser):
    """The fields of each form of a page: (name, default value, choices) in order."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(), "fields": []})
            return
        if not self.forms or not a.get("name"):
            return
        fields = self.forms[-1]["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                fields.append([a["name"], a.get("value", "on") if "checked" in a else None, kind])
            else:
                fields.append([a["name"], a.get("value", ""), kind])
        elif tag == "select":
            self.select = a["name"]
            fields.append([a["name"], None, "select"])
        elif tag == "textarea":
            self.textarea = a["name"]
            fields.append([a["name"], "", "textarea"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.forms:
            self.forms[-1]["fields"][-1][1] += data


class Options(HTMLParser):
    """The selected (or first) option of each select, by name."""

    def __init__(self):
        super().__init__()
        self.current: str | None = None
        self.chosen: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "select":
            self.current = a.get("name")
        elif tag == "option" and self.current:
            if self.current not in self.chosen or "selected" in a:
                self.chosen[self.current] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.current = None


def the_form(page: str) -> MultiDict:
    """What the page's largest form sends as it stands."""
    forms = Forms()
    forms.feed(page)
    options = Options()
    options.feed(page)
    form = max((f for f in forms.forms if f["method"] == "post"), key=lambda f: len(f["fields"]))
    data = MultiDict()
    for name, value, kind in form["fields"]:
        if kind == "select":
            value = options.chosen.get(name)
        if kind == "file" or value is None:
            continue
        data.add(name, value)
    return data


def fields_of(page: str) -> list[str]:
    forms = Forms()
    forms.feed(page)
    form = max((f for f in forms.forms if f["method"] == "post"), key=lambda f: len(f["fields"]))
    return sorted({name for name, _v, kind in form["fields"] if name != "csrf_token"})


def written(app) -> tuple[int, ...]:
    """How many rows the records, documents, accounts and history hold."""
    models = (Measure, Programme, Organisation, Assessment, AssessmentAnswer, Attachment)
    with app.app_context():
        counts = [db.session.scalar(select(func.count()).select_from(m)) for m in models]
        counts += [
            db.session.scalar(select(func.count()).select_from(m)) for m in (AuditEntry, User)
        ]
        return tuple(counts)


@pytest.fixture
def officer(accounts):
    accounts.create(OFFICER, "officer", [FIGUIG])
    accounts.login(OFFICER)
    return OFFICER


def fuzz_form(app, client, url: str, label: str):
    """Post hostile text into every field of the form at `url`: each of `HOSTILE` into all
    fields at once, then generated text into a few fields at a time."""
    page = client.get(url)
    assert page.status_code == 200, url
    html = page.get_data(as_text=True)
    base = the_form(html)
    names = fields_of(html)
    failures: list[str] = []

    def post(values: dict[str, str], lang: str) -> None:
        TRIED[label] = TRIED.get(label, 0) + 1
        data = base.copy()
        for name, value in values.items():
            data.setlist(name, [value])
        before = written(app)
        response = client.post(f"{url}{'&' if '?' in url else '?'}lang={lang}", data=data)
        shown = {name: value[:40] for name, value in values.items()}
        if response.status_code >= 500:
            failures.append(f"{shown!r:.200}: {response.status_code}")
        assert response.status_code < 500, shown
        if response.status_code not in (302, 303):
            assert written(app) == before, shown

    for number, value in enumerate(HOSTILE):
        post(dict.fromkeys(names, value), ("fr", "ar", "en")[number % 3])

    @SETTINGS
    @given(data=st.data(), lang=st.sampled_from(["fr", "ar", "en"]))
    def attempt(data, lang):
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=5, unique=True))
        post({name: data.draw(TEXT) for name in chosen}, lang)

    attempt()
    print(f"{label}: {TRIED[label]} inputs into {len(names)} fields, {len(failures)} failures")
    assert not failures


@pytest.mark.parametrize(
    "label, url",
    [
        ("measure form", f"/work/{FIGUIG}/measure/new"),
        ("programme form", f"/work/{FIGUIG}/programme/new"),
        ("assessment form", f"/work/{FIGUIG}/assessment/new"),
        ("organisation form", "/work/organisations/new"),
    ],
)
def test_generated_text_in_every_field_of_a_record_form(app, client, officer, label, url):
    fuzz_form(app, client, url, label)


def test_generated_files_and_options_in_the_import_form(app, client, officer):
    from tests.support import csrf_token

    failures = []

    @SETTINGS
    @given(
        content=st.one_of(st.binary(max_size=2000), TEXT.map(lambda t: t.encode("utf-8"))),
        name=st.one_of(st.sampled_from(["m.csv", "m.xlsx", "m.CSV", "m", ".xlsx"]), TEXT),
        what=st.sampled_from(["measures", "assessments", "", "x"]),
        dry_run=st.sampled_from(["", "y", "\u202e"]),
    )
    def attempt(content, name, what, dry_run):
        TRIED["import form"] = TRIED.get("import form", 0) + 1
        before = written(app)
        token = csrf_token(client, "/work/import")
        data = {"file": (io.BytesIO(content), name), "csrf_token": token}
        if dry_run:
            data["dry_run"] = dry_run
        response = client.post(
            f"/work/import?what={what}&lang=fr", data=data, content_type="multipart/form-data"
        )
        if response.status_code >= 500:
            failures.append(f"{name[:30]!r}: {response.status_code}")
        assert response.status_code < 500
        if response.status_code != 200 or "Enregistré" not in response.get_data(as_text=True):
            assert written(app) == before

    attempt()
    print(f"import form: {TRIED['import form']} inputs, {len(failures)} failures")


def test_generated_sign_in_never_errs_nor_signs_in(app, client, accounts):
    from tests.support import csrf_token

    accounts.create(OFFICER, "officer", [FIGUIG])

    @settings(SETTINGS, max_examples=SIGN_IN_EXAMPLES)
    @given(email=TEXT, password=TEXT, lang=st.sampled_from(["fr", "ar", "en"]))
    def attempt(email, password, lang):
        TRIED["sign-in"] = TRIED.get("sign-in", 0) + 1
        token = csrf_token(client, "/login")
        response = client.post(
            f"/login?lang={lang}",
            data={"email": email, "password": password, "csrf_token": token},
        )
        assert response.status_code < 500, (email[:40], password[:40])
        assert client.get("/work").status_code in (302, 401, 403)

    attempt()
    print(f"sign-in: {TRIED['sign-in']} inputs")


PARAMETERS = [
    "level",
    "metric",
    "sector",
    "status",
    "year",
    "since",
    "territory",
    "focus",
    "parent",
    "kind",
    "integration",
    "q",
    "good_practice",
    "page",
    "per_page",
    "codes",
    "to",
    "what",
    "lang",
    "version",
]
ADDRESSES = [
    "/search",
    "/map",
    "/compare",
    "/compare.csv",
    "/compare.geojson",
    "/export/measures.csv",
    "/export/figures.csv",
    "/export/programmes.geojson",
    "/export/assessments.xlsx",
    "/territories/02",
    "/territories/02.251.01.03/profile",
    "/good-practices",
    "/methodology",
    "/api/v1/measures",
    "/api/v1/stats",
    "/api/v1/territories",
    "/api/v1/programmes",
    "/api/v1/assessments",
]


def test_generated_query_parameters_on_every_public_address(app, client):
    failures = []

    @settings(SETTINGS, max_examples=4 * EXAMPLES)
    @given(
        address=st.sampled_from(ADDRESSES),
        args=st.dictionaries(st.sampled_from(PARAMETERS), TEXT, min_size=1, max_size=3),
    )
    def attempt(address, args):
        TRIED["query parameters"] = TRIED.get("query parameters", 0) + 1
        response = client.get(address, query_string=args)
        if response.status_code >= 500:
            failures.append(f"{address} {args!r:.80}: {response.status_code}")
        assert response.status_code < 500, (address, {k: v[:60] for k, v in args.items()})

    attempt()
    print(f"query parameters: {TRIED['query parameters']} inputs, {len(failures)} failures")


@pytest.mark.parametrize("value", ["99999999999999999999999999", "²", "٣"])
def test_a_choice_of_no_record_is_refused_not_an_error(app, client, officer, value):
    # Found by the generated input: a programme or partner id too large for the
    # database, or a digit that is no number, failed the measure form.
    url = f"/work/{FIGUIG}/measure/new"
    html = client.get(url).get_data(as_text=True)
    data = the_form(html)
    choices = [name for name in fields_of(html) if "programme" in name or "partner" in name]
    assert choices
    for name in choices:
        data.setlist(name, [value])
    before = written(app)
    response = client.post(f"{url}?lang=en", data=data)
    assert response.status_code == 400
    assert "Choose a value from the list." in response.get_data(as_text=True)
    assert written(app) == before


@pytest.mark.parametrize("version", ["²", "99999999999999999999"])
def test_a_methodology_version_that_is_no_number_is_not_found(client, version):
    assert client.get(f"/methodology?version={version}").status_code == 404
