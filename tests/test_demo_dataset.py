"""The illustrative pilot dataset once loaded: the accounts, partners, programmes and
measures it holds, each record of its data files with its values, Figuig's focal point and
reception cell, places inside their regions, consistent counts, a history written as by
real users, and a second load that changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.demo_support import app_on
from tests.demo_support import demo_measures as _demo_measures
from tests.demo_support import table_counts as _counts
from tests.support import FIGUIG, dispose
from tracker.demo import (
    ACCOUNTS,
    COLLECTIVITIES,
    DEMO_PASSWORD,
    MEASURES,
    ORGANISATIONS,
    PROGRAMME_TEMPLATES,
    REFERENCE_PREFIX,
    demo_emails,
    demo_loaded,
    load_demo,
    resolve_collectivity,
)
from tracker.extensions import db
from tracker.models import AuditEntry, Measure, Organisation, Programme, Sector, Setting, User
from tracker.vocab import MEASURE_STATUSES, REVIEW_STATES


@pytest.fixture
def loaded(tmp_path, demo_database_url):
    """An app on a fresh copy of the demo database, inside an app context."""
    app = app_on(demo_database_url, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
    dispose(app)


def test_load_creates_the_pilot_dataset(loaded):
    emails = set(db.session.scalars(select(User.email)))
    assert set(demo_emails()) <= emails
    assert all(e.endswith("@example.org") for e in demo_emails())
    roles = {u.role for u in db.session.scalars(select(User))}
    assert roles == {"admin", "coordinator", "officer"}

    names = " ".join(db.session.scalars(select(Organisation.name)))
    for partner in ("OIM", "HCR", "FAMSI", "Progettomondo", "Université Mohammed Premier"):
        assert partner in names
    kinds = set(db.session.scalars(select(Organisation.kind)))
    assert {
        "association",
        "international",
        "state_service",
        "university",
        "foreign_local_government",
    } <= kinds

    programmes = list(db.session.scalars(select(Programme)))
    assert len(programmes) >= 6
    assert {p.territory_code for p in programmes if p.kind == "PDR"} == {"01", "02", "05"}
    assert {p.territory_code for p in programmes if p.kind == "PDP"} == {"02.251"}
    assert {p.integration for p in programmes} == {"absent", "mentioned", "dedicated"}

    measures = _demo_measures()
    assert len(measures) >= 40
    assert len(measures) == len(MEASURES)
    all_sectors = set(db.session.scalars(select(Sector.key)))
    assert len(all_sectors) == 11
    assert {s.key for m in measures for s in m.sectors} == all_sectors
    validated = [m for m in measures if m.review_state == "validated"]
    assert {s.key for m in validated for s in m.sectors} == all_sectors
    assert {m.status for m in measures} == set(MEASURE_STATUSES)
    assert {m.review_state for m in measures} == set(REVIEW_STATES)
    years = {m.start_date.year for m in measures if m.start_date}
    assert {2022, 2023, 2024, 2025, 2026} <= years
    assert all(m.programme_id is not None for m in measures)
    assert demo_loaded()


def _as_written(value):
    """A column's value as the data files write it: dates in ISO form, amounts as numbers."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _user_id(email: str) -> int | None:
    return db.session.scalar(select(User.id).where(User.email == email))


def test_the_data_files_hold_consistent_records():
    """References are unique, and every key a record names is defined in its file."""
    references = [spec.reference for spec in MEASURES]
    assert len(set(references)) == len(references)
    assert all(
        r.startswith(f"{REFERENCE_PREFIX}{s.collectivity}-") for r, s in zip(references, MEASURES)
    )
    keys = {o.key for o in ORGANISATIONS}
    emails = {a.email for a in ACCOUNTS}
    assert len(keys) == len(ORGANISATIONS) and len(emails) == len(ACCOUNTS)
    assert {o.recorded_by for o in ORGANISATIONS} <= emails
    assert {a.collectivity for a in ACCOUNTS if a.role == "officer"} == set(COLLECTIVITIES)
    coordinated = {
        COLLECTIVITIES[a.collectivity].region for a in ACCOUNTS if a.role == "coordinator"
    }
    assert coordinated == {c.region for c in COLLECTIVITIES.values()}
    for spec in MEASURES:
        assert spec.collectivity in COLLECTIVITIES
        assert set(spec.partners) <= keys
        assert (spec.comment is not None) == (spec.review == "returned"), spec.reference


