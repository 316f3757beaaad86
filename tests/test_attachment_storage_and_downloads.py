"""Attached documents once kept: stored in the database (and in its backups, byte for
byte), counted as evidence for an answer, listed on the measure's pages, downloaded with
headers that keep a browser from running them, and only by those who may read their
record."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import inspect, select

from tests.attachments_support import JPEG, MEASURE, PDF, PNG, attachment_ids, upload

# A fixture: the tests name it, and pytest finds it among this module's names.
from tests.attachments_support import officer as officer
from tests.support import FIGUIG, make_assessment, make_validated_measure
from tracker.attachments.store import read_upload
from tracker.extensions import db
from tracker.models import Assessment, Attachment, Measure

# ---- evidence, storage, backups -------------------------------------------------------------


def test_an_attached_document_is_evidence_for_an_answer():
    from tracker.assessment.checks import submission_problems
    from tracker.assessment.indicators import latest_indicator_set
    from tracker.models import AssessmentAnswer

    answers = [
        AssessmentAnswer(question_key=q.key, points=0, not_applicable=False)
        for q in latest_indicator_set().questions
    ]
    answers[0].points = 2
    problems = submission_problems(latest_indicator_set(), "commune", FIGUIG, answers)
    assert [p.question for p in problems] == [answers[0].question_key]
    answers[0].attachments = [Attachment(file_name="pv.pdf", media_type="application/pdf")]
    assert submission_problems(latest_indicator_set(), "commune", FIGUIG, answers) == []


def test_the_migration_builds_the_attachment_tables_the_models_describe(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert [d for d in differences if "attachment" in repr(d)] == []


def test_a_backup_holds_each_document_byte_for_byte(
    app, runner, tmp_path, databases, validated_measure
):
    from tests.support import dispose
    from tracker import create_app

    body = JPEG + bytes(range(256)) * 64
    measure_id = validated_measure(FIGUIG, attachments=[upload(body, "photo.jpg")])
    (attachment_id,) = attachment_ids(app, measure_id)
    target = tmp_path / "tracker-backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    if databases.postgres:
        restored = databases.create(f"restored_{uuid.uuid4().hex[:12]}")
        plain = restored.replace("postgresql+psycopg", "postgresql")
        # Warnings about the objects the role does not own end in a non-zero exit code.
        subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--dbname", plain, str(target)],
            check=False,
        )
        copy = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": restored})
        with copy.app_context():
            stored = db.session.get(Attachment, attachment_id)
            assert stored.data == body and stored.file_name == "photo.jpg"
        dispose(copy)
    else:
        copy = sqlite3.connect(target)
        data, sha = copy.execute(
            "select data, sha256 from attachment where id = ?", (attachment_id,)
        ).fetchone()
        link = copy.execute(
            "select measure_id from measure_attachment where attachment_id = ?", (attachment_id,)
        ).fetchone()
        copy.close()
        assert data == body and link == (measure_id,)
        assert sha == hashlib.sha256(body).hexdigest()


def test_lists_of_documents_do_not_read_their_bytes(app):
    measure_id = make_validated_measure(app, FIGUIG, "Cellule", attachments=[upload(PDF, "a.pdf")])
    with app.app_context():
        attachment = db.session.get(Measure, measure_id).attachments[0]
        assert "data" not in inspect(attachment).dict
        assert attachment.data == PDF


# ---- downloads ------------------------------------------------------------------------------


def test_a_download_says_its_type_and_name_and_is_never_run(app, client, validated_measure):
    measure_id = validated_measure(FIGUIG, attachments=[upload(PDF, "محضر المداولة.png")])
    (attachment_id,) = attachment_ids(app, measure_id)
    response = client.get(f"/attachments/{attachment_id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="document-{attachment_id}.pdf"; '
        f"filename*=UTF-8''{quote('محضر المداولة.png.pdf', safe='')}"
    )
    again = client.get(
        f"/attachments/{attachment_id}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_latin_name_keeps_an_ascii_fallback(app, client, validated_measure):
    measure_id = validated_measure(FIGUIG, attachments=[upload(JPEG, "Délibération n°7.jpeg")])
    (attachment_id,) = attachment_ids(app, measure_id)
    disposition = client.get(f"/attachments/{attachment_id}").headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Deliberation n7.jpeg"; filename*=UTF-8')


@pytest.fixture
def documents(app, officer):
    """A validated measure and a draft one of Figuig, each with a document, and a
    document nobody links: their attachment ids."""
    from tracker.models import User
    from tracker.records import service

    validated = make_validated_measure(app, FIGUIG, "Publique", attachments=[upload(PDF, "v.pdf")])
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        draft = service.save_measure(
            admin, {**MEASURE, "territory_code": FIGUIG, "attachments": [upload(PDF, "d.pdf")]}
        )
        lone = read_upload(upload(PDF, "seul.pdf"))
        db.session.add(lone)
        db.session.commit()
        ids = {"validated": attachment_ids(app, validated)[0], "draft": draft.attachments[0].id}
        ids["unlinked"] = lone.id
    return ids


@pytest.mark.parametrize(
    "who, document, status",
    [
        (None, "validated", 200),
        (None, "draft", 404),
        ("bouarfa@example.org", "validated", 200),
        ("bouarfa@example.org", "draft", 404),  # officer of another collectivity
        ("figuig@example.org", "draft", 200),  # its own collectivity's officer
        ("coord.oriental@example.org", "draft", 200),  # the region's coordinator
        ("coord.tanger@example.org", "draft", 404),  # another region's
        ("admin@example.org", "draft", 200),
        ("admin@example.org", "unlinked", 404),  # belongs to no record: nobody's
        (None, "unknown", 404),
    ],
)
def test_who_may_download(client, officer, documents, who, document, status):
    officer.logout()
    if who:
        officer.login(who)
    attachment_id = documents.get(document, 999_999)
    response = client.get(f"/attachments/{attachment_id}")
    assert response.status_code == status
    if status == 404:
        assert b"%PDF" not in response.data


def test_a_deleted_measure_s_document_is_for_administrators_only(app, client, officer):
    from tracker.models import User
    from tracker.records import service

    measure_id = make_validated_measure(
        app, FIGUIG, "Supprimée", attachments=[upload(PDF, "x.pdf")]
    )
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        service.delete(admin, "measure", db.session.get(Measure, measure_id))
        db.session.commit()
    (attachment_id,) = attachment_ids(app, measure_id)
    assert client.get(f"/attachments/{attachment_id}").status_code == 404  # its officer
    officer.logout()
    assert client.get(f"/attachments/{attachment_id}").status_code == 404
    officer.login("admin@example.org")
    assert client.get(f"/attachments/{attachment_id}").status_code == 200


def _answer_document(app, state: str) -> int:
    """A document attached to the first answer of an assessment of Figuig in `state`."""
    assessment_id = make_assessment(app, FIGUIG, 2025, state=state)
    with app.app_context():
        answer = db.session.get(Assessment, assessment_id).answers[0]
        answer.attachments.append(read_upload(upload(PDF, "deliberation.pdf")))
        db.session.commit()
        return answer.attachments[0].id


def test_an_answer_s_document_is_public_once_its_assessment_is_validated(app, client, accounts):
    validated = _answer_document(app, "validated")
    assert client.get(f"/attachments/{validated}").status_code == 200


def test_an_answer_s_document_under_review_is_for_its_region_s_coordinator(app, client, accounts):
    submitted = _answer_document(app, "submitted")
    assert client.get(f"/attachments/{submitted}").status_code == 404
    accounts.create("coord.oriental@example.org", "coordinator", ["02"])
    accounts.login("coord.oriental@example.org")
    assert client.get(f"/attachments/{submitted}").status_code == 200


def test_the_public_measure_page_lists_its_documents(app, client, validated_measure):
    measure_id = validated_measure(FIGUIG, attachments=[upload(PNG, "carte.png")])
    (attachment_id,) = attachment_ids(app, measure_id)
    page = client.get(f"/measures/{measure_id}?lang=ar").get_data(as_text=True)
    assert "<dt>الوثائق</dt>" in page
    assert f'href="/attachments/{attachment_id}"' in page and "carte.png" in page
