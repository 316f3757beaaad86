"""Uploads that cannot hold a worker: a crafted workbook or CSV within the size limit is
refused within about two seconds of worker time, in the user's language, with nothing
written; documents attached to records are read or refused as fast.

The bounds are generous (five seconds where about two are expected): they catch a return
to the 25 seconds a million blank rows once took, not a slower machine. Each test prints
the time it measured."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tests.support import FIGUIG, csrf_token
from tracker.accounts import find_user
from tracker.attachments.store import MAX_ATTACHMENT_BYTES, AttachmentRefused, read_upload
from tracker.extensions import db
from tracker.imports import (
    IMPORTS,
    REQUIRED,
    ImportFileError,
    import_assessments,
    import_measures,
    read_rows,
)
from tracker.models import Measure

OFFICER = "officer.limits@figuig.ma"
BOUND = 5.0
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

TOO_MANY_ROWS = {
    "fr": "Le fichier comporte plus de 10000 lignes, lignes vides comprises.",
    "ar": "يتضمن الملف أكثر من 10000 سطر، بما فيها الأسطر الفارغة.",
    "en": "The file has more than 10000 rows, blank rows included.",
}
TOO_LARGE = {
    "fr": "Le classeur est trop volumineux, une fois décompressé, pour être importé.",
    "ar": "المصنف كبير جدًا بعد فك ضغطه ولا يمكن استيراده.",
    "en": "The workbook is too large once unpacked to be imported.",
}


def heading_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{key}</t></is></c>'
        for i, key in enumerate(REQUIRED)
    )
    return f'<row r="1">{cells}</row>'


def workbook(sheet_body: str, dimension: str | None = None, extra: dict | None = None) -> bytes:
    """An XLSX written part by part, as a crafted file would be: one sheet whose
    `<sheetData>` holds `sheet_body`, its `<dimension>` if given, and `extra` parts."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            '<sheet name="Mesures" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN}">{dim}<sheetData>'
            f"{sheet_body}</sheetData></worksheet>"
        ),
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def blank_rows(first: int, last: int, attributes: str = "") -> str:
    return "".join(f'<row r="{n}"{attributes}/>' for n in range(first, last + 1))


@pytest.fixture
def officer(accounts):
    accounts.create(OFFICER, "officer", [FIGUIG])
    return OFFICER


def refused(app, filename: str, data: bytes, lang: str = "fr", importer=import_measures):
    """Import `data` as the officer in `lang`: (the error's message, seconds of worker time);
    fails the test when the file is accepted or anything was written."""
    with app.app_context():
        before = db.session.scalar(select(func.count(Measure.id)))
    with app.test_request_context(f"/?lang={lang}"):
        started = time.process_time()
        with pytest.raises(ImportFileError) as error:
            importer(find_user(OFFICER), filename, io.BytesIO(data))
        seconds = time.process_time() - started
    with app.app_context():
        assert db.session.scalar(select(func.count(Measure.id))) == before
    return str(error.value), seconds


def test_a_million_blank_rows_of_five_megabytes_are_refused_at_once(app, officer):
    # Each row holds one formatted but empty cell, as a spreadsheet writes them.
    rows = "".join(f'<row r="{n}" spans="1:25"><c r="A{n}" s="1"/></row>' for n in range(2, 10**6))
    data = workbook(heading_row() + rows)
    assert 4 * 1024 * 1024 < len(data) <= 5 * 1024 * 1024
    message, seconds = refused(app, "mesures.xlsx", data, "fr")
    print(f"1,000,000 blank rows, {len(data) / 1e6:.1f} MB: refused in {seconds:.2f} s")
    assert message.startswith(TOO_LARGE["fr"])
    assert seconds < BOUND


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_blank_rows_within_the_size_limit_count_against_the_row_limit(app, officer, lang):
    # 200,000 blank rows unpack to about 3.5 MB, and the sheet declares no size:
    # they are counted in the sheet's bytes before openpyxl would scan them.
    data = workbook(heading_row() + blank_rows(2, 200_000))
    message, seconds = refused(app, "mesures.xlsx", data, lang)
    print(f"200,000 blank rows, {len(data) / 1e6:.1f} MB, {lang}: refused in {seconds:.2f} s")
    assert message.startswith(TOO_MANY_ROWS[lang])
    assert seconds < BOUND


