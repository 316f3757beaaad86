"""Attaching documents as evidence: a document accepted for what its content is, whatever
its name says, up to 5 MB, and its name cleaned; the measure's form that sends documents,
refuses a bad one beside its field with nothing lost, and removes, keeps or adds them on
an edit; and no upload by who may not write the measure."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tests.attachments_support import HTML, JPEG, MEASURE, PDF, PNG, attachment_ids, upload

# A fixture: the tests name it, and pytest finds it among this module's names.
from tests.attachments_support import officer as officer
from tests.support import FIGUIG, csrf_token, make_validated_measure
from tracker.attachments.store import (
    MAX_ATTACHMENT_BYTES,
    AttachmentRefused,
    clean_file_name,
    read_upload,
)
from tracker.extensions import db
from tracker.models import Attachment, AuditEntry, Measure


def count_attachments(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attachment))


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
