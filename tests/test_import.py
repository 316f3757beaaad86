"""Bulk import of measures from CSV and XLSX: formats, headings, all-or-nothing, permissions,
formula-looking cells, updates by reference, the template and the command line."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from tracker.accounts import find_user
from tracker.extensions import db
from tracker.imports import (
    COLUMNS,
    LANGUAGES,
    MAX_ROWS,
    ImportFileError,
    heading_index,
    import_cli,
    import_measures,
    normalise,
    read_rows,
    write_template,
)
from tracker.models import AuditEntry, Measure, Organisation

ROOT = Path(__file__).resolve().parents[1]
FIGUIG = "02.251.01.03"
BOUARFA = "02.251.01.01"
OFFICER = "officer@figuig.ma"
ADMIN = "admin@tracker.ma"

BASE = {
    "reference": "FIG-01",
    "territory_code": FIGUIG,
    "title": "خلية استقبال وتوجيه المهاجرين",
    "description": "Accueil et orientation des migrants au siège de la commune.",
    "kind": "reception",
    "sectors": "health|social_humanitarian",
    "target_groups": "refugees|asylum_seekers",
    "status": "ongoing",
    "start_date": "2025-01-15",
    "end_date": "2026-12-31",
    "budget_planned": "250000",
    "budget_spent": "120000.50",
    "funding_sources": "own_budget|international",
    "beneficiaries_total": "320",
    "beneficiaries_women": "140",
    "beneficiaries_men": "150",
    "beneficiaries_minors": "45",
    "progress": "50",
    "evidence": "https://figuig.ma/pv-2025-01.pdf",
}


# The headings of the templates made so far, written out: a file filled in from any of them
# is read as before. The catalogues give them (context "import").
HEADINGS_BEFORE = {
    "reference": {"en": "Reference", "fr": "Référence", "ar": "المرجع"},
    "territory_code": {
        "en": "Collectivity code",
        "fr": "Code de la collectivité",
        "ar": "رمز الجماعة الترابية",
    },
    "programme_id": {"en": "Programme number", "fr": "Numéro du programme", "ar": "رقم البرنامج"},
    "title": {"en": "Title", "fr": "Intitulé", "ar": "عنوان التدبير"},
    "description": {"en": "Description", "fr": "Description", "ar": "وصف التدبير"},
    "kind": {"en": "Kind", "fr": "Type", "ar": "نوع التدبير"},
    "sectors": {"en": "Sectors", "fr": "Secteurs", "ar": "القطاعات"},
    "target_groups": {"en": "Target groups", "fr": "Groupes cibles", "ar": "الفئات المستهدفة"},
    "status": {"en": "Status", "fr": "Statut", "ar": "وضعية التنفيذ"},
    "start_date": {"en": "Start date", "fr": "Date de début", "ar": "تاريخ الانطلاق"},
    "end_date": {"en": "End date", "fr": "Date de fin", "ar": "تاريخ الانتهاء"},
    "budget_planned": {
        "en": "Planned budget (MAD)",
        "fr": "Budget prévu (MAD)",
        "ar": "الميزانية المرصودة (درهم)",
    },
    "budget_spent": {
        "en": "Budget spent (MAD)",
        "fr": "Budget dépensé (MAD)",
        "ar": "المبالغ المصروفة (درهم)",
    },
    "overspend_reason": {
        "en": "Reason for overspending",
        "fr": "Motif du dépassement",
        "ar": "سبب تجاوز الميزانية",
    },
    "funding_sources": {
        "en": "Funding sources",
        "fr": "Sources de financement",
        "ar": "مصادر التمويل",
    },
    "beneficiaries_total": {
        "en": "Beneficiaries (total)",
        "fr": "Bénéficiaires (total)",
        "ar": "عدد المستفيدين (المجموع)",
    },
    "beneficiaries_women": {
        "en": "Beneficiaries (women)",
        "fr": "Bénéficiaires (femmes)",
        "ar": "عدد المستفيدين (النساء)",
    },
    "beneficiaries_men": {
        "en": "Beneficiaries (men)",
        "fr": "Bénéficiaires (hommes)",
        "ar": "عدد المستفيدين (الرجال)",
    },
    "beneficiaries_minors": {
        "en": "Beneficiaries (minors)",
        "fr": "Bénéficiaires (mineurs)",
        "ar": "عدد المستفيدين (القاصرون)",
    },
    "progress": {"en": "Progress (%)", "fr": "Avancement (%)", "ar": "نسبة الإنجاز (%)"},
    "evidence": {
        "en": "Evidence (link or note)",
        "fr": "Justificatif (lien ou note)",
        "ar": "وثيقة الإثبات (رابط أو ملاحظة)",
    },
    "latitude": {"en": "Latitude", "fr": "Latitude", "ar": "خط العرض"},
    "longitude": {"en": "Longitude", "fr": "Longitude", "ar": "خط الطول"},
    "partners": {"en": "Partners", "fr": "Partenaires", "ar": "الشركاء"},
    # The column that confirms a row's warnings (dates outside its programme, a duplicate).
    "confirm": {"en": "Confirmed", "fr": "Confirmé", "ar": "مؤكَّد"},
}


# ---- helpers --------------------------------------------------------------------------------


@pytest.fixture
def officer(accounts):
    accounts.create(OFFICER, "officer", [FIGUIG])
    return OFFICER


@pytest.fixture
def admin(accounts):
    accounts.create(ADMIN, "admin")
    return ADMIN


def table(records: list[dict], lang: str = "en", keys: list[str] | None = None) -> list[list]:
    """A heading row in `lang` and one row per record."""
    keys = keys or list(dict.fromkeys(k for record in records for k in record))
    return [[HEADINGS_BEFORE[k][lang] for k in keys]] + [
        [record.get(k, "") for k in keys] for record in records
    ]


def csv_bytes(rows: list[list], delimiter: str = ",", bom: bool = True) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(app, email, filename, data, dry_run=False, lang="fr"):
    with app.test_request_context(f"/?lang={lang}"):
        return import_measures(find_user(email), filename, io.BytesIO(data), dry_run=dry_run)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def measure_by_reference(reference: str) -> Measure:
    return db.session.scalars(select(Measure).where(Measure.reference == reference)).one()


def add_organisation(app, name: str) -> int:
    with app.app_context():
        organisation = Organisation(name=name, kind="association", country="MA")
        db.session.add(organisation)
        db.session.commit()
        return organisation.id


# ---- formats and headings ----------------------------------------------------------------------


def test_csv_with_bom_and_commas_english_headings(app, officer):
    data = csv_bytes(table([BASE], "en"))
    assert data.startswith(codecs.BOM_UTF8)
    report = run_import(app, officer, "measures.csv", data)
    assert report.ok and report.written
    assert [(r.row, r.action) for r in report.rows] == [(2, "created")]
    with app.app_context():
        measure = measure_by_reference("FIG-01")
        assert measure.territory_code == FIGUIG
        assert measure.title == BASE["title"]
        assert measure.kind == "reception" and measure.status == "ongoing"
        assert [s.key for s in measure.sectors] == ["health", "social_humanitarian"]
        assert measure.target_groups == ["refugees", "asylum_seekers"]
        assert measure.funding_sources == ["own_budget", "international"]
        assert measure.start_date == date(2025, 1, 15) and measure.end_date == date(2026, 12, 31)
        assert measure.budget_planned == Decimal("250000.00")
        assert measure.budget_spent == Decimal("120000.50")
        assert (
            measure.beneficiaries_total,
            measure.beneficiaries_women,
            measure.beneficiaries_men,
            measure.beneficiaries_minors,
        ) == (320, 140, 150, 45)
        assert measure.progress == 50
        assert measure.review_state == "draft"
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == measure.id)
        ).one()
        assert entry.action == "create" and entry.user.email == OFFICER


def test_csv_with_semicolons_no_bom_french_headings(app, officer):
    record = {
        **BASE,
        "description": "Accueil; orientation, accompagnement",
        "budget_planned": "250 000,50",  # French decimal comma, space between thousands
        "budget_spent": "",
        "start_date": "15/01/2025",  # day first, as written in Morocco
        "sectors": "Santé|housing",  # a label in French, a key
    }
    data = csv_bytes(table([record], "fr"), delimiter=";", bom=False)
    assert not data.startswith(codecs.BOM_UTF8)
    assert data.splitlines()[0].count(b";") == len(record) - 1
    report = run_import(app, officer, "mesures.CSV", data)
    assert report.ok, report.lines()
    with app.app_context():
        measure = measure_by_reference("FIG-01")
        assert measure.description == "Accueil; orientation, accompagnement"
        assert measure.budget_planned == Decimal("250000.50")
        assert measure.budget_spent is None
        assert measure.start_date == date(2025, 1, 15)
        assert [s.key for s in measure.sectors] == ["health", "housing"]


def test_xlsx_with_arabic_headings_and_typed_cells(app, officer):
    record = {
        **BASE,
        "start_date": date(2025, 1, 15),
        "end_date": date(2026, 12, 31),
        "budget_planned": 250000,
        "budget_spent": 120000.5,
        "beneficiaries_total": 320,
        "beneficiaries_women": 140,
        "beneficiaries_men": 150,
        "beneficiaries_minors": 45,
        "progress": 50,
        "latitude": 32.1167,
        "longitude": -1.2269,
    }
    rows = table([record], "ar")
    assert "عنوان التدبير" in rows[0]
    report = run_import(app, officer, "التدابير.xlsx", xlsx_bytes(rows), lang="ar")
    assert report.ok, report.lines()
    with app.app_context():
        measure = measure_by_reference("FIG-01")
        assert measure.start_date == date(2025, 1, 15)
        assert measure.budget_planned == Decimal("250000.00")
        assert measure.budget_spent == Decimal("120000.50")
        assert measure.beneficiaries_total == 320 and measure.progress == 50
        assert float(measure.latitude) == pytest.approx(32.1167)
        assert float(measure.longitude) == pytest.approx(-1.2269)


def test_headings_of_every_template_so_far_or_the_key_are_recognised(app):
    with app.app_context():
        index = heading_index()
    # The columns, in the order of every template so far.
    assert [column.key for column in COLUMNS] == list(HEADINGS_BEFORE)
    for key, headings in HEADINGS_BEFORE.items():
        for heading in (key, *headings.values()):
            assert index[normalise(heading)] == key
            assert index[normalise(f"  {heading.upper()}  ")] == key
    assert index[normalise("date de debut")] == "start_date"  # accents left out
    assert index[normalise("\u200fتاريخ الانطلاق\u200f")] == "start_date"  # direction marks
    assert index[normalise("Bénéficiaires : total")] == "beneficiaries_total"


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_catalogues_give_the_headings_of_the_templates_so_far(app, lang):
    with app.app_context():
        assert [c.heading(lang) for c in COLUMNS] == [HEADINGS_BEFORE[c.key][lang] for c in COLUMNS]


# The French word is the English one.
SAME_IN_FRENCH = {"Description", "Latitude", "Longitude"}


def _import_texts() -> set[str]:
    """Every text the code asks for in the message context "import"."""
    from babel.messages.extract import extract_from_dir

    keywords = {"pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
    return {
        message
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / "tracker"), [("**.py", "python")], keywords=keywords
        )
        if context == "import"
    }


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_import_text_is_translated_in_the_catalogue(app, lang):
    with open(ROOT / "tracker" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f)
    texts = _import_texts()
    with app.app_context():
        headings_and_notes = {c.heading("en") for c in COLUMNS} | {c.note("en") for c in COLUMNS}
    assert headings_and_notes <= texts
    assert {"Measures", "Lists", "Columns", "What to enter", "yes"} <= texts
    for text in texts:
        message = catalogue.get(text, context="import")
        assert message is not None and message.string and not message.fuzzy, text
        if not (lang == "fr" and text in SAME_IN_FRENCH):
            assert message.string != text, text


def test_no_two_columns_share_a_heading(app):
    seen: dict[str, str] = {}
    with app.app_context():
        for column in COLUMNS:
            for heading in (column.key, *(column.heading(lang) for lang in LANGUAGES)):
                assert seen.setdefault(normalise(heading), column.key) == column.key, heading


def test_headings_can_be_mixed_and_in_any_order(app, officer):
    rows = [
        ["وضعية التنفيذ", " TYPE ", "Title", "code de la collectivite"],
        ["ongoing", "service", "Permanence juridique", FIGUIG],
    ]
    report = run_import(app, officer, "m.csv", csv_bytes(rows))
    assert report.ok, report.lines()
    with app.app_context():
        measure = db.session.scalars(select(Measure)).one()
        assert (measure.title, measure.kind, measure.status) == (
            "Permanence juridique",
            "service",
            "ongoing",
        )


TEXTS = {
    "title": "مركز Figuig للاستقبال – 2025 (المرحلة 2)",
    "description": "Première ligne : accueil « Al Amal » à l'entrée.\n"
    "السطر الثاني: الاستقبال والتوجيه، 3 أيام/أسبوع (Lundi–Mercredi).",
    "evidence": "\u200fمحضر رقم 12/2025 — PV n° 12/2025 du 01/03/2025",
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_arabic_french_and_mixed_text_come_back_exactly(app, officer, fmt, lang):
    rows = table([{**BASE, **TEXTS}], lang)
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    report = run_import(app, officer, f"m.{fmt}", data, lang=lang)
    assert report.ok, report.lines()
    with app.app_context():
        measure = measure_by_reference("FIG-01")
        assert (measure.title, measure.description, measure.evidence) == (
            TEXTS["title"],
            TEXTS["description"],
            TEXTS["evidence"],
        )


def test_values_by_key_or_label_in_any_language(app, officer):
    record = {
        **BASE,
        "kind": "Legal clinic",
        "status": "ONGOING",
        "sectors": "الصحة | Logement|employment",
        "target_groups": "Refugees",
    }
    report = run_import(app, officer, "m.csv", csv_bytes(table([record])))
    assert report.ok, report.lines()
    with app.app_context():
        measure = measure_by_reference("FIG-01")
        assert (measure.kind, measure.status) == ("legal_clinic", "ongoing")
        assert [s.key for s in measure.sectors] == ["health", "housing", "employment"]
        assert measure.target_groups == ["refugees"]


def test_partners_are_matched_by_name_ignoring_case(app, officer):
    first = add_organisation(app, "Association Oujda Ain Ghazal 2000")
    second = add_organisation(app, "Caritas Maroc")
    record = {**BASE, "partners": "association oujda ain ghazal 2000 | CARITAS MAROC"}
    report = run_import(app, officer, "m.csv", csv_bytes(table([record])))
    assert report.ok, report.lines()
    with app.app_context():
        assert sorted(o.id for o in measure_by_reference("FIG-01").partners) == sorted(
            [first, second]
        )


def test_an_unknown_partner_is_a_row_error(app, officer):
    add_organisation(app, "Caritas Maroc")
    record = {**BASE, "partners": "Caritas Maroc|Nobody Known"}
    report = run_import(app, officer, "m.csv", csv_bytes(table([record])))
    assert not report.ok
    assert "Nobody Known" in report.rows[0].errors["Partenaires"]
    assert count(app, Measure) == 0


# ---- creating and updating ----------------------------------------------------------------------


def test_a_second_import_updates_by_reference(app, officer):
    second = {
        **BASE,
        "reference": "FIG-02",
        "title": "Sensibilisation des élus",
        "kind": "awareness",
    }
    run_import(app, officer, "m.csv", csv_bytes(table([BASE, second])))
    with app.app_context():
        first_id = measure_by_reference("FIG-01").id
    changed = {**BASE, "status": "completed", "progress": "100"}
    report = run_import(app, officer, "m.csv", csv_bytes(table([changed, second])))
    assert report.ok and report.written
    assert [(r.row, r.action) for r in report.rows] == [(2, "updated"), (3, "unchanged")]
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Measure)) == 2
        measure = measure_by_reference("FIG-01")
        assert measure.id == first_id
        assert measure.version == 2
        assert (measure.status, measure.progress) == ("completed", 100)
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "measure", AuditEntry.entity_id == first_id)
            .order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == ["create", "update"]
        assert entries[1].changes["status"] == ["ongoing", "completed"]
        assert entries[1].changes["progress"] == [50, 100]
        assert entries[1].user.email == OFFICER
        untouched = measure_by_reference("FIG-02")
        assert untouched.version == 1


def test_a_reference_of_another_collectivity_creates_a_new_measure(app, admin):
    run_import(app, admin, "m.csv", csv_bytes(table([BASE])))
    elsewhere = {**BASE, "territory_code": BOUARFA}
    report = run_import(app, admin, "m.csv", csv_bytes(table([elsewhere])))
    assert [r.action for r in report.rows] == ["created"]
    with app.app_context():
        codes = db.session.scalars(select(Measure.territory_code).order_by(Measure.id)).all()
        assert codes == [FIGUIG, BOUARFA]


def test_a_column_left_out_keeps_its_value_a_blank_cell_empties_it(app, officer):
    organisation = add_organisation(app, "Caritas Maroc")
    run_import(app, officer, "m.csv", csv_bytes(table([{**BASE, "partners": "Caritas Maroc"}])))
    update = {k: BASE[k] for k in ("reference", "territory_code", "title", "kind", "status")}
    update.update({"budget_spent": "150000", "evidence": ""})
    report = run_import(app, officer, "m.csv", csv_bytes(table([update])))
    assert [r.action for r in report.rows] == ["updated"], report.lines()
    with app.app_context():
        measure = measure_by_reference("FIG-01")
        assert measure.budget_spent == Decimal("150000.00")
        assert measure.evidence is None
        assert measure.budget_planned == Decimal("250000.00")
        assert [s.key for s in measure.sectors] == ["health", "social_humanitarian"]
        assert [o.id for o in measure.partners] == [organisation]
        assert measure.target_groups == ["refugees", "asylum_seekers"]


def test_the_same_reference_twice_in_one_file_is_refused(app, officer):
    rows = table([BASE, {**BASE, "title": "Doublon"}])
    report = run_import(app, officer, "m.csv", csv_bytes(rows))
    assert not report.ok
    assert report.rows[1].row == 3
    assert "2" in report.rows[1].errors["Référence"]
    assert count(app, Measure) == 0


def test_importing_the_same_point_again_changes_nothing(app, officer):
    record = {**BASE, "latitude": "32.1167", "longitude": "-1.2269"}
    run_import(app, officer, "m.csv", csv_bytes(table([record])))
    report = run_import(app, officer, "m.csv", csv_bytes(table([record])))
    assert [r.action for r in report.rows] == ["unchanged"]


# ---- all rows or none ---------------------------------------------------------------------------


def test_one_bad_row_and_nothing_is_written(app, officer):
    existing = {**BASE, "reference": "FIG-03", "title": "Titre d'origine"}
    run_import(app, officer, "m.csv", csv_bytes(table([existing])))
    audit_before = count(app, AuditEntry)
    bad = {**BASE, "reference": "FIG-02", "status": "finished", "end_date": "2024-01-01"}
    rows = table([BASE, bad, {**existing, "title": "Titre modifié"}], "fr")
    report = run_import(app, officer, "m.csv", csv_bytes(rows))
    assert not report.ok and not report.written
    assert [r.row for r in report.rows] == [2, 3, 4]
    assert report.rows[0].ok and report.rows[2].ok
    assert [r.row for r in report.failed] == [3]
    assert set(report.rows[1].errors) == {"Statut", "Date de fin"}
    assert any("3" in line and "Statut" in line for line in report.lines())
    with app.app_context():
        assert db.session.scalars(select(Measure.reference)).all() == ["FIG-03"]
        kept = measure_by_reference("FIG-03")
        assert (kept.title, kept.version) == ("Titre d'origine", 1)
    assert count(app, AuditEntry) == audit_before


def test_blank_rows_are_skipped_and_keep_their_number(app, officer):
    rows = table([BASE])
    rows.append([""] * len(rows[0]))
    rows.append(table([{**BASE, "reference": "FIG-02", "kind": "nonsense"}])[1])
    report = run_import(app, officer, "m.csv", csv_bytes(rows))
    assert [r.row for r in report.rows] == [2, 4]
    assert "Type" in report.rows[1].errors


def test_blank_xlsx_rows_keep_their_number(app, officer):
    rows = table([BASE, {**BASE, "reference": "FIG-02", "status": "nonsense"}])
    rows.insert(2, [])
    rows.insert(2, [])
    report = run_import(app, officer, "m.xlsx", xlsx_bytes(rows))
    assert [r.row for r in report.rows] == [2, 5]
    assert "Statut" in report.rows[1].errors


def test_dry_run_writes_nothing(app, officer):
    run_import(app, officer, "m.csv", csv_bytes(table([BASE])))
    audit_before = count(app, AuditEntry)
    # The second row is another measure, not the first one recorded twice.
    other = {**BASE, "reference": "FIG-02", "title": "Atelier de formation des élus"}
    rows = table([{**BASE, "status": "completed"}, other])
    report = run_import(app, officer, "m.csv", csv_bytes(rows), dry_run=True)
    assert report.ok and not report.written
    assert (report.created, report.updated) == (1, 1)
    assert all(r.measure_id is None for r in report.rows)
    assert count(app, Measure) == 1
    assert count(app, AuditEntry) == audit_before
    with app.app_context():
        measure = measure_by_reference("FIG-01")
        assert (measure.status, measure.version) == ("ongoing", 1)


# ---- who may import what ------------------------------------------------------------------------


def test_an_officer_cannot_import_for_another_collectivity(app, officer):
    rows = table([BASE, {**BASE, "reference": "BOU-01", "territory_code": BOUARFA}], "fr")
    report = run_import(app, officer, "m.csv", csv_bytes(rows))
    assert not report.ok
    assert report.rows[0].ok
    assert list(report.rows[1].errors) == ["Code de la collectivité"]
    assert count(app, Measure) == 0
    assert count(app, AuditEntry) == 0


def test_an_officer_cannot_update_another_collectivitys_measure(app, officer, admin):
    theirs = {**BASE, "reference": "BOU-01", "territory_code": BOUARFA, "title": "Bouarfa"}
    assert run_import(app, admin, "m.csv", csv_bytes(table([theirs]))).written
    report = run_import(app, officer, "m.csv", csv_bytes(table([{**theirs, "title": "Changed"}])))
    assert not report.ok
    with app.app_context():
        measure = measure_by_reference("BOU-01")
        assert (measure.title, measure.version) == ("Bouarfa", 1)


def test_a_coordinator_cannot_import(app, accounts):
    accounts.create("coordinator@oriental.ma", "coordinator", ["02"])
    report = run_import(app, "coordinator@oriental.ma", "m.csv", csv_bytes(table([BASE])))
    assert not report.ok
    assert count(app, Measure) == 0


# ---- cells that look like formulas --------------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://x")', "=1+1", "@SUM(A1)", "+212 5 36 00 00 00", "-x"]


def test_formula_looking_csv_cells_are_stored_as_text(app, officer):
    records = [
        {**BASE, "reference": f"F-{i}", "title": text, "description": text, "evidence": text}
        for i, text in enumerate(FORMULAS)
    ]
    report = run_import(app, officer, "m.csv", csv_bytes(table(records)))
    assert report.ok, report.lines()
    with app.app_context():
        for i, text in enumerate(FORMULAS):
            measure = measure_by_reference(f"F-{i}")
            assert (measure.title, measure.description, measure.evidence) == (text, text, text)


def test_xlsx_formulas_are_read_as_their_text_never_evaluated(app, officer):
    records = [{**BASE, "reference": f"F-{i}", "title": text} for i, text in enumerate(FORMULAS)]
    data = xlsx_bytes(table(records))
    # The file really holds formulas: openpyxl stores a text starting with "=" as one.
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.cell(row=2, column=3).data_type == "f"
    report = run_import(app, officer, "m.xlsx", data)
    assert report.ok, report.lines()
    with app.app_context():
        assert [measure_by_reference(f"F-{i}").title for i in range(len(FORMULAS))] == FORMULAS


def test_a_formula_in_a_number_column_is_refused_not_computed(app, officer):
    report = run_import(app, officer, "m.xlsx", xlsx_bytes(table([{**BASE, "progress": "=25*2"}])))
    assert not report.ok
    assert "Avancement (%)" in report.rows[0].errors
    assert count(app, Measure) == 0


# ---- files that cannot be imported ---------------------------------------------------------------


def _head(*keys):
    return ",".join(HEADINGS_BEFORE[k]["en"] for k in keys)


REQUIRED_HEAD = _head("territory_code", "title", "kind", "status")
ROW = f"{FIGUIG},Titre,service,ongoing"


@pytest.mark.parametrize(
    "filename, data, expected",
    [
        ("measures.txt", b"a,b\n1,2\n", "measures.txt"),
        ("measures.xls", b"\xd0\xcf\x11\xe0", "measures.xls"),
        ("measures", b"a,b\n1,2\n", ".csv or .xlsx"),
        ("m.csv", "Intitulé;Type\nCafé;x\n".encode("latin-1"), "UTF-8"),
        ("m.csv", b"", "empty"),
        ("m.csv", codecs.BOM_UTF8 + b"\r\n", "empty"),
        ("m.xlsx", b"this is not a workbook", "XLSX"),
        ("m.xlsx", b"", "empty"),
        ("m.csv", f"{REQUIRED_HEAD}\n".encode(), "no measures"),
        (
            "m.csv",
            f"{_head('territory_code', 'title', 'kind')}\n{FIGUIG},T,service\n".encode(),
            "Status",
        ),
        ("m.csv", f"{REQUIRED_HEAD},Colour\n{ROW},red\n".encode(), "Colour"),
        ("m.csv", f"{REQUIRED_HEAD},Intitulé\n{ROW},T\n".encode(), "Title, Intitulé"),
        ("m.csv", f"{REQUIRED_HEAD}\n{ROW},extra\n".encode(), "Row 2"),
        ("m.csv", f"{REQUIRED_HEAD},\n{ROW},\n\n{ROW},oops\n".encode(), "Row 4"),
        ("m.csv", f"\n{REQUIRED_HEAD}\n{ROW}\n".encode(), "Row 1"),
        ("m.csv", f"{REQUIRED_HEAD}\n".encode() + b"a,b\x00\n", "could not be read"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(app, filename, data, expected):
    with app.test_request_context("/?lang=en"), pytest.raises(ImportFileError) as raised:
        read_rows(filename, io.BytesIO(data))
    assert expected in str(raised.value)


def test_at_most_5000_rows(app):
    head = REQUIRED_HEAD + "\n"
    with app.test_request_context("/?lang=en"):
        rows = read_rows("m.csv", io.BytesIO((head + (ROW + "\n") * MAX_ROWS + "\n\n").encode()))
        assert len(rows) == MAX_ROWS == 5000
        with pytest.raises(ImportFileError, match="5000"):
            read_rows("m.csv", io.BytesIO((head + (ROW + "\n") * (MAX_ROWS + 1)).encode()))


def test_read_rows_gives_the_file_columns_as_text(app):
    data = xlsx_bytes(
        [
            ["Title", "Kind", "Status", "Code de la collectivité", "Progress (%)", "Start date"],
            ["T", "service", "ongoing", FIGUIG, 50.0, date(2025, 3, 1)],
        ]
    )
    with app.test_request_context("/?lang=en"):
        rows = read_rows("m.xlsx", io.BytesIO(data))
    assert rows == [
        {
            "title": "T",
            "kind": "service",
            "status": "ongoing",
            "territory_code": FIGUIG,
            "progress": "50",
            "start_date": "2025-03-01",
        }
    ]


def test_import_of_an_unreadable_file_raises_and_writes_nothing(app, officer):
    with pytest.raises(ImportFileError):
        run_import(app, officer, "m.csv", "Intitulé\nx".encode("cp1256"))
    assert count(app, Measure) == 0


# ---- the template ------------------------------------------------------------------------------


def _fill_csv(data: bytes, title: str) -> bytes:
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    rows[1][[c.key for c in COLUMNS].index("title")] = title
    return csv_bytes(rows)


def _fill_xlsx(data: bytes, title: str) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    sheet.cell(row=2, column=[c.key for c in COLUMNS].index("title") + 1).value = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_template_round_trip(app, officer, lang, fmt):
    with app.test_request_context(f"/?lang={lang}"):
        data = write_template(lang, fmt)
        headings = read_rows(f"t.{fmt}", io.BytesIO(data))[0].keys()
    assert list(headings) == [c.key for c in COLUMNS]
    title = {
        "ar": "شباك الإرشاد القانوني",
        "fr": "Guichet d'orientation juridique",
        "en": "Legal orientation desk",
    }[lang]
    filled = _fill_csv(data, title) if fmt == "csv" else _fill_xlsx(data, title)
    report = run_import(app, officer, f"template.{fmt}", filled, lang=lang)
    assert report.ok and report.written, report.lines()
    with app.app_context():
        measure = db.session.scalars(select(Measure)).one()
        assert measure.title == title
        assert (measure.territory_code, measure.kind, measure.status) == (
            FIGUIG,
            "reception",
            "ongoing",
        )
        assert [s.key for s in measure.sectors] == [
            "social_humanitarian",
            "governance_communication",
        ]
        assert measure.start_date == date(2025, 1, 15)
        assert measure.budget_planned == Decimal("250000.00")
        assert measure.beneficiaries_total == 320


def test_csv_template_headings_are_in_the_language(app):
    with app.app_context():
        data = write_template("ar", "csv")
    assert data.startswith(codecs.BOM_UTF8)
    head = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert head == [HEADINGS_BEFORE[c.key]["ar"] for c in COLUMNS]
    assert "رمز الجماعة الترابية" in head


def test_xlsx_template_lists_the_allowed_values(app):
    with app.app_context():
        arabic = openpyxl.load_workbook(io.BytesIO(write_template("ar", "xlsx")))
        french = openpyxl.load_workbook(io.BytesIO(write_template("fr", "xlsx")))
    assert arabic.sheetnames == ["التدابير", "القوائم", "الأعمدة"]
    assert french.sheetnames == ["Mesures", "Listes", "Colonnes"]
    assert arabic["التدابير"].sheet_view.rightToLeft
    assert [c.value for c in french["Mesures"][1]] == [
        HEADINGS_BEFORE[c.key]["fr"] for c in COLUMNS
    ]
    for workbook, sector_name in ((arabic, "التربية والثقافة"), (french, "Éducation et culture")):
        values = {c.value for row in workbook.worksheets[1].iter_rows() for c in row}
        assert {
            "education_culture",
            sector_name,
            "reception",
            "planned",
            "refugees",
            "own_budget",
        } <= values
    columns = {row[1].value: row for row in french["Colonnes"].iter_rows(min_row=2) if row[1].value}
    assert set(columns) == {c.key for c in COLUMNS}
    assert columns["title"][2].value == "oui" and columns["reference"][2].value == "non"


def test_xlsx_template_keeps_formula_looking_names_as_text(app):
    name = '=cmd|"/C calc"!A0'
    add_organisation(app, name)
    with app.app_context():
        workbook = openpyxl.load_workbook(io.BytesIO(write_template("en", "xlsx")))
    cells = [c for row in workbook["Lists"].iter_rows() for c in row if c.value == name]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(
        c.data_type == "f"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for c in row
    )


@pytest.mark.parametrize("lang, fmt", [("de", "csv"), ("fr", "ods")])
def test_template_refuses_unknown_language_or_format(app, lang, fmt):
    with app.app_context(), pytest.raises(ValueError):
        write_template(lang, fmt)


# ---- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli(app):
    if "import" not in app.cli.commands:
        app.cli.add_command(import_cli)
    return app


def test_cli_imports_a_file(cli, runner, officer, tmp_path):
    path = tmp_path / "mesures.xlsx"
    path.write_bytes(xlsx_bytes(table([BASE], "fr")))
    args = ["import", "measures", str(path), "--user", officer, "--lang", "en"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Row 2: created" in result.output
    assert "1 created" in result.output
    with cli.app_context():
        assert measure_by_reference("FIG-01").title == BASE["title"]


def test_cli_reports_bad_rows_and_writes_nothing(cli, runner, officer, tmp_path):
    path = tmp_path / "mesures.csv"
    path.write_bytes(csv_bytes(table([BASE, {**BASE, "reference": "X", "kind": "nonsense"}], "fr")))
    result = runner.invoke(
        args=["import", "measures", str(path), "--user", officer, "--lang", "fr"]
    )
    assert result.exit_code == 1
    assert any("3" in line and "Type" in line for line in result.output.splitlines())
    assert count(cli, Measure) == 0


def test_cli_dry_run(cli, runner, officer, tmp_path):
    path = tmp_path / "mesures.csv"
    path.write_bytes(csv_bytes(table([BASE])))
    result = runner.invoke(args=["import", "measures", str(path), "--user", officer, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert count(cli, Measure) == 0


@pytest.mark.parametrize(
    "content, user",
    [
        (b"", OFFICER),  # empty file
        (None, "nobody@nowhere.ma"),  # unknown account
    ],
)
def test_cli_refuses(cli, runner, officer, tmp_path, content, user):
    path = tmp_path / "mesures.csv"
    path.write_bytes(content if content is not None else csv_bytes(table([BASE])))
    result = runner.invoke(args=["import", "measures", str(path), "--user", user])
    assert result.exit_code == 1
    assert count(cli, Measure) == 0


def test_cli_without_user_imports_as_the_command_line(cli, runner, accounts, tmp_path):
    # Any collectivity, no account needed: whoever runs commands on the server holds the
    # database anyway; the history says the change came from the command line.
    path = tmp_path / "mesures.csv"
    path.write_bytes(
        csv_bytes(table([BASE, {**BASE, "reference": "BOU-01", "territory_code": BOUARFA}]))
    )
    result = runner.invoke(args=["import", "measures", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    with cli.app_context():
        measure_id = measure_by_reference("FIG-01").id
        entries = db.session.scalars(select(AuditEntry)).all()
        assert len(entries) == 2
        assert all(e.user_id is None and e.actor == "command_line" for e in entries)
    accounts.create(ADMIN, "admin")
    accounts.login(ADMIN)
    page = accounts.client.get(f"/work/measure/{measure_id}").get_data(as_text=True)
    assert "Command line" in page.split("<h2>History</h2>")[1]


@pytest.mark.parametrize("amount", ["1000000000000", "999999999999.999"])
def test_a_budget_too_large_for_the_column_is_refused_per_row(app, officer, amount):
    report = run_import(
        app,
        officer,
        "measures.csv",
        csv_bytes(table([{**BASE, "budget_planned": amount}])),
        lang="en",
    )
    assert not report.ok and not report.written
    assert "too large" in " ".join(report.rows[0].errors.values())
    assert count(app, Measure) == 0


@pytest.mark.parametrize(
    "lang, nothing_saved",
    [
        ("en", "Nothing was saved: correct the rows below and upload the file again."),
        ("ar", "لم يُحفظ أي شيء: يرجى تصحيح الأسطر أدناه ثم رفع الملف من جديد."),
    ],
)
def test_web_upload_reports_rows_and_saves_nothing_on_error(
    app, client, accounts, lang, nothing_saved
):
    import io

    from tests.support import csrf_token

    accounts.create("figuig.web@example.org", "officer", ["02.251.01.03"])
    accounts.login("figuig.web@example.org")
    good = "territory_code,title,kind,status\n02.251.01.03,Cours de darija,service,ongoing\n"
    bad = good + "02.251.01.03,,service,ongoing\n"
    token = csrf_token(client, "/work/import")
    response = client.post(
        f"/work/import?lang={lang}",
        data={"file": (io.BytesIO(bad.encode("utf-8-sig")), "mesures.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert nothing_saved in page
    # The wrong row names its column with the heading in the page's language.
    assert f"<strong>{HEADINGS_BEFORE['title'][lang]}</strong>:" in page
    assert count(app, Measure) == 0
    token = csrf_token(client, "/work/import")
    response = client.post(
        "/work/import",
        data={"file": (io.BytesIO(good.encode("utf-8")), "mesures.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert count(app, Measure) == 1


@pytest.mark.parametrize(
    "lang, heading, note",
    [
        ("ar", "عنوان التدبير", "بالعربية أو بالفرنسية، في حدود 300 حرف."),
        ("fr", "Intitulé", "En arabe ou en français, 300 caractères au plus."),
        ("en", "Title", "In Arabic or French, at most 300 characters."),
    ],
)
def test_the_import_page_describes_the_columns_in_its_language(
    client, accounts, lang, heading, note
):
    accounts.create("figuig.page@example.org", "officer", ["02.251.01.03"])
    accounts.login("figuig.page@example.org")
    page = client.get(f"/work/import?lang={lang}").get_data(as_text=True)
    columns = page.split("<section>")[-1]
    assert f"<strong>{heading}</strong> *" in columns
    assert f"<td>{note}</td>" in columns
    assert columns.count("<tr><td><strong>") == len(COLUMNS)


def test_templates_download_in_arabic_and_french(client, accounts):
    accounts.create("figuig.tpl@example.org", "officer", ["02.251.01.03"])
    accounts.login("figuig.tpl@example.org")
    csv_ar = client.get("/work/import/template.csv?lang=ar")
    assert csv_ar.status_code == 200
    assert csv_ar.data.startswith(b"\xef\xbb\xbf")
    assert "رمز الجماعة الترابية" in csv_ar.data.decode("utf-8-sig")
    xlsx_fr = client.get("/work/import/template.xlsx?lang=fr")
    assert xlsx_fr.data[:2] == b"PK"


def test_a_file_too_large_is_refused_with_a_message(app, client, accounts):
    import io

    from tests.support import csrf_token

    accounts.create("figuig.big@example.org", "officer", ["02.251.01.03"])
    accounts.login("figuig.big@example.org")
    token = csrf_token(client, "/work/import")
    big = b"territory_code,title,kind,status\n" + b"x" * (6 * 1024 * 1024)
    response = client.post(
        "/work/import?lang=en",
        data={"file": (io.BytesIO(big), "mesures.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is too large" in page and "at most 5 MB" in page
    assert count(app, Measure) == 0
