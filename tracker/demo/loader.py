"""Loading the demo dataset: accounts, organisations, programmes, measures and
self-assessments, reviewed.

Everything is written through the same service functions as a real officer's
forms (`tracker.records.service`), so the rules are checked and the history is
kept as if people had typed it: each collectivity's officer records its
programme, measures and assessments (`tracker.assessment.service`), the coordinator of its region validates or returns them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from tracker.accounts import create_user, find_user
from tracker.assessment.service import existing_assessment, save_assessment
from tracker.demo.dataset import (
    ACCOUNTS,
    ASSESSMENTS,
    COLLECTIVITIES,
    DEMO_PASSWORD,
    MEASURES,
    ORGANISATIONS,
    PROGRAMME_TEMPLATES,
    REFERENCE_PREFIX,
    Account,
    Collectivity,
    demo_emails,
)
from tracker.extensions import db
from tracker.models import Measure, Organisation, Programme, Sector, Territory, User
from tracker.models.setting import get_setting, set_setting
from tracker.models.territory import search_key
from tracker.records import service

SETTING_KEY = "demo_data"


class DemoError(RuntimeError):
    """The demo data cannot be loaded into this database; the message says why."""


@dataclass
class DemoResult:
    """What a load did: records created by kind, measures and assessments by review
    state, the accounts."""

    already_loaded: bool = False
    accounts_created: int = 0
    organisations_created: int = 0
    programmes_created: int = 0
    measures_created: int = 0
    review_states: dict[str, int] = field(default_factory=dict)
    assessments_created: int = 0
    assessment_states: dict[str, int] = field(default_factory=dict)
    # (email, role, territories as "code name" joined by commas)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A short human summary, one line per kind of record."""
        if self.already_loaded:
            return ["Demo data already loaded: nothing changed."]
        return [
            f"Accounts: {self.accounts_created} created.",
            f"Partner organisations: {self.organisations_created} created.",
            f"Programmes: {self.programmes_created} created.",
            self.measures_line(),
            self.assessments_line(),
        ]

    def measures_line(self) -> str:
        """How many measures were created, and in which review state."""
        return _created_line("Measures", self.measures_created, self.review_states)

    def assessments_line(self) -> str:
        """How many assessments were created, and in which review state."""
        return _created_line("Assessments", self.assessments_created, self.assessment_states)


def _created_line(kind: str, created: int, states: dict[str, int]) -> str:
    by_state = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
    return f"{kind}: {created} created" + (f" ({by_state})." if by_state else ".")


def demo_loaded() -> bool:
    """Whether the illustrative dataset is loaded (pages then say it is demo data)."""
    return get_setting(SETTING_KEY) == "1"


def resolve_collectivity(collectivity: Collectivity) -> Territory:
    """The territory of a demo collectivity; raises `DemoError` if it is not in the table."""
    if collectivity.level != "commune":
        territory = db.session.get(Territory, collectivity.province or collectivity.region)
    else:
        wanted = search_key(collectivity.name)
        territory = next(
            (
                t
                for t in db.session.scalars(
                    select(Territory).where(Territory.parent_code == collectivity.province)
                )
                if search_key(t.name_fr) == wanted
            ),
            None,
        )
    if territory is None:
        raise DemoError(
            f"Territory not found: {collectivity.province or collectivity.region} "
            f"{collectivity.name}. Load the territories first "
            "(flask --app tracker territories load)."
        )
    return territory


def _account(account: Account, territories: dict[str, Territory], result: DemoResult) -> User:
    """The demo account, created if missing; an existing one must have the account's role."""
    user = find_user(account.email)
    if user is None:
        codes = [territories[account.collectivity].code] if account.collectivity else []
        user = create_user(account.email, DEMO_PASSWORD, account.role, codes)
        result.accounts_created += 1
    elif user.role != account.role:
        raise DemoError(
            f"{account.email} exists with the role {user.role}, not {account.role}: "
            "remove it first."
        )
    return user