def test_every_record_of_the_data_files_is_loaded(loaded):
    """Each account, organisation, programme and measure of the data files, with its values."""
    codes = {slug: resolve_collectivity(c).code for slug, c in COLLECTIVITIES.items()}
    for account in ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == account.email))
        assert user is not None and user.role == account.role, account.email
        expected = [codes[account.collectivity]] if account.collectivity else []
        assert [t.code for t in user.territories] == expected
        assert user.check_password(DEMO_PASSWORD)

    for spec in ORGANISATIONS:
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == spec.name))
        assert organisation is not None, spec.name
        assert (organisation.kind, organisation.country, organisation.website) == (
            spec.kind,
            spec.country,
            spec.website,
        )
        assert organisation.created_by_id == _user_id(spec.recorded_by)

    for slug, collectivity in COLLECTIVITIES.items():
        kind = collectivity.programme_kind
        programme = db.session.scalar(
            select(Programme).where(Programme.reference == f"{REFERENCE_PREFIX}{kind}-{slug}")
        )
        assert programme is not None, slug
        assert (programme.territory_code, programme.kind) == (codes[slug], kind)
        years = PROGRAMME_TEMPLATES[kind].first_year, PROGRAMME_TEMPLATES[kind].last_year
        assert (programme.first_year, programme.last_year) == years
        assert programme.integration == collectivity.integration
        assert programme.adopted_on.isoformat() == collectivity.adopted_on
        assert programme.review_state == collectivity.programme_review
        arabic = "\u0600" <= programme.title[0] <= "\u06ff"
        assert arabic == collectivity.arabic_title, programme.title

    names = {o.key: o.name for o in ORGANISATIONS}
    for spec in MEASURES:
        measure = db.session.scalar(select(Measure).where(Measure.reference == spec.reference))
        assert measure is not None, spec.reference
        assert measure.territory_code == codes[spec.collectivity]
        assert measure.programme.reference.endswith(f"-{spec.collectivity}")
        assert (measure.review_state, measure.review_comment) == (spec.review, spec.comment)
        assert sorted(p.name for p in measure.partners) == sorted(names[k] for k in spec.partners)
        for key, value in spec.fields.items():
            if key == "sectors":
                assert {s.key for s in measure.sectors} == set(value), spec.reference
            else:
                assert _as_written(getattr(measure, key)) == value, (spec.reference, key)


def test_figuig_has_its_focal_point_and_a_validated_reception_cell(loaded):
    officer = db.session.scalar(select(User).where(User.email == "figuig.officer@example.org"))
    assert [t.code for t in officer.territories] == [FIGUIG]
    assert officer.check_password(DEMO_PASSWORD)

    cells = [
        m
        for m in _demo_measures()
        if m.territory_code == FIGUIG and m.kind == "reception" and m.review_state == "validated"
    ]
    assert cells
    cell = cells[0]
    assert "Cellule d'accueil" in cell.title and "خلية استقبال" in cell.title
    # Figuig town, inside the commune.
    assert 32.0 < float(cell.latitude) < 32.2 and -1.35 < float(cell.longitude) < -1.1
    assert any("point focal" in m.title for m in _demo_measures() if m.territory_code == FIGUIG)


def test_every_place_has_a_point_and_every_point_is_in_its_region(loaded):
    boxes = {
        "02": (32.0, 35.3, -4.0, -1.0),
        "01": (34.6, 36.0, -6.2, -3.6),
        "05": (31.5, 33.4, -7.2, -5.0),
    }
    for m in _demo_measures():
        if m.kind in ("reception", "legal_clinic"):
            assert m.latitude is not None, m.title
        if m.latitude is not None:
            south, north, west, east = boxes[m.territory.region_code]
            assert south < float(m.latitude) < north and west < float(m.longitude) < east


def test_counts_are_aggregate_and_consistent(loaded):
    measures = _demo_measures()
    for m in measures:
        if m.beneficiaries_total is None:
            assert m.beneficiaries_women is None and m.beneficiaries_men is None
            continue
        assert (m.beneficiaries_women or 0) + (m.beneficiaries_men or 0) <= m.beneficiaries_total
        assert (m.beneficiaries_minors or 0) <= m.beneficiaries_total
    small = [m for m in measures if m.beneficiaries_total and m.beneficiaries_total < 5]
    assert any(m.review_state == "validated" for m in small)
    overspent = [
        m
        for m in measures
        if m.budget_spent is not None
        and m.budget_planned is not None
        and m.budget_spent > m.budget_planned
    ]
    assert overspent and all(m.overspend_reason for m in overspent)
    # Both languages lead somewhere.
    assert any("\u0600" <= m.title[0] <= "\u06ff" for m in measures)
    assert any(m.title[0].isascii() for m in measures)


def test_history_is_written_as_for_real_users(loaded):
    measures = _demo_measures()
    by_id = {m.id: m for m in measures}
    entries = list(
        db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "measure", AuditEntry.entity_id.in_(list(by_id))
            )
        )
    )
    created = {e.entity_id: e for e in entries if e.action == "create"}
    assert set(created) == set(by_id)
    for measure_id, entry in created.items():
        assert entry.user.role == "officer"
        assert by_id[measure_id].territory_code in {t.code for t in entry.user.territories}
    validations = [e for e in entries if e.action == "validate"]
    assert validations and all(e.user.role == "coordinator" for e in validations)
    returned = [m for m in measures if m.review_state == "returned"]
    assert len(returned) >= 2
    assert all(m.review_comment for m in returned)
    assert any("\u0600" <= m.review_comment[0] <= "\u06ff" for m in returned)


def test_loading_twice_changes_nothing(loaded):
    before = _counts()
    result = load_demo(progress=lambda line: None)
    assert result.already_loaded
    assert result.measures_created == 0
    assert _counts() == before


def test_reload_without_the_setting_does_not_duplicate(loaded):
    """If the setting was removed, records already there are recognised and kept as they are."""
    db.session.delete(db.session.get(Setting, "demo_data"))
    db.session.commit()
    assert not demo_loaded()
    before = _counts()
    result = load_demo(progress=lambda line: None)
    assert not result.already_loaded
    assert (
        result.accounts_created,
        result.organisations_created,
        result.programmes_created,
        result.measures_created,
    ) == (0, 0, 0, 0)
    before["Setting"] += 1
    assert _counts() == before
    assert demo_loaded()
