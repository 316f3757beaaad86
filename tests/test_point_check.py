"""A measure's point is checked against its collectivity's boundary, in the form and the import
alike: inside or up to 2 km outside it is saved; further out it is refused with a message in the
user's language naming the collectivity and the distance, and nothing is written. Without a
boundary to measure against, nothing is refused. The form's small map reads one territory's
boundary from the app."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pyproj
import pytest
from sqlalchemy import func, select

import geo.cache
from tests.support import FIGUIG, TANGER, csrf_token
from tracker.accounts import find_user
from tracker.extensions import db
from tracker.imports import import_measures
from tracker.models import AuditEntry, Measure

GEOD = pyproj.Geod(ellps="WGS84")
OFFICER = "figuig@example.org"

# The stand-in Figuig is the square from -1.3 to -1.1 E, 32.0 to 32.2 N: points due east of
# the middle of its eastern edge.
INSIDE = (32.1, -1.2)


def east_of_figuig(metres: float) -> tuple[str, str]:
    """(latitude, longitude) as typed, `metres` outside Figuig's eastern edge."""
    lon, lat, _back = GEOD.fwd(-1.1, 32.1, 90, metres)
    return f"{lat:.6f}", f"{lon:.6f}"


ONE_KM_OUT = east_of_figuig(1000)
FOURTEEN_KM_OUT = east_of_figuig(14000)

MEASURE = {
    "title": "Cellule d'accueil et d'orientation des migrants",
    "kind": "reception",
    "status": "ongoing",
}

REFUSED = {
    "fr": "Le point se trouve à 14 km en dehors de la collectivité Figuig\u00a0; vérifiez la "
    "latitude et la longitude (un point jusqu'à 2 km au-delà de ses limites est accepté).",
    "ar": "تقع النقطة على بعد 14 كلم خارج حدود فجيج؛ تحقق من خط العرض وخط الطول (تُقبل "
    "النقطة إذا لم تبعد عن الحدود بأكثر من 2 كلم).",
    "en": "The point lies 14 km outside Figuig; check the latitude and the longitude (a "
    "point up to 2 km outside the boundary is accepted).",
}


@pytest.fixture
def fake_geography(fake_geography):
    """The stand-in boundary cache with its unsimplified layers, the shapes the check reads."""
    for level in geo.LEVELS:
        layer = geo.cache.load_layer(fake_geography, level)
        path = geo.cache.layer_path(fake_geography, level, full=True)
        path.parent.mkdir(exist_ok=True)
        layer.to_file(path, driver="GPKG", layer=level, engine="pyogrio")
    return fake_geography


@pytest.fixture
def officer(accounts):
    accounts.create(OFFICER, "officer", [FIGUIG, TANGER])
    accounts.login(OFFICER)
    return accounts


def post_measure(client, point: tuple[str, str], lang: str = "fr", code: str = FIGUIG):
    url = f"/work/{code}/measure/new?lang={lang}"
    token = csrf_token(client, url)
    latitude, longitude = point
    data = {**MEASURE, "latitude": latitude, "longitude": longitude, "csrf_token": token}
    return client.post(url, data=data)


def written(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Measure)),
            db.session.scalar(select(func.count()).select_from(AuditEntry)),
        )


