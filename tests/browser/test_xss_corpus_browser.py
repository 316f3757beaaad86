"""Every text field of every record type carries hostile text (`tests.xss_payloads`),
stored through the records' services, then every page type that shows it is opened in
Chromium, the map's tooltips and popups too: nothing may run, nothing may become markup.

A payload counts as run when it calls `window.__xss`, opens a dialog, or makes the
Content-Security-Policy block a script; as markup when an element it carries
(`data-xss`) or a `javascript:` address reaches the page.
"""

from __future__ import annotations

import threading
import time
from functools import partial
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.support import BOUARFA, FIGUIG
from tests.xss_payloads import BIDI, PAYLOADS, fit, stored

PROVINCE, REGION = "02.251", "02"
ADMIN, PASSWORD = "xss.admin@example.org", "a long enough admin password"

WATCH = """
window.__xssCalls = [];
window.__xss = (n) => window.__xssCalls.push(n);
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
    window.__violations.push([e.effectiveDirective, String(e.sample || e.blockedURI)]));
"""

# What a page holds that it should not: calls, CSP refusals, injected elements, links.
FOUND = """() => {
    const risky = [...document.querySelectorAll('[href], [action], [src], [formaction]')]
        .filter((e) => ['href', 'action', 'src', 'formaction', 'xlink:href']
            .some((a) => /^\\s*javascript:/i.test(e.getAttribute(a) || '')));
    return {calls: window.__xssCalls, violations: window.__violations,
            marks: document.querySelectorAll('[data-xss]').length, links: risky.length,
            text: document.body.innerText};
}"""

# Opens every tooltip and popup of the map in turn and reads what they hold.
OPEN_ALL = """() => {
    const map = window[document.querySelector('.folium-map').id];
    const seen = [];
    map.eachLayer((l) => {
        for (const [get, open] of [['getTooltip', 'openTooltip'], ['getPopup', 'openPopup']]) {
            if (!(l[get] && l[get]())) { continue; }
            if (l.getLatLng) { l[open](); } else { l[open](l.getBounds().getCenter()); }
            const box = l[get]().getElement();
            if (box) { seen.push([box.textContent, box.querySelectorAll('[data-xss], img, svg, script, iframe').length]); }
        }
    });
    return seen;
}"""


