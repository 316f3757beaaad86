"""Formulas typed in every text field (`tests.xss_payloads.FORMULAS`: OWASP's CSV
injection) come out of every CSV and XLSX export as text a spreadsheet does not run."""

from __future__ import annotations

import re
from functools import partial
from urllib.parse import urlsplit

from tests.support import FIGUIG
from tests.xss_payloads import FORMULAS, fit, stored

ADMIN, PASSWORD = "formulas.admin@example.org", "a long enough admin password"


def _formula_cells(path: str, body: bytes) -> list[str]:
    """The cells of an export that a spreadsheet would evaluate."""
    import csv
    import io

    from openpyxl import load_workbook

    starts = ("=", "+", "-", "@", "\t", "\r")
    if urlsplit(path).path.endswith(".csv"):
        rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
        cells = [cell for row in rows for cell in row]
        return [c for c in cells if c.startswith(starts) and not re.fullmatch(r"[+-]?[\d.]+", c)]
    workbook = load_workbook(io.BytesIO(body))
    return [
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_no_export_cell_is_a_formula(app, client):
    """Formulas typed in every text field come out of every CSV and XLSX export as text."""

    def formula(n: int, limit: int = 300) -> str:
        return fit(FORMULAS[n % len(FORMULAS)], limit)

    with app.app_context():
        from tracker.accounts import create_user
        from tracker.assessment import service as assessments
        from tracker.extensions import db
        from tracker.records import service

        admin = create_user(ADMIN, PASSWORD, "admin")
        refused: dict[str, int] = {}
        for n in range(len(FORMULAS)):
            partner = service.save_organisation(
                admin,
                {"name_fr": formula(n, 200), "name_ar": formula(n + 1, 200)}
                | {"kind": "association"},
            )
            programme = stored(
                partial(service.save_programme, admin),
                {"territory_code": FIGUIG, "kind": "PAC", "title": formula(n)}
                | {"reference": formula(n + 1), "first_year": "2023", "last_year": "2028"}
                | {"integration": "dedicated"},
                refused,
            )
            measure = stored(
                partial(service.save_measure, admin),
                {"territory_code": FIGUIG, "title": formula(n), "kind": "service"}
                | {"status": "ongoing", "reference": formula(n + 2, 64)}
                | {"description": formula(n + 3), "evidence": formula(n + 4)}
                | {"partners": [partner.id], "programme_id": programme.id},
                refused,
            )
            for entity, record in (("programme", programme), ("measure", measure)):
                service.transition(admin, entity, record, "submit")
                service.transition(admin, entity, record, "validate")
        answer = {"points": "2", "evidence_text": formula(5), "evidence_reference": formula(6)}
        saved = assessments.save_assessment(
            admin, {"territory_code": FIGUIG, "year": 2025, "answers": {"Q1": answer}}
        )
        saved.review_state = "validated"
        db.session.commit()
        # Control characters (a leading tab or return) are refused in one-line fields.
        assert set(refused) <= {"title", "reference"}, refused
    found = {}
    for kind in ("measures", "programmes", "assessments"):
        for fmt in ("csv", "xlsx"):
            path = f"/export/{kind}.{fmt}?lang=fr"
            response = client.get(path)
            assert response.status_code == 200, path
            assert not response.data.startswith(b"{"), (path, response.data[:200])
            found[path] = _formula_cells(path, response.data)
            if fmt == "csv" and kind != "assessments":  # the formulas are there, as text
                assert "'=cmd|' /C calc'!A0" in response.data.decode("utf-8-sig"), path
    print(f"\nFormulas: {len(FORMULAS)} in 8 fields, {len(found)} exports, found: {found}")
    assert all(cells == [] for cells in found.values()), found