# A collectivity's officer records its programme and measures; its region's coordinator
# reviews them.
Team = tuple[User, User]


def _review(team: Team, entity: str, record, state: str, comment: str | None) -> None:
    """Take a new record to `state` the way people would: submit, then validate or return."""
    officer, coordinator = team
    if state == "draft":
        return
    service.transition(officer, entity, record, "submit")
    if state == "validated":
        service.transition(coordinator, entity, record, "validate")
    elif state == "returned":
        service.transition(coordinator, entity, record, "return", comment)


def _account_rows() -> list[tuple[str, str, str]]:
    """(email, role, territories) of each demo account that exists."""
    rows = []
    for email in demo_emails():
        user = find_user(email)
        if user is None:
            continue
        names = ", ".join(f"{t.code} {t.name_fr}" for t in user.territories) or "-"
        rows.append((user.email, user.role, names))
    return rows


def _organisations(users: dict[str, User], result: DemoResult) -> dict[str, Organisation]:
    """Each partner organisation by its key, recorded by its account unless already there."""
    partners: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        existing = db.session.scalar(
            select(Organisation).where(
                Organisation.name_fr == spec.name_fr, Organisation.deleted_at.is_(None)
            )
        )
        if existing is None:
            existing = service.save_organisation(
                users[spec.recorded_by],
                {
                    "name_fr": spec.name_fr,
                    "name_ar": spec.name_ar,
                    "kind": spec.kind,
                    "country": spec.country,
                    "website": spec.website,
                },
            )
            result.organisations_created += 1
        partners[spec.key] = existing
    return partners


def _of(name: str) -> str:
    """French "de" before a name, elided before a vowel: "de Tanger", "d'Al Hoceima"."""
    return f"d'{name}" if name[:1].upper() in "AEIOUYÉÈÊÂÎÔ" else f"de {name}"


def _programme_raw(collectivity: Collectivity, territory: Territory, reference: str) -> dict:
    """The programme form's values for a collectivity, titled from the reference names."""
    kind = collectivity.programme_kind
    spec = PROGRAMME_TEMPLATES[kind]
    title = spec.title_ar if collectivity.arabic_title else spec.title_fr
    return {
        "territory_code": territory.code,
        "kind": kind,
        "title": title.format(
            name=collectivity.name,
            of_name_fr=_of(territory.name_fr),
            name_ar=territory.name_ar,
            first_year=spec.first_year,
            last_year=spec.last_year,
        ),
        "first_year": spec.first_year,
        "last_year": spec.last_year,
        "adopted_on": collectivity.adopted_on,
        "integration": collectivity.integration,
        "reference": reference,
    }


def _teams(users: dict[str, User]) -> dict[str, Team]:
    """(officer, coordinator) of each collectivity, by its slug."""
    officers = {a.collectivity: users[a.email] for a in ACCOUNTS if a.role == "officer"}
    coordinators = {
        COLLECTIVITIES[a.collectivity].region: users[a.email]
        for a in ACCOUNTS
        if a.role == "coordinator"
    }
    return {slug: (officers[slug], coordinators[c.region]) for slug, c in COLLECTIVITIES.items()}


def _programmes(
    territories: dict[str, Territory], teams: dict[str, Team], result: DemoResult
) -> dict[str, Programme]:
    """One programme per collectivity, by its slug: a PDR for a regional council, a PDP for a
    provincial council, a PAC for a commune, recorded and reviewed unless its `DEMO-` reference is already there."""
    programmes: dict[str, Programme] = {}
    for slug, collectivity in COLLECTIVITIES.items():
        reference = f"{REFERENCE_PREFIX}{collectivity.programme_kind}-{slug}"
        programme = db.session.scalar(select(Programme).where(Programme.reference == reference))
        if programme is None:
            raw = _programme_raw(collectivity, territories[slug], reference)
            programme = service.save_programme(teams[slug][0], raw)
            _review(teams[slug], "programme", programme, collectivity.programme_review, None)
            result.programmes_created += 1
        programmes[slug] = programme
    return programmes


