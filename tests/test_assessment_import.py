"""Importing assessments from CSV and XLSX, one row per answer: answers and history, all or
nothing with a report by row and column in the user's language, the rules of the form
(N/A by level, the collectivity's own measures, permissions), the template and the command."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.support import BOUARFA, FIGUIG, csrf_token, make_assessment, make_validated_measure
from tracker.accounts import find_user
from tracker.assessment.indicators import latest_indicator_set
from tracker.extensions import db
from tracker.imports import IMPORTS, import_assessments, import_cli, read_rows, write_template
from tracker.models import Assessment, AuditEntry

OFFICER = "officer@figuig.ma"
REGION = "02"
KEYS = ["territory_code", "year", "question", "points", "not_applicable"]
KEYS += ["evidence_reference", "evidence_url", "evidence_text", "measures"]
HEADINGS = {
    "fr": [
        "Code de la collectivité",
        "Année",
        "Question n°",
        "Nombre de points",
        "Sans objet",
        "Référence du justificatif",
        "Lien du justificatif",
        "Texte du justificatif",
        "Mesures citées",
    ],
    "ar": [
        "رمز الجماعة الترابية",
        "السنة",
        "السؤال",
        "النقاط",
        "لا ينطبق",
        "مرجع الإثبات",
        "رابط الإثبات",
        "نص الإثبات",
        "التدابير المستشهد بها",
    ],
}


@pytest.fixture
def officer(accounts):
    accounts.create(OFFICER, "officer", [FIGUIG])
    return OFFICER


def answer(question, points="", **cells):
    return {
        "territory_code": FIGUIG,
        "year": "2025",
        "question": question,
        "points": points,
        **cells,
    }


def table(rows, lang="fr"):
    return [HEADINGS[lang]] + [[row.get(k, "") for k in KEYS] for row in rows]


def csv_bytes(rows, lang="fr"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table(rows, lang))
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows, lang="ar"):
    workbook = openpyxl.Workbook()
    for row in table(rows, lang):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(app, email, filename, data, lang="fr", dry_run=False):
    with app.test_request_context(f"/?lang={lang}"):
        return import_assessments(find_user(email), filename, io.BytesIO(data), dry_run=dry_run)


def count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Assessment))


def stored(code=FIGUIG, year=2025):
    return db.session.scalars(
        select(Assessment).where(Assessment.territory_code == code, Assessment.year == year)
    ).one()


def test_a_good_csv_creates_the_assessment_with_its_answers_and_history(app, officer):
    measure = make_validated_measure(
        app, FIGUIG, "Cellule d'accueil", kind="reception", reference="FIG-7"
    )
    rows = [
        answer("Q1", "2", evidence_reference="Délibération n° 12 du 3 mars 2025"),
        answer("q9", "3", evidence_url="https://figuig.ma/cellule", measures="FIG-7"),
        answer("Q10", "0", not_applicable="non"),
    ]
    report = run(app, officer, "evaluation.csv", csv_bytes(rows))
    assert report.ok and report.written, report.lines()
    assert [(r.row, r.action) for r in report.rows] == [
        (2, "created"),
        (3, "created"),
        (4, "created"),
    ]
    with app.app_context():
        assessment = stored()
        assert assessment.review_state == "draft"
        assert assessment.answer("Q1").evidence_reference == "Délibération n° 12 du 3 mars 2025"
        assert [m.id for m in assessment.answer("Q9").measures] == [measure]
        assert assessment.answer("Q10").points == 0
        entry = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "assessment", AuditEntry.entity_id == assessment.id
            )
        ).one()
        assert entry.action == "create" and entry.user.email == OFFICER


def test_a_good_xlsx_in_arabic_updates_a_draft_keeping_other_answers(app, officer):
    make_assessment(app, FIGUIG, 2025, {"Q1": 1, "Q2": 3}, state="draft")
    rows = [
        answer("Q1", 3, evidence_text="خلية الاستقبال"),
        answer("Q2", 3, evidence_text="Délibération du conseil"),
    ]
    report = run(app, officer, "تقييم.xlsx", xlsx_bytes(rows), lang="ar")
    assert report.ok and report.written, report.lines()
    assert [r.action for r in report.rows] == ["updated", "unchanged"]
    with app.app_context():
        assessment = stored()
        assert assessment.answer("Q1").points == 3
        assert assessment.answer("Q1").evidence_text == "خلية الاستقبال"
        assert assessment.answer("Q15").points == 2  # not in the file: kept
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "update")
            )
            == 1
        )


def test_a_validated_assessment_goes_back_to_draft_as_with_the_form(app, officer):
    make_assessment(app, FIGUIG, 2025, state="validated")
    report = run(app, officer, "e.csv", csv_bytes([answer("Q3", "0")]))
    assert report.ok and report.written
    with app.app_context():
        assert stored().review_state == "draft"


@pytest.mark.parametrize(
    "lang, column, message, summary",
    [
        (
            "fr",
            "Nombre de points",
            "Une réponse vaut de 0 à 3 points.",
            "Rien n'a été enregistré : 2 lignes sur 3 comportent des erreurs.",
        ),
        (
            "ar",
            "النقاط",
            "تتراوح قيمة الجواب بين 0 و3 نقط.",
            "لم يُحفظ أي شيء: سطران من أصل 3 يتضمنان أخطاء.",
        ),
    ],
)
def test_a_bad_row_writes_nothing_and_names_row_and_column(
    app, officer, lang, column, message, summary
):
    rows = [answer("Q1", "2"), answer("Q2", "5"), answer("Q3", "1", evidence_url="ftp://x")]
    report = run(app, officer, "e.csv", csv_bytes(rows, lang), lang=lang)
    assert not report.ok and not report.written
    assert report.rows[0].ok
    assert list(report.rows[1].errors) == [column]
    assert report.rows[1].errors[column] == message
    link = {"fr": "Lien du justificatif", "ar": "رابط الإثبات"}[lang]
    assert "https://" in report.rows[2].errors[link]
    with app.test_request_context(f"/?lang={lang}"):
        assert report.lines()[-1] == summary
    assert count(app) == 0


def test_not_applicable_is_refused_where_the_level_does_not_allow_it(app, officer, accounts):
    report = run(app, officer, "e.csv", csv_bytes([answer("Q4", not_applicable="oui")]))
    assert report.rows[0].errors == {
        "Sans objet": "Cette collectivité ne peut pas répondre « sans objet » à cette question."
    }
    assert count(app) == 0
    accounts.create("region@example.org", "officer", [REGION])
    rows = [answer("Q4", not_applicable="نعم", territory_code=REGION)]
    report = run(app, "region@example.org", "e.csv", csv_bytes(rows))
    assert report.ok and report.written, report.lines()
    with app.app_context():
        assert stored(REGION).answer("Q4").not_applicable is True


def test_a_word_other_than_yes_or_no_is_refused(app, officer):
    report = run(
        app, officer, "e.csv", csv_bytes([answer("Q4", not_applicable="peut-être")]), lang="en"
    )
    assert report.rows[0].errors == {"Not applicable": "Write yes or no."}


def test_a_foreign_collectivity_is_refused_by_row(app, officer):
    rows = [answer("Q1", "2"), answer("Q1", "2", territory_code=BOUARFA)]
    report = run(app, officer, "e.csv", csv_bytes(rows))
    assert report.rows[0].ok
    assert report.rows[1].errors == {
        "Code de la collectivité": "Non autorisé pour cette collectivité."
    }
    assert count(app) == 0


def test_a_question_twice_is_refused_naming_both_rows(app, officer):
    rows = [answer("Q1", "2"), answer("Q2", "1"), answer("Q1", "3")]
    report = run(app, officer, "e.csv", csv_bytes(rows), lang="en")
    message = "Question Q1 is answered twice for this assessment: rows 2 and 4."
    assert report.rows[0].errors == {"Question": message}
    assert report.rows[2].errors == {"Question": message}
    assert report.rows[1].ok
    assert count(app) == 0


def test_a_measure_of_another_collectivity_is_refused(app, officer):
    foreign = make_validated_measure(app, BOUARFA, "Cellule de Bouarfa", reference="BOU-1")
    report = run(app, officer, "e.csv", csv_bytes([answer("Q9", "2", measures="BOU-1")]), lang="en")
    assert report.rows[0].errors == {
        "Cited measures": "No measure of this collectivity has the reference BOU-1."
    }
    report = run(
        app, officer, "e.csv", csv_bytes([answer("Q9", "2", measures=str(foreign))]), lang="en"
    )
    assert report.rows[0].errors == {
        "Cited measures": "Only the collectivity's own validated measures can be cited as evidence."
    }
    assert count(app) == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_template_reimports_cleanly(app, officer, lang, fmt):
    template = IMPORTS["assessments"][1]
    with app.test_request_context(f"/?lang={lang}"):
        data = write_template(lang, fmt, template)
        rows = read_rows(f"t.{fmt}", io.BytesIO(data), template.columns)
    assert list(rows[0]) == KEYS
    report = run(app, officer, f"template.{fmt}", data, lang=lang)
    assert report.ok and report.written, report.lines()
    with app.app_context():
        assessment = stored()
        assert (assessment.answer("Q1").points, assessment.answer("Q9").points) == (2, 1)


def test_the_xlsx_template_lists_the_questions_and_points_in_its_language(app):
    with app.app_context():
        workbook = openpyxl.load_workbook(
            io.BytesIO(write_template("fr", "xlsx", IMPORTS["assessments"][1]))
        )
    assert workbook.sheetnames == ["Évaluations", "Listes", "Colonnes"]
    values = [[c.value for c in row] for row in workbook["Listes"].iter_rows()]
    title = latest_indicator_set().question("Q1").title.fr
    assert ["Q1", title] in values and len(
        [r for r in values if re.fullmatch(r"Q\d+", str(r[0]))]
    ) == 15
    assert ["3", "3 points"] in values and ["oui", "oui"] in values


def test_the_import_page_offers_assessments_and_their_templates(app, client, accounts):
    accounts.create("web@figuig.ma", "officer", [FIGUIG])
    accounts.login("web@figuig.ma")
    page = client.get("/work/import?what=assessments&lang=fr").get_data(as_text=True)
    assert "<h1>Importer des évaluations</h1>" in page
    assert "<strong>Mesures citées</strong>" in page
    assert client.get("/work/import?what=nothing").status_code == 404
    download = client.get("/work/import/template.xlsx?what=assessments&lang=ar")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert "assessments-template-ar.xlsx" in download.headers["Content-Disposition"]
    data = download.data
    token = csrf_token(client, "/work/import?what=assessments")
    response = client.post(
        "/work/import?what=assessments&lang=ar",
        data={"file": (io.BytesIO(data), "تقييم.xlsx"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert count(app) == 1


def test_the_web_upload_reports_a_bad_row_in_arabic(app, client, accounts):
    accounts.create("web@figuig.ma", "officer", [FIGUIG])
    accounts.login("web@figuig.ma")
    token = csrf_token(client, "/work/import?what=assessments")
    response = client.post(
        "/work/import?what=assessments&lang=ar",
        data={
            "file": (io.BytesIO(csv_bytes([answer("Q1", "7")], "ar")), "e.csv"),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "<strong>النقاط</strong>:" in response.get_data(as_text=True)
    assert count(app) == 0


@pytest.fixture
def cli(app):
    if "import" not in app.cli.commands:
        app.cli.add_command(import_cli)
    return app


def test_the_command_line_imports_assessments(cli, runner, officer, tmp_path):
    path = tmp_path / "evaluations.csv"
    path.write_bytes(csv_bytes([answer("Q1", "2"), answer("Q2", "1")]))
    args = ["import", "assessments", str(path), "--user", officer, "--lang", "en"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Row 3: created" in result.output
    assert count(cli) == 1
    path.write_bytes(csv_bytes([answer("Q1", "9")]))
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "Row 2: Points:" in result.output


def test_a_check_only_writes_nothing_and_says_what_would_be_done(app, officer):
    report = run(app, officer, "e.csv", csv_bytes([answer("Q1", "2")]), lang="en", dry_run=True)
    assert report.ok and not report.written
    with app.test_request_context("/?lang=en"):
        assert report.lines() == [
            "Row 2: would be created",
            "Check only, nothing was saved: 1 to create, 0 to update, 0 unchanged.",
        ]
    assert count(app) == 0


def test_a_file_of_headings_only_is_refused_in_french(app, officer):
    from tracker.imports import ImportFileError

    with pytest.raises(ImportFileError, match="Le fichier a des en-têtes mais aucune réponse."):
        run(app, officer, "e.csv", csv_bytes([]))
