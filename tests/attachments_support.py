"""What the tests of attached documents share: small documents of each kind (and a page
that is none), a file as a browser sends it, a measure's documents, and the accounts of
Figuig, Bouarfa, their region, another region and an administrator (a fixture)."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from tests.support import BOUARFA, FIGUIG
from tracker.extensions import db
from tracker.models import Measure

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"

MEASURE = {"title": "Cellule d'accueil", "kind": "reception", "status": "ongoing"}


def upload(data: bytes, name: str, content_type: str = "application/octet-stream"):
    """A file as a browser sends it."""
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type=content_type)


def attachment_ids(app, measure_id: int) -> list[int]:
    with app.app_context():
        return [a.id for a in db.session.get(Measure, measure_id).attachments]


@pytest.fixture
def officer(accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.create("bouarfa@example.org", "officer", [BOUARFA])
    accounts.create("coord.oriental@example.org", "coordinator", ["02"])
    accounts.create("coord.tanger@example.org", "coordinator", ["01"])
    accounts.create("admin@example.org", "admin")
    accounts.login("figuig@example.org")
    return accounts
