"""Documents attached as evidence: accepted for what their content is, kept in the
database (and in its backups), listed on the measure's pages, downloaded with headers
that keep a browser from running them, and only by those who may read their record."""

from __future__ import annotations

import hashlib
import io
import re
import sqlite3
import subprocess
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import func, inspect, select
from werkzeug.datastructures import FileStorage

from tests.support import BOUARFA, FIGUIG, csrf_token, make_assessment, make_validated_measure
from tracker.attachments.store import (
    MAX_ATTACHMENT_BYTES,
    AttachmentRefused,
    clean_file_name,
    read_upload,
)
from tracker.extensions import db
from tracker.models import Assessment, Attachment, AuditEntry, Measure

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"

MEASURE = {"title": "Cellule d'accueil", "kind": "reception", "status": "ongoing"}


def upload(data: bytes, name: str, content_type: str = "application/octet-stream"):
    """A file as a browser sends it."""
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type=content_type)


def count_attachments(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attachment))


def attachment_ids(app, measure_id: int) -> list[int]:
    with app.app_context():
        return [a.id for a in db.session.get(Measure, measure_id).attachments]


# ---- what is accepted ---------------------------------------------------------------------


def test_a_pdf_named_png_is_accepted_as_a_pdf_and_downloaded_as_one(app):
    with app.test_request_context("/?lang=en"):
        attachment = read_upload(upload(PDF, "scan.png", "image/png"))
    assert attachment.media_type == "application/pdf" and attachment.type_name == "PDF"
    assert attachment.file_name == "scan.png"
    assert attachment.download_name == "scan.png.pdf"
    assert attachment.size == len(PDF) and len(attachment.sha256) == 64


@pytest.mark.parametrize(
    "data, name, media_type",
    [
        (PDF, "délibération.pdf", "application/pdf"),
        (PNG, "carte", "image/png"),
        (JPEG, "a.jpeg", "image/jpeg"),
    ],
)
def test_each_accepted_type_is_known_by_its_content(app, data, name, media_type):
    with app.test_request_context("/?lang=en"):
        attachment = read_upload(upload(data, name, "text/plain"))
    assert attachment.media_type == media_type


def test_a_document_of_exactly_5_mb_is_accepted(app):
    data = PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF))
    with app.test_request_context("/?lang=en"):
        assert read_upload(upload(data, "big.pdf")).size == 5 * 1024 * 1024


@pytest.mark.parametrize(
    "data, name, message",
    [
        (HTML, "deliberation.pdf", "“deliberation.pdf” is not a PDF, PNG or JPEG document."),
        (b"MZ\x90\x00", "scan.jpg", "“scan.jpg” is not a PDF, PNG or JPEG document."),
        (PDF + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF)), "big.pdf", "larger than 5 MB"),
        (b"", "empty.pdf", "“empty.pdf” is empty: choose the document again."),
    ],
)
def test_other_content_a_file_over_5_mb_and_an_empty_one_are_refused(app, data, name, message):
    with app.test_request_context("/?lang=en"), pytest.raises(AttachmentRefused) as refused:
        read_upload(upload(data, name, "application/pdf"))
    assert message in refused.value.message


def test_the_refusals_speak_french_and_arabic(app):
    with app.test_request_context("/?lang=fr"), pytest.raises(AttachmentRefused) as fr:
        read_upload(upload(HTML, "pv.pdf"))
    assert fr.value.message == (
        "« pv.pdf » n'est pas un document PDF, PNG ou JPEG. Seuls ces formats sont "
        "acceptés, quel que soit le nom du fichier."
    )
    with app.test_request_context("/?lang=ar"), pytest.raises(AttachmentRefused) as ar:
        read_upload(upload(b"", "محضر.pdf"))
    assert ar.value.message == "الملف «محضر.pdf» فارغ: يرجى اختيار الوثيقة من جديد."


def test_a_name_keeps_its_letters_and_loses_its_path_and_hidden_characters(app):
    with app.test_request_context("/?lang=fr"):
        assert clean_file_name("محضر مداولة المجلس.pdf") == "محضر مداولة المجلس.pdf"
        assert clean_file_name("C:\\Users\\agent\\PV  n°7.pdf") == "PV n°7.pdf"
        assert clean_file_name("../../etc/passwd") == "passwd"
        assert clean_file_name("facture\u202efdp.exe") == "facturefdp.exe"
        assert clean_file_name(".pdf") == "pdf"
        assert clean_file_name("") == "document"
        long = clean_file_name("é" * 300 + ".pdf")
        assert len(long) == 200 and long.endswith(".pdf")


# ---- the measure form -----------------------------------------------------------------------


