"""A document attached to an answer (a deliberation scan): evidence for the submission,
listed on the assessment's page, kept by a later save, removed when ticked, and refused
with its reason beside the question's field when it is not a PDF, PNG or JPEG."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.support import FIGUIG, csrf_token, make_assessment
from tracker.assessment.indicators import latest_indicator_set
from tracker.extensions import db
from tracker.models import Assessment, Attachment

NEW = f"/work/{FIGUIG}/assessment/new"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def officer(accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.login("figuig@example.org")
    return accounts


def send(client, url, data, form_url=None):
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token}, content_type="multipart/form-data")


def every_answer_with_a_document() -> dict:
    """Two points to every question, each evidenced by a scan only."""
    data = {"year": "2025"}
    for question in latest_indicator_set().questions:
        data[f"{question.key}_points"] = "2"
        data[f"{question.key}_attachments"] = (io.BytesIO(PDF), f"délibération-{question.key}.pdf")
    return data


def test_documents_alone_are_evidence_enough_to_submit(app, client, officer):
    response = send(client, NEW, {**every_answer_with_a_document(), "submit_for_review": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assessment = db.session.scalars(select(Assessment)).one()
        assert assessment.review_state == "submitted"
        names = [a.file_name for answer in assessment.answers for a in answer.attachments]
        assert names[0] == "délibération-Q1.pdf" and len(names) == 15
        page = html.unescape(
            client.get(f"/work/assessment/{assessment.id}?lang=fr").get_data(as_text=True)
        )
    assert "Document" in page and "délibération-Q9.pdf" in page
    assert "/attachments/" in page


def test_a_later_save_keeps_the_document_and_a_ticked_one_is_removed(app, client, officer):
    first = {"year": "2025", "Q2_points": "2", "Q2_attachments": (io.BytesIO(PDF), "scan.pdf")}
    location = send(client, NEW, first).headers["Location"]
    assessment_id = int(re.search(r"/work/assessment/(\d+)", location).group(1))
    edit = f"/work/assessment/{assessment_id}/edit"
    kept = {"year": "2025", "Q2_points": "3", "version": "1"}
    assert send(client, edit, kept).status_code == 302
    with app.app_context():
        answer = db.session.get(Assessment, assessment_id).answer("Q2")
        assert answer.points == 3 and [a.file_name for a in answer.attachments] == ["scan.pdf"]
        document_id = answer.attachments[0].id
    removed = {"year": "2025", "Q2_points": "3", "version": "2"}
    removed["Q2_remove_attachments"] = str(document_id)
    assert send(client, edit, removed).status_code == 302
    with app.app_context():
        assert db.session.get(Assessment, assessment_id).answer("Q2").attachments == []
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_page_that_is_not_a_document_is_refused_beside_its_question(app, client, officer):
    data = {
        "year": "2025",
        "Q9_points": "2",
        "Q9_evidence_text": "Cellule d'accueil",
        "Q9_attachments": (io.BytesIO(b"<html><script>alert(1)</script>"), "scan.pdf"),
    }
    response = send(client, f"{NEW}?lang=fr", data, NEW)
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "« scan.pdf » n'est pas un document PDF, PNG ou JPEG." in page
    assert "Cellule d'accueil</textarea>" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == 0
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_restoring_an_assessment_whose_year_is_taken_is_refused_with_a_message(
    app, client, accounts
):
    deleted = make_assessment(app, FIGUIG, 2025, state="draft")
    with app.app_context():
        db.session.get(Assessment, deleted).deleted_at = datetime.now(UTC)
        db.session.commit()
    make_assessment(app, FIGUIG, 2025, state="draft")
    accounts.create("admin@example.org", "admin")
    accounts.login("admin@example.org")
    url = f"/admin/deleted/assessment/{deleted}/restore"
    token = csrf_token(client, "/admin/deleted?lang=en")
    response = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "This record cannot be restored: another one now holds its place" in page
    with app.app_context():
        assert db.session.get(Assessment, deleted).deleted_at is not None