def test_a_million_rows_implied_by_one_far_row_are_counted(app, officer):
    # Two rows written, a million read: the rows between are blank ones.
    far = '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row>'
    data = workbook(heading_row() + far)
    message, seconds = refused(app, "mesures.xlsx", data, "ar")
    print(f"a row at 1,000,000, {len(data)} bytes: refused in {seconds:.2f} s")
    assert message.startswith(TOO_MANY_ROWS["ar"])
    assert seconds < BOUND


def test_a_zip_bomb_part_is_refused_before_it_is_unpacked(app, officer):
    bomb = {"xl/worksheets/sheet2.xml": " " * (200 * 1024 * 1024)}
    data = workbook(heading_row(), extra=bomb)
    assert len(data) < 1024 * 1024
    message, seconds = refused(app, "mesures.xlsx", data, "en")
    print(f"a 200 MB part packed in {len(data) / 1e3:.0f} KB: refused in {seconds:.2f} s")
    assert message.startswith(TOO_LARGE["en"])
    assert seconds < BOUND


def test_a_part_packed_a_thousand_times_is_refused(app, officer):
    # Within every size limit, but no sheet packs this well.
    packed = {"xl/worksheets/sheet2.xml": "<a/>" * (3 * 1024 * 1024)}
    message, _seconds = refused(app, "mesures.xlsx", workbook(heading_row(), extra=packed))
    assert message.startswith(TOO_LARGE["fr"])


def test_styles_read_whole_on_opening_are_held_to_a_smaller_limit(app, officer):
    styles = {"xl/styles.xml": f'<styleSheet xmlns="{MAIN}">' + "<x/>" * 400_000 + "</styleSheet>"}
    message, seconds = refused(app, "mesures.xlsx", workbook(heading_row(), extra=styles))
    assert message.startswith(TOO_LARGE["fr"])
    assert seconds < BOUND


@pytest.mark.parametrize(
    "lang, says",
    [
        ("fr", "La feuille déclare s'étendre sur 1048576 lignes et 16384 colonnes"),
        ("ar", "تصرّح الورقة بأنها تمتد على 1048576 سطر و16384 عمود"),
        ("en", "The sheet says it spans 1048576 rows and 16384 columns"),
    ],
)
def test_a_huge_declared_size_is_refused_before_parsing(app, officer, lang, says):
    data = workbook(heading_row() + blank_rows(2, 5), dimension="A1:XFD1048576")
    message, seconds = refused(app, "mesures.xlsx", data, lang)
    print(f"declared A1:XFD1048576, 5 rows, {lang}: refused in {seconds:.2f} s")
    assert message.startswith(says)
    assert seconds < BOUND


def test_a_row_as_wide_as_a_sheet_is_refused_at_the_first_one(app, officer):
    wide = "".join(
        f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
        for n in range(2, 10_000)
    )
    message, seconds = refused(app, "mesures.xlsx", workbook(heading_row() + wide), "en")
    print(f"10,000 rows of 16,384 cells: refused in {seconds:.2f} s")
    assert message == (
        "Row 2 has more than 100 cells. Delete the empty columns after the last heading "
        "and try again."
    )
    assert seconds < BOUND


def test_a_csv_of_a_million_empty_lines_is_refused(app, officer):
    data = (",".join(REQUIRED) + "\n").encode() + b"\n" * 1_000_000
    message, seconds = refused(app, "mesures.csv", data, "fr")
    print(f"CSV of 1,000,000 empty lines: refused in {seconds:.2f} s")
    assert message.startswith(TOO_MANY_ROWS["fr"])
    assert seconds < BOUND


