"""What each migration introduced, as data, one step per revision in their order: the
territories and the records of the two oldest, then for each later one the columns it
fills and the rows it makes possible (the actor of a change, names in French and Arabic,
self-assessments, dates to the year or month, attached documents as bytes, good-practice
marks, sign-in attempts, the accounts' language and visits)."""

from __future__ import annotations

import hashlib
from datetime import date

from tests.support import BOUARFA, FIGUIG
from tests.upgrade_support import AT, LATER, Filled, records, territories

DOCUMENT = b"%PDF-1.4\n" + bytes(range(256)) * 3 + b"\x00\xff%%EOF"
PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(reversed(range(256)))


def actor(filled: Filled) -> None:
    filled.column("audit_entry", "actor")
    filled.add(
        "audit_entry",
        {
            "id": 3,
            "entity": "programme",
            "entity_id": 1,
            "territory_code": FIGUIG,
            "action": "update",
            "actor": "command_line",
            "at": LATER,
            "version": 2,
            "changes": {"title": ["PAC", "Plan d'action communal 2023-2028"]},
        },
    )


def organisation_names(filled: Filled) -> None:
    for row in filled.rows["organisation"]:
        name = row.pop("name")
        arabic = any("\u0600" <= c <= "\u06ff" for c in name)
        row["name_fr"], row["name_ar"] = (None, name) if arabic else (name, None)
    dated = {"created_at": AT, "updated_at": AT, "version": 1, "country": "MA"}
    filled.add(
        "organisation",
        {
            **dated,
            "id": 4,
            "name_fr": "Entraide nationale",
            "name_ar": "التعاون الوطني",
            "kind": "state",
        },
        {**dated, "id": 5, "name_ar": "جمعية الواحة", "kind": "association"},
    )


def assessments(filled: Filled) -> None:
    dated = {"created_at": AT, "updated_at": LATER, "version": 1, "indicator_version": 1}
    filled.add(
        "assessment",
        {**dated, "id": 1, "territory_code": FIGUIG, "year": 2025, "review_state": "validated"},
        {
            **dated,
            "id": 2,
            "territory_code": FIGUIG,
            "year": 2025,
            "review_state": "draft",
            "deleted_at": LATER,
        },
        {
            **dated,
            "id": 3,
            "territory_code": BOUARFA,
            "year": 2024,
            "review_state": "returned",
            "review_comment": "Q2 ?",
            "version": 4,
        },
    )
    filled.add(
        "assessment_answer",
        {
            "id": 1,
            "assessment_id": 1,
            "question_key": "Q1",
            "points": 3,
            "not_applicable": False,
            "evidence_text": "Délibération du conseil",
            "evidence_reference": "Dél. 7/2025",
            "evidence_url": "https://example.org/deliberation-7",
        },
        {"id": 2, "assessment_id": 1, "question_key": "Q2", "points": None, "not_applicable": True},
        {"id": 3, "assessment_id": 3, "question_key": "Q10", "points": 0, "not_applicable": False},
    )
    filled.add(
        "assessment_answer_measure",
        {"assessment_answer_id": 1, "measure_id": 1},
        {"assessment_answer_id": 1, "measure_id": 2},
    )


def precision(row) -> str | None:
    return None if row is None else "day"


def date_precision(filled: Filled) -> None:
    filled.column("measure", "start_date_precision", lambda row: precision(row["start_date"]))
    filled.column("measure", "end_date_precision", lambda row: precision(row["end_date"]))
    measure = dict(filled.rows["measure"][1], id=3, title="Semaine de l'accueil")
    measure.update(start_date=date(2025, 1, 1), start_date_precision="year")
    measure.update(end_date=date(2025, 3, 31), end_date_precision="month")
    filled.add("measure", measure)


def attachments(filled: Filled) -> None:
    documents = [
        (1, "délibération 12.pdf", "application/pdf", DOCUMENT),
        (2, "photo.png", "image/png", PICTURE),
    ]
    filled.add(
        "attachment",
        *(
            {
                "id": i,
                "file_name": name,
                "media_type": kind,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
                "created_at": AT,
                "created_by_id": 2,
            }
            for i, name, kind, data in documents
        ),
    )
    filled.add("measure_attachment", {"measure_id": 1, "attachment_id": 1})
    filled.add("assessment_answer_attachment", {"assessment_answer_id": 1, "attachment_id": 2})


def good_practices(filled: Filled) -> None:
    for column in ("good_practice_note", "good_practice_at", "good_practice_by_id"):
        filled.column("measure", column)
    table = filled.tables["measure"]
    marked = {
        "good_practice_note": "Des horaires adaptés aux femmes.",
        "good_practice_at": LATER,
        "good_practice_by_id": 1,
    }
    filled.conn.execute(table.update().where(table.c.id == 1).values(**marked))
    filled.rows["measure"][0].update(marked)


def sign_in_attempts(filled: Filled) -> None:
    # Accounts there already are not asked to change their password.
    filled.column("user", "must_change_password", lambda row: False)
    filled.add(
        "sign_in_attempt",
        {"id": 1, "email": "figuig@example.org", "address": "192.0.2.7", "at": LATER},
        {"id": 2, "email": "inconnu@example.org", "address": "2001:db8:1::", "at": LATER},
    )
    table = filled.tables["user"]
    second = filled.rows["user"][1]
    filled.conn.execute(
        table.update().where(table.c.id == second["id"]).values(must_change_password=True)
    )
    second["must_change_password"] = True


def notifications(filled: Filled) -> None:
    # Accounts there already write in French until they use another language.
    filled.column("user", "language", lambda row: "fr")
    filled.column("user", "last_seen_at")
    filled.column("user", "previous_visit_at")
    table = filled.tables["user"]
    seen = {"language": "ar", "last_seen_at": LATER, "previous_visit_at": AT}
    first = filled.rows["user"][0]
    filled.conn.execute(table.update().where(table.c.id == first["id"]).values(**seen))
    first.update(seen)


# What each revision introduced, as data; a revision of indexes only adds none.
STEPS = {
    "0001": territories,
    "0002": records,
    "0003": None,
    "0004": actor,
    "0005": None,
    "0006": organisation_names,
    "0009": assessments,
    "0010": date_precision,
    "0011": attachments,
    "0012": good_practices,
    "0013": sign_in_attempts,
    "0014": notifications,
    "0015": None,
}