def error_of(page: str) -> list[str]:
    return [
        re.sub(r"[ \t\n]+", " ", message).strip()
        for message in re.findall(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    ]


# ---- the form -----------------------------------------------------------------------------------


@pytest.mark.parametrize("point", [tuple(map(str, INSIDE)), ONE_KM_OUT], ids=["inside", "1 km"])
def test_a_point_inside_or_just_outside_figuig_is_saved(app, client, officer, point):
    response = post_measure(client, point)
    assert response.status_code == 302, error_of(response.get_data(as_text=True))
    with app.app_context():
        measure = db.session.scalars(select(Measure)).one()
        assert (f"{measure.latitude:.6f}", f"{measure.longitude:.6f}") == (
            f"{float(point[0]):.6f}",
            f"{float(point[1]):.6f}",
        )


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_point_14_km_outside_figuig_is_refused_in_the_users_language(app, client, officer, lang):
    before = written(app)
    response = post_measure(client, FOURTEEN_KM_OUT, lang)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_of(page) == [REFUSED[lang].replace("'", "&#39;")]
    # The numbers come back as typed, to be corrected.
    assert f'value="{FOURTEEN_KM_OUT[1]}"' in page
    assert written(app) == before


def test_moving_a_saved_point_14_km_out_is_refused_and_the_point_stays(app, client, officer):
    post_measure(client, tuple(map(str, INSIDE)))
    with app.app_context():
        measure = db.session.scalars(select(Measure)).one()
    edit = f"/work/measure/{measure.id}/edit?lang=fr"
    token = csrf_token(client, edit)
    latitude, longitude = FOURTEEN_KM_OUT
    response = client.post(
        edit,
        data={**MEASURE, "latitude": latitude, "longitude": longitude, "version": 1}
        | {"csrf_token": token},
    )
    assert response.status_code == 400
    assert "14 km en dehors de la collectivité Figuig" in response.get_data(as_text=True)
    with app.app_context():
        kept = db.session.get(Measure, measure.id)
        assert (float(kept.latitude), float(kept.longitude), kept.version) == (*INSIDE, 1)


def test_a_point_a_little_over_2_km_out_says_how_far_to_a_tenth(app, client, officer):
    response = post_measure(client, east_of_figuig(2600), "fr")
    assert response.status_code == 400
    assert "Le point se trouve à 2,6 km en dehors" in response.get_data(as_text=True)


def test_without_the_boundary_cache_a_far_point_is_not_refused(
    app, client, officer, fake_geography
):
    shutil.rmtree(fake_geography / "full")
    response = post_measure(client, FOURTEEN_KM_OUT)
    assert response.status_code == 302


def test_a_collectivity_the_cache_has_no_shape_for_is_not_refused(app, client, officer):
    # Tanger is not in the stand-in cache: a point in Figuig cannot be measured against it.
    response = post_measure(client, tuple(map(str, INSIDE)), code=TANGER)
    assert response.status_code == 302


# ---- the import ---------------------------------------------------------------------------------

HEADINGS = {
    "fr": ["Référence", "Code de la collectivité", "Intitulé", "Type", "Statut"]
    + ["Latitude", "Longitude"],
    "ar": ["المرجع", "رمز الجماعة الترابية", "عنوان التدبير", "نوع التدبير", "وضعية التنفيذ"]
    + ["خط العرض", "خط الطول"],
}


def import_rows(app, points: list[tuple[str, str]], lang: str = "fr"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS[lang])
    for number, (latitude, longitude) in enumerate(points, start=1):
        writer.writerow(
            [f"FIG-{number}", FIGUIG, MEASURE["title"], "reception", "ongoing"]
            + [latitude, longitude]
        )
    data = io.BytesIO(buffer.getvalue().encode("utf-8-sig"))
    with app.test_request_context(f"/?lang={lang}"):
        return import_measures(find_user(OFFICER), "mesures.csv", data)


def test_the_import_saves_points_inside_and_just_outside(app, officer):
    report = import_rows(app, [tuple(map(str, INSIDE)), ONE_KM_OUT])
    assert report.ok, report.lines()
    assert written(app)[0] == 2


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_import_refuses_the_row_14_km_out_and_writes_nothing(app, officer, lang):
    before = written(app)
    report = import_rows(app, [tuple(map(str, INSIDE)), FOURTEEN_KM_OUT], lang)
    assert not report.ok and not report.written
    assert [r.row for r in report.failed] == [3]
    latitude_heading = HEADINGS[lang][5]
    assert report.failed[0].errors == {latitude_heading: REFUSED[lang]}
    assert written(app) == before


# ---- the boundary the form's map draws -----------------------------------------------------------


def test_one_territorys_boundary_is_served_for_the_small_map(client):
    response = client.get(f"/map/boundary/{FIGUIG}.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    document = response.get_json(force=True)
    assert [f["properties"]["code"] for f in document["features"]] == [FIGUIG]
    assert document["features"][0]["properties"]["name_ar"] == "فجيج"
    again = client.get(
        f"/map/boundary/{FIGUIG}.geojson", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("code", ["99.999", TANGER])
def test_a_territory_unknown_or_without_a_shape_has_no_boundary(client, code):
    response = client.get(f"/map/boundary/{code}.geojson?lang=fr")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == f"Code de territoire inconnu\u00a0: {code}."


def test_no_boundary_while_the_geography_is_not_built(client, fake_geography):
    geo.cache.layer_path(fake_geography, "commune").unlink()
    response = client.get(f"/map/boundary/{FIGUIG}.geojson")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "geography_not_built"


def test_the_form_marks_the_point_fields_and_names_the_map_in_the_page_language(client, officer):
    page = client.get(f"/work/{FIGUIG}/measure/new?lang=fr").get_data(as_text=True)
    assert re.search(r'<input[^>]*data-point-picker="latitude"[^>]*name="latitude"', page)
    assert re.search(r'<input[^>]*data-point-picker="longitude"[^>]*name="longitude"', page)
    script = re.search(
        r'<script src="/static/point-picker\.[0-9a-f]{10}\.js"[^>]*>', page, re.S
    ).group(0)
    assert f'data-boundary="/map/boundary/{FIGUIG}.geojson"' in script
    assert 'data-label="Carte – Figuig"' in script
    assert 'data-clear="Effacer le point"' in script
    assert "Cliquez sur la carte pour placer le point" in script
    assert re.search(r'data-leaflet-js="/assets/leaflet/[^"]+/leaflet\.[0-9a-f]{10}\.js"', script)
    assert "https://" not in script  # the tests' app names no tiles: nothing from outside