def test_a_csv_of_a_million_empty_lines_of_assessments_is_refused(app, officer):
    columns = IMPORTS["assessments"][0].columns
    heading = ",".join(column.key for column in columns if column.required)
    data = (heading + "\n").encode() + b"\r\n" * 1_000_000
    message, seconds = refused(app, "answers.csv", data, "en", import_assessments)
    assert message.startswith(TOO_MANY_ROWS["en"])
    assert seconds < BOUND


def test_a_crafted_workbook_through_the_page_is_refused_in_arabic(app, client, officer, accounts):
    accounts.login(OFFICER)
    data = workbook(heading_row() + blank_rows(2, 1_000_000, ' spans="1:25" ht="15"'))
    token = csrf_token(client, "/work/import")
    started = time.perf_counter()
    response = client.post(
        "/work/import?lang=ar",
        data={"file": (io.BytesIO(data), "mesures.xlsx"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    seconds = time.perf_counter() - started
    print(f"crafted workbook through /work/import: answered in {seconds:.2f} s (wall clock)")
    assert response.status_code == 400
    assert TOO_LARGE["ar"] in response.get_data(as_text=True)
    assert seconds < 2 * BOUND
    with app.app_context():
        assert db.session.scalar(select(func.count(Measure.id))) == 0


def test_a_workbook_of_the_most_rows_allowed_is_still_read(app):
    # 5,000 rows of data, the most an import holds: read (then checked row by row).
    cells = "".join(
        f'<c r="{chr(65 + i)}{{n}}" t="inlineStr"><is><t>?</t></is></c>'
        for i in range(len(REQUIRED))
    )
    rows = "".join(f'<row r="{n}">{cells.format(n=n)}</row>' for n in range(2, 5002))
    with app.test_request_context("/?lang=en"):
        started = time.process_time()
        read = read_rows("mesures.xlsx", io.BytesIO(workbook(heading_row() + rows)))
        seconds = time.process_time() - started
    print(f"5,000 rows of {len(REQUIRED)} cells read in {seconds:.2f} s")
    assert len(read) == 5000
    assert seconds < BOUND


def test_the_blank_rows_of_the_first_report_within_the_size_limit(app, officer):
    # A million bare rows unpack to 17 MB, within the limit, and declare no size:
    # openpyxl would scan them all to open the workbook (2.6 s); they are counted first.
    data = workbook(heading_row() + blank_rows(2, 1_000_000))
    message, seconds = refused(app, "mesures.xlsx", data, "en")
    print(f"1,000,000 bare blank rows, {len(data) / 1e6:.1f} MB: refused in {seconds:.2f} s")
    assert message.startswith(TOO_MANY_ROWS["en"])
    assert seconds < BOUND


@pytest.mark.parametrize("kind", ["largest", "larger", "foreign"])
def test_a_document_is_read_or_refused_at_once(app, kind):
    size = {"largest": MAX_ATTACHMENT_BYTES, "larger": 4 * MAX_ATTACHMENT_BYTES}.get(kind, 4096)
    head = b"%PDF-1.7\n" if kind != "foreign" else b"PK\x03\x04"
    upload = FileStorage(io.BytesIO(head + b"\0" * (size - len(head))), "rapport.pdf")
    with app.test_request_context("/?lang=fr"):
        started = time.process_time()
        if kind == "largest":
            assert read_upload(upload).size == MAX_ATTACHMENT_BYTES
        else:
            with pytest.raises(AttachmentRefused) as error:
                read_upload(upload)
            assert error.value.message.startswith("« rapport.pdf »") or "rapport.pdf" in (
                error.value.message
            )
        seconds = time.process_time() - started
    print(f"document {kind}: {seconds:.3f} s")
    assert seconds < 1.0