def _measures(
    territories: dict[str, Territory],
    teams: dict[str, Team],
    programmes: dict[str, Programme],
    partners: dict[str, Organisation],
    result: DemoResult,
) -> None:
    """Each measure of the data file, recorded and reviewed unless its reference is there."""
    for spec in MEASURES:
        if db.session.scalar(select(func.count()).where(Measure.reference == spec.reference)):
            continue
        slug = spec.collectivity
        programme = programmes[slug]
        raw = dict(
            spec.fields,
            reference=spec.reference,
            territory_code=territories[slug].code,
            programme_id=programme.id if programme.deleted_at is None else None,
            partners=[partners[key].id for key in spec.partners],
        )
        measure = service.save_measure(teams[slug][0], raw)
        _review(teams[slug], "measure", measure, spec.review, spec.comment)
        result.measures_created += 1
        result.review_states[spec.review] = result.review_states.get(spec.review, 0) + 1


def _assessments(
    territories: dict[str, Territory], teams: dict[str, Team], result: DemoResult
) -> None:
    """Each assessment of the data file, answered and reviewed unless the collectivity
    already has one for that year; cited measures are found by their `DEMO-` reference."""
    references = {
        r for spec in ASSESSMENTS for a in spec.answers.values() for r in a.get("measures", ())
    }
    measure_ids = dict(
        db.session.execute(
            select(Measure.reference, Measure.id).where(Measure.reference.in_(references))
        ).all()
    )
    for spec in ASSESSMENTS:
        code = territories[spec.collectivity].code
        if existing_assessment(code, spec.year) is not None:
            continue
        answers = {
            key: dict(
                {k: v for k, v in answer.items() if k != "measures"},
                measure_ids=[measure_ids[r] for r in answer.get("measures", ())],
            )
            for key, answer in spec.answers.items()
        }
        officer = teams[spec.collectivity][0]
        data = {"territory_code": code, "year": spec.year, "answers": answers}
        assessment = save_assessment(officer, data)
        _review(teams[spec.collectivity], "assessment", assessment, spec.review, spec.comment)
        result.assessments_created += 1
        states = result.assessment_states
        states[spec.review] = states.get(spec.review, 0) + 1


def _load(progress: Callable[[str], None]) -> DemoResult:
    result = DemoResult()
    if db.session.scalar(select(func.count()).select_from(Sector)) == 0:
        raise DemoError("The sector list is empty: run `flask --app tracker init-db` first.")
    territories = {slug: resolve_collectivity(c) for slug, c in COLLECTIVITIES.items()}

    users = {account.email: _account(account, territories, result) for account in ACCOUNTS}
    db.session.flush()
    progress(f"Accounts: {result.accounts_created} created.")
    teams = _teams(users)

    partners = _organisations(users, result)
    progress(f"Partner organisations: {result.organisations_created} created.")

    programmes = _programmes(territories, teams, result)
    progress(f"Programmes: {result.programmes_created} created.")

    _measures(territories, teams, programmes, partners, result)
    progress(result.measures_line())

    _assessments(territories, teams, result)
    progress(result.assessments_line())
    return result


def load_demo(progress: Callable[[str], None] = print) -> DemoResult:
    """Load the illustrative pilot dataset and mark the installation as holding demo data.

    Safe to run again: when the `demo_data` setting is on nothing is done, and
    records already present (same e-mail, organisation name or `DEMO-` reference, an
    assessment of the same collectivity and year) are not created twice. Commits once at the end; on any error rolls everything
    back and re-raises. Raises `DemoError` when the territories or sectors are
    missing or a demo e-mail belongs to an account with another role.
    """
    if demo_loaded():
        progress("Demo data already loaded: nothing to do.")
        return DemoResult(already_loaded=True, accounts=_account_rows())
    try:
        result = _load(progress)
        set_setting(SETTING_KEY, "1")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    result.accounts = _account_rows()
    return result