def store_corpus(app) -> dict:
    """Every payload in every text field: a validated measure of Figuig per payload (with
    a partner named by it, returned once with it as the comment, marked as a good
    practice with it as the note), a validated programme per payload, a submitted
    measure of Bouarfa per payload for the review queue, and validated assessments whose
    answers carry one payload each. Returns the ids and the counts."""
    from sqlalchemy import select

    from tracker.accounts import create_user
    from tracker.assessment import service as assessments
    from tracker.assessment.indicators import latest_indicator_set
    from tracker.extensions import db
    from tracker.good_practices import marks
    from tracker.models import User
    from tracker.records import service

    refused: dict[str, int] = {}
    made = {"measure": [], "programme": [], "assessment": [], "queued": []}
    with app.app_context():
        create_user(ADMIN, PASSWORD, "admin")
        db.session.commit()
    for n, payload in enumerate(PAYLOADS, start=1):
        with app.app_context():
            admin = db.session.scalar(select(User).where(User.email == ADMIN))
            partner = stored(
                partial(service.save_organisation, admin),
                {
                    "name_fr": fit(payload, 200),
                    "name_ar": fit(payload, 200),
                    "kind": "association",
                    "website": "https://example.org/" + fit(payload, 280),
                },
                refused,
            ).id
            programme = stored(
                partial(service.save_programme, admin),
                {
                    "territory_code": FIGUIG,
                    "kind": "PAC",
                    "title": fit(payload, 300),
                    "reference": fit(payload, 300),
                    "first_year": "2023",
                    "last_year": "2028",
                    "integration": "dedicated",
                },
                refused,
            )
            measure = stored(
                partial(service.save_measure, admin),
                {
                    "territory_code": FIGUIG,
                    "programme_id": programme.id,
                    "reference": fit(payload, 64),
                    "title": fit(payload, 300),
                    "description": payload,
                    "overspend_reason": payload,
                    "evidence": payload,
                    "kind": "reception",
                    "status": "ongoing",
                    "sectors": ["health"],
                    "partners": [partner],
                    "budget_planned": "100",
                    "budget_spent": "200",
                    "latitude": f"{32.02 + n // 10 * 0.025:.3f}",
                    "longitude": f"{-1.28 + n % 10 * 0.015:.3f}",
                },
                refused,
            )
            queued = stored(
                partial(service.save_measure, admin),
                {"territory_code": BOUARFA, "title": fit(payload, 300), "kind": "service"}
                | {"status": "planned", "description": payload},
                refused,
            )
            for record, entity in ((programme, "programme"), (measure, "measure")):
                service.transition(admin, entity, record, "submit")
                stored(
                    lambda raw, r=record, e=entity, a=admin: service.transition(
                        a, e, r, "return", comment=raw["comment"]
                    ),
                    {"comment": payload},
                    refused,
                )
                service.transition(admin, entity, record, "submit")
                service.transition(admin, entity, record, "validate")
            service.transition(admin, "measure", queued, "submit")
            stored(
                lambda raw, a=admin, m=measure: marks.mark(a, m, raw["note"]),
                {"note": fit(payload, 1000)},
                refused,
            )
            db.session.commit()
            made["measure"].append(measure.id)
            made["programme"].append(programme.id)
            made["queued"].append(queued.id)
    questions = [q.key for q in latest_indicator_set().questions]
    places = [(FIGUIG, 2025), (BOUARFA, 2025), (PROVINCE, 2025), (REGION, 2025), (FIGUIG, 2024)]
    for start, (code, year) in zip(range(0, len(PAYLOADS), len(questions)), places, strict=False):
        chunk = PAYLOADS[start : start + len(questions)]
        answers = {
            key: {
                "points": "2",
                "evidence_text": fit(p, 2000),
                "evidence_reference": fit(p, 300),
                "evidence_url": "https://example.org/" + fit(p, 480),
            }
            for key, p in zip(questions, chunk, strict=False)
        }
        answers |= {key: {"points": "0"} for key in questions[len(chunk) :]}
        with app.app_context():
            admin = db.session.scalar(select(User).where(User.email == ADMIN))
            saved = stored(
                partial(assessments.save_assessment, admin),
                {"territory_code": code, "year": year, "answers": answers},
                refused,
            )
            service.transition(admin, "assessment", saved, "submit")
            stored(
                lambda raw, r=saved, a=admin: service.transition(
                    a, "assessment", r, "return", comment=raw["comment"]
                ),
                {"comment": chunk[0]},
                refused,
            )
            service.transition(admin, "assessment", saved, "submit")
            service.transition(admin, "assessment", saved, "validate")
            db.session.commit()
            made["assessment"].append(saved.id)
    made["refused"] = refused
    return made


# The text fields the corpus goes through, by record type.
FIELDS = {
    "measure": ["reference", "title", "description", "overspend_reason", "evidence"]
    + ["review comment", "good practice note"],
    "organisation": ["name_fr", "name_ar", "website"],
    "programme": ["title", "reference", "review comment"],
    "assessment": ["evidence_text", "evidence_reference", "evidence_url", "review comment"],
}


def _pages(made: dict) -> tuple[list[str], list[str]]:
    """The addresses to open signed out, then signed in."""
    public = [
        f"/territories/{FIGUIG}?lang=fr",
        f"/territories/{FIGUIG}?lang=fr&page=2",
        f"/territories/{BOUARFA}?lang=ar",
        f"/territories/{PROVINCE}?lang=fr",
        f"/territories/{PROVINCE}?lang=ar&page=2",
        f"/territories/{REGION}?lang=en",
        f"/territories/{FIGUIG}/profile?lang=fr",
        f"/compare?level=commune&codes={FIGUIG}&codes={BOUARFA}&lang=fr",
        *(f"/good-practices?lang=fr&page={n}" for n in range(1, 5)),
        *(f"/measures/{i}?lang=fr" for i in made["measure"]),
        *(f"/programmes/{i}?lang=ar" for i in made["programme"][::2]),
    ]
    signed_in = [
        "/work?lang=fr",
        "/review?lang=fr",
        "/work/organisations?lang=fr",
        *(f"/work/measure/{i}?lang=fr" for i in made["measure"]),
        *(f"/work/measure/{i}/edit?lang=ar" for i in made["measure"][::3]),
        *(f"/work/programme/{i}?lang=en" for i in made["programme"][1::2]),
        *(f"/work/programme/{i}/edit?lang=fr" for i in made["programme"][1::6]),
        *(f"/work/assessment/{i}?lang=fr" for i in made["assessment"]),
        *(f"/work/assessment/{i}/edit?lang=fr" for i in made["assessment"]),
        *(f"/work/measure/{i}?lang=fr" for i in made["queued"][:5]),
    ]
    return public, signed_in