@pytest.fixture
def officer(accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.create("bouarfa@example.org", "officer", [BOUARFA])
    accounts.create("coord.oriental@example.org", "coordinator", ["02"])
    accounts.create("coord.tanger@example.org", "coordinator", ["01"])
    accounts.create("admin@example.org", "admin")
    accounts.login("figuig@example.org")
    return accounts


def post_measure(client, url, data, files=(), form_url=None):
    """Send the measure form as a browser does (multipart), with `files` as
    (bytes, name) pairs in its documents input."""
    token = csrf_token(client, form_url or url)
    fields = {**data, "csrf_token": token}
    fields["attachments"] = [(io.BytesIO(body), name) for body, name in files] or [
        (io.BytesIO(b""), "")
    ]
    return client.post(url, data=fields, content_type="multipart/form-data")


def test_the_form_sends_documents_and_the_record_page_lists_them(app, client, officer):
    form = client.get(f"/work/{FIGUIG}/measure/new?lang=en").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form
    assert re.search(
        r'<input[^>]*multiple[^>]*name="attachments"|<input[^>]*name="attachments"[^>]*multiple',
        form,
    )
    assert "Attach documents (PDF, PNG or JPEG, at most 5 MB each)" in form

    response = post_measure(
        client, f"/work/{FIGUIG}/measure/new", MEASURE, [(PDF, "PV 7-2024.pdf"), (PNG, "photo.png")]
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    measure_id = int(re.search(r"/work/measure/(\d+)", response.headers["Location"]).group(1))
    with app.app_context():
        stored = db.session.get(Measure, measure_id).attachments
        assert [(a.file_name, a.media_type) for a in stored] == [
            ("PV 7-2024.pdf", "application/pdf"),
            ("photo.png", "image/png"),
        ]
        assert stored[0].created_by_id is not None
        first = stored[0].id

    page = client.get(f"/work/measure/{measure_id}?lang=fr").get_data(as_text=True)
    assert "<dt>Documents</dt>" in page
    assert f'href="/attachments/{first}"' in page and "PV 7-2024.pdf" in page
    assert '(PDF, <span dir="ltr">1 Ko</span>)' in page
    download = client.get(f"/attachments/{first}")
    assert download.status_code == 200 and download.data == PDF


def test_a_bad_document_is_refused_beside_its_field_and_nothing_is_lost(app, client, officer):
    response = post_measure(
        client,
        f"/work/{FIGUIG}/measure/new?lang=fr",
        {**MEASURE, "description": "Accueil et orientation"},
        [(PDF, "pv.pdf"), (HTML, "page.pdf")],
        form_url=f"/work/{FIGUIG}/measure/new",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    field = page[page.index('id="section-documents"') :]
    assert "« page.pdf » n&#39;est pas un document PDF, PNG ou JPEG." in field
    assert 'value="Cellule d&#39;accueil"' in page and "Accueil et orientation" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Measure)) == 0
    assert count_attachments(app) == 0


def test_a_document_over_5_mb_is_refused_beside_its_field_not_by_the_error_page(
    app, client, officer
):
    big = PDF + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF))
    response = post_measure(
        client,
        f"/work/{FIGUIG}/measure/new?lang=ar",
        MEASURE,
        [(big, "مداولة.pdf")],
        form_url=f"/work/{FIGUIG}/measure/new",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "يتجاوز حجم «مداولة.pdf» 5 ميغابايت." in page
    assert count_attachments(app) == 0


def test_documents_over_the_form_limit_get_the_error_page_in_french(app, client, officer):
    chunk = PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF))
    response = post_measure(
        client,
        f"/work/{FIGUIG}/measure/new?lang=fr",
        MEASURE,
        [(chunk, f"{n}.pdf") for n in range(5)],
        form_url=f"/work/{FIGUIG}/measure/new",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "au plus 21 Mo" in page
    assert count_attachments(app) == 0


def test_an_edit_removes_a_ticked_document_keeps_the_others_and_adds_new_ones(app, client, officer):
    measure_id = make_validated_measure(
        app,
        FIGUIG,
        "Cellule d'accueil",
        attachments=[upload(PDF, "a.pdf"), upload(PNG, "b.png")],
    )
    first, second = attachment_ids(app, measure_id)
    edit = f"/work/measure/{measure_id}/edit"
    form = client.get(edit + "?lang=en").get_data(as_text=True)
    assert f'name="remove_attachments" value="{first}"' in form and "Remove this document" in form
    with app.app_context():
        version = db.session.get(Measure, measure_id).version
    response = post_measure(
        client,
        edit,
        {**MEASURE, "version": version, "remove_attachments": [str(first)]},
        [(JPEG, "c.jpg")],
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert [a.file_name for a in measure.attachments] == ["b.png", "c.jpg"]
        assert measure.review_state == "draft"  # new evidence is reviewed again
        assert db.session.get(Attachment, first) is None  # removed, not kept unseen
        entry = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_id == measure_id)
            .order_by(AuditEntry.id.desc())
        ).first()
        third = measure.attachments[1].id
        assert entry.changes["attachments"] == [[first, second], [second, third]]


def test_an_edit_without_documents_keeps_them(app, client, officer):
    measure_id = make_validated_measure(app, FIGUIG, "Cellule", attachments=[upload(PDF, "a.pdf")])
    with app.app_context():
        version = db.session.get(Measure, measure_id).version
    response = post_measure(
        client, f"/work/measure/{measure_id}/edit", {**MEASURE, "version": version}
    )
    assert response.status_code == 302
    assert len(attachment_ids(app, measure_id)) == 1


def test_uploading_is_refused_to_who_may_not_write_the_measure(app):
    from tracker.accounts import create_user
    from tracker.records import service

    with app.app_context():
        coordinator = create_user(
            "coord@example.org", "a long coord password", "coordinator", ["02"]
        )
        with pytest.raises(service.NotAllowed):
            service.save_measure(
                coordinator,
                {**MEASURE, "territory_code": FIGUIG, "attachments": [upload(PDF, "a.pdf")]},
            )
        db.session.rollback()
    assert count_attachments(app) == 0


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