@pytest.fixture
def corpus_server(app):
    """A live server on the test's app (the stand-in geography) holding the corpus."""
    made = store_corpus(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", made
    server.shutdown()


@pytest.fixture
def hostile_page(browser, corpus_server):
    """A page that records every call, dialog, CSP refusal and request off the server."""
    server, _ = corpus_server
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(WATCH)
    page = context.new_page()
    page.found = {"dialogs": [], "refused": [], "csp console": []}
    host = urlsplit(server).netloc

    def guard(route):
        if urlsplit(route.request.url).netloc != host:
            page.found["refused"].append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    page.on("dialog", lambda d: (page.found["dialogs"].append(d.message), d.dismiss()))
    page.on(
        "console",
        lambda m: (
            page.found["csp console"].append(m.text)
            if "Content Security Policy" in m.text
            else None
        ),
    )
    yield page
    context.close()


def _visit(page, url: str, tally: dict) -> str:
    page.goto(url, wait_until="load")
    found = page.evaluate(FOUND)
    for key in ("calls", "violations"):
        tally[key] += [(url, item) for item in found[key]]
    for key in ("marks", "links"):
        if found[key]:
            tally[key].append((url, found[key]))
    tally["loads"] += 1
    return found["text"]


def test_no_payload_runs_on_any_page(hostile_page, corpus_server):
    started = time.perf_counter()
    server, made = corpus_server
    page = hostile_page
    tally = {"calls": [], "violations": [], "marks": [], "links": [], "loads": 0}
    public, signed_in = _pages(made)
    texts = {url: _visit(page, server + url, tally) for url in public}

    _visit(page, f"{server}/map?lang=fr&level=commune", tally)
    page.wait_for_selector(".folium-map[data-loaded-commune]", timeout=15_000)
    boxes = page.evaluate(OPEN_ALL)
    markers = page.locator("path.leaflet-interactive[fill='#d7301f']")
    markers.last.hover()
    markers.last.click()
    page.wait_for_selector(".leaflet-popup-content")
    boxes += [(page.locator(".leaflet-popup-content").inner_text(), 0)]
    tally["calls"] += [("/map", n) for n in page.evaluate("window.__xssCalls")]
    tally["violations"] += [("/map", v) for v in page.evaluate("window.__violations")]
    assert sum(1 for _, elements in boxes if elements) == 0, boxes
    shown = " ".join(text for text, _ in boxes)

    page.goto(f"{server}/login?lang=fr")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/work")
    texts |= {url: _visit(page, server + url, tally) for url in signed_in}

    fields = sum(len(names) for names in FIELDS.values())
    print(
        f"\nXSS corpus: {len(PAYLOADS)} payloads x {fields} fields, {tally['loads']} page loads "
        f"and {len(boxes)} map tooltips/popups opened; run: {len(tally['calls'])}, "
        f"dialogs: {len(page.found['dialogs'])}, blocked by CSP: {len(tally['violations'])}, "
        f"markup: {len(tally['marks'])}, javascript: links: {len(tally['links'])}; refused at "
        f"entry: {made['refused']} ({time.perf_counter() - started:.1f} s in the browser)"
    )
    assert tally["calls"] == [] and page.found["dialogs"] == []
    assert tally["violations"] == [] and page.found["csp console"] == []
    assert tally["marks"] == [] and tally["links"] == []
    assert page.found["refused"] == []
    # The payloads were shown, as text: each measure's title on its page and on the map.
    flat = {url: " ".join(text.split()) for url, text in texts.items()}
    for n, measure_id in enumerate(made["measure"]):
        title = " ".join(BIDI.sub("", fit(PAYLOADS[n], 300)).split())
        assert title in flat[f"/measures/{measure_id}?lang=fr"], title
        assert title in " ".join(shown.split()), title
