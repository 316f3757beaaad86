"""The illustrative pilot dataset: `flask --app tracker demo load`.

Three regional councils (Oriental 02, Tanger-Tétouan-Al Hoceïma 01,
Béni Mellal-Khénifra 05) and ten of their communes, Figuig with its migration
focal point and reception cell among them: accounts, partner organisations,
programmes, and measures across every sector, status and review state.

Everything is written through the same service functions as a real officer's
forms (`tracker.records.service`), so the rules are checked and the history is
kept as if people had typed it. The content is plausible, not real: the
programmes, measures, figures and local associations are made up for the
demonstration, and every page says so while the `demo_data` setting is on.
Beneficiaries are aggregate counts only; no person appears anywhere.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from tracker.accounts import create_user, find_user
from tracker.extensions import db
from tracker.models import Measure, Organisation, Programme, Sector, Territory, User
from tracker.models.setting import get_setting, set_setting
from tracker.models.territory import search_key
from tracker.records import service

# The one password of every demo account, published in the README: never use
# these accounts on an installation that holds real records.
DEMO_PASSWORD = "demo-password-2026"
DEMO_DOMAIN = "example.org"
REFERENCE_PREFIX = "DEMO-"
SETTING_KEY = "demo_data"

ADMIN_EMAIL = f"demo.admin@{DEMO_DOMAIN}"


class DemoError(RuntimeError):
    """The demo data cannot be loaded into this database; the message says why."""


# ---- the collectivities -------------------------------------------------------------------


@dataclass(frozen=True)
class Collectivity:
    """A collectivity of the demo: a regional council (no province) or a commune.

    Communes are found by their HCP name within their province, never by a
    typed code, so the demo follows the reference data.
    """

    slug: str
    region: str
    province: str | None
    # A commune's name as HCP spells it; for a regional council, how a French
    # programme title names the region ("de l'Oriental").
    name: str
    integration: str
    adopted_on: str
    arabic_title: bool = False
    programme_review: str = "validated"

    @property
    def is_region(self) -> bool:
        return self.province is None


REGIONS = {
    "02": Collectivity("oriental.region", "02", None, "de l'Oriental", "dedicated", "2022-10-03"),
    "01": Collectivity(
        "tanger-tetouan.region",
        "01",
        None,
        "de Tanger-Tétouan-Al Hoceïma",
        "mentioned",
        "2022-07-04",
        arabic_title=True,
    ),
    "05": Collectivity(
        "beni-mellal.region", "05", None, "de Béni Mellal-Khénifra", "mentioned", "2022-09-05"
    ),
}

COMMUNES = (
    Collectivity("figuig", "02", "02.251", "Figuig", "dedicated", "2023-02-09"),
    Collectivity("oujda", "02", "02.411", "Oujda", "dedicated", "2023-03-02", arabic_title=True),
    Collectivity("nador", "02", "02.381", "Nador", "mentioned", "2023-02-16"),
    Collectivity("berkane", "02", "02.113", "Berkane", "absent", "2023-03-09", arabic_title=True),
    Collectivity("tanger", "01", "01.511", "Tanger", "dedicated", "2023-02-07"),
    Collectivity(
        "tetouan", "01", "01.571", "Tétouan", "mentioned", "2023-02-14", arabic_title=True
    ),
    Collectivity("alhoceima", "01", "01.051", "Al Hoceima", "absent", "2023-03-06"),
    Collectivity(
        "benimellal", "05", "05.091", "Béni Mellal", "mentioned", "2023-02-21", arabic_title=True
    ),
    Collectivity(
        "khouribga",
        "05",
        "05.311",
        "Khouribga",
        "absent",
        "2023-03-13",
        programme_review="submitted",
    ),
    Collectivity(
        "khenifra",
        "05",
        "05.301",
        "Khenifra",
        "mentioned",
        "2023-03-20",
        arabic_title=True,
        programme_review="draft",
    ),
)

COLLECTIVITIES = {c.slug: c for c in (*REGIONS.values(), *COMMUNES)}
COORDINATOR_SLUGS = {"02": "oriental", "01": "tanger-tetouan", "05": "beni-mellal"}


def officer_email(slug: str) -> str:
    """The demo officer's address for the collectivity `slug`."""
    return f"{slug}.officer@{DEMO_DOMAIN}"


def coordinator_email(region: str) -> str:
    """The demo coordinator's address for the region `region`."""
    return f"{COORDINATOR_SLUGS[region]}.coordinator@{DEMO_DOMAIN}"


def demo_emails() -> list[str]:
    """Every demo account's address: the administrator, coordinators, then officers."""
    return (
        [ADMIN_EMAIL]
        + [coordinator_email(r) for r in REGIONS]
        + [officer_email(c.slug) for c in COLLECTIVITIES.values()]
    )


# ---- partner organisations ----------------------------------------------------------------

# key → name, kind, country, website, who records it ("admin" or a collectivity's slug).
ORGANISATIONS: dict[str, tuple[str, str, str, str | None, str]] = {
    "iom": (
        "Organisation internationale pour les migrations (OIM / IOM)",
        "international",
        "CH",
        "https://www.iom.int",
        "admin",
    ),
    "unhcr": (
        "Haut-Commissariat des Nations unies pour les réfugiés (HCR / UNHCR)",
        "international",
        "CH",
        "https://www.unhcr.org",
        "admin",
    ),
    "caritas": ("Caritas Maroc", "association", "MA", None, "admin"),
    "foo": ("Fondation Orient-Occident", "association", "MA", None, "admin"),
    "gadem": (
        ("GADEM – Groupe antiraciste d'accompagnement et de défense des étrangers et migrants"),
        "association",
        "MA",
        None,
        "admin",
    ),
    "cndh": (
        "Conseil national des droits de l'Homme (CNDH)",
        "state_service",
        "MA",
        "https://www.cndh.ma",
        "admin",
    ),
    "entraide": ("Entraide nationale", "state_service", "MA", None, "admin"),
    "anapec": (
        "ANAPEC – Agence nationale de promotion de l'emploi et des compétences",
        "state_service",
        "MA",
        "https://www.anapec.org",
        "admin",
    ),
    "ofppt": (
        "OFPPT – Office de la formation professionnelle et de la promotion du travail",
        "state_service",
        "MA",
        "https://www.ofppt.ma",
        "admin",
    ),
    "health_oriental": (
        "Direction régionale de la santé de l'Oriental",
        "state_service",
        "MA",
        None,
        "admin",
    ),
    "ump": (
        "Université Mohammed Premier (Oujda)",
        "university",
        "MA",
        "https://www.ump.ma",
        "admin",
    ),
    "usms": ("Université Sultan Moulay Slimane (Béni Mellal)", "university", "MA", None, "admin"),
    "famsi": (
        "FAMSI – Fondo Andaluz de Municipios para la Solidaridad Internacional",
        "foreign_local_government",
        "ES",
        "https://www.famsi.es",
        "admin",
    ),
    "malaga": ("Ayuntamiento de Málaga", "foreign_local_government", "ES", None, "admin"),
    "progettomondo": (
        "Progettomondo",
        "association",
        "IT",
        "https://www.progettomondo.org",
        "admin",
    ),
    "acoge": ("Andalucía Acoge", "association", "ES", None, "admin"),
    # Local associations: illustrative names, recorded by the commune's officer.
    "figuig_assoc": (
        "Association de solidarité des oasis de Figuig",
        "association",
        "MA",
        None,
        "figuig",
    ),
    "oujda_assoc": (
        "Association oujdie d'accueil et d'accompagnement des migrants",
        "association",
        "MA",
        None,
        "oujda",
    ),
}


# ---- measures -----------------------------------------------------------------------------


def _m(
    where: str,
    title: str,
    description: str,
    *,
    sectors: tuple[str, ...],
    kind: str,
    status: str,
    targets: tuple[str, ...] = (),
    start: str | None = None,
    end: str | None = None,
    planned: int | None = None,
    spent: int | None = None,
    overspend: str | None = None,
    funding: tuple[str, ...] = (),
    partners: tuple[str, ...] = (),
    counts: tuple | None = None,
    progress: int | None = None,
    evidence: str | None = None,
    point: tuple[float, float] | None = None,
    review: str = "validated",
    comment: str | None = None,
) -> dict[str, Any]:
    """One demo measure; `counts` is (total, women, men, minors), any of them None."""
    total, women, men, minors = counts or (None, None, None, None)
    return {
        "where": where,
        "review": review,
        "comment": comment,
        "partner_keys": partners,
        "raw": {
            "title": title,
            "description": description,
            "sectors": list(sectors),
            "kind": kind,
            "status": status,
            "target_groups": list(targets),
            "start_date": start,
            "end_date": end,
            "budget_planned": planned,
            "budget_spent": spent,
            "overspend_reason": overspend,
            "funding_sources": list(funding),
            "beneficiaries_total": total,
            "beneficiaries_women": women,
            "beneficiaries_men": men,
            "beneficiaries_minors": minors,
            "progress": progress,
            "evidence": evidence,
            "latitude": point[0] if point else None,
            "longitude": point[1] if point else None,
        },
    }


REG, IRR, REF, ASY, RET, HOST = (
    "regular_migrants",
    "irregular_migrants",
    "refugees",
    "asylum_seekers",
    "returning_moroccans",
    "host_population",
)

# Points are near the real town centres (WGS 84, latitude first), within each commune.
MEASURES: tuple[dict[str, Any], ...] = (
    # -- Figuig, the pilot commune and focal point -------------------------------------------
    _m(
        "figuig",
        "Cellule d'accueil et d'orientation des migrants — خلية استقبال وتوجيه المهاجرين",
        "Guichet ouvert au siège de la commune, tenu par le point focal migration et deux agents "
        "formés : accueil, information sur les droits et les services, orientation vers les "
        "centres de santé, l'école, l'Entraide nationale et les associations partenaires. "
        "Permanence trois jours par semaine.\n\n"
        "شباك مفتوح بمقر الجماعة تشرف عليه نقطة الارتكاز المكلفة بالهجرة وعونان مكوَّنان: "
        "الاستقبال، والإخبار بالحقوق والخدمات، والتوجيه نحو المراكز الصحية والمدرسة والتعاون "
        "الوطني والجمعيات الشريكة، ثلاثة أيام في الأسبوع.",
        sectors=("social_humanitarian", "governance_communication"),
        kind="reception",
        status="ongoing",
        targets=(REG, IRR, ASY, REF),
        start="2023-03-01",
        planned=420000,
        spent=365000,
        funding=("own_budget", "international"),
        partners=("iom", "progettomondo", "figuig_assoc", "entraide"),
        counts=(214, 61, 139, 27),
        progress=70,
        evidence="Registre d'accueil agrégé (passages par mois) ; rapport d'activité 2025 "
        "présenté au conseil communal.",
        point=(32.1085, -1.2275),
    ),
    _m(
        "figuig",
        "Désignation d'un point focal migration au sein de la commune",
        "Arrêté du président désignant une cadre de la division des affaires sociales comme "
        "point focal migration, interlocutrice des services de l'État, des organisations "
        "internationales et des associations.\n\n"
        "تعيين نقطة ارتكاز مكلفة بالهجرة داخل قسم الشؤون الاجتماعية، مخاطَبة للمصالح اللاممركزة "
        "والمنظمات الدولية والجمعيات.",
        sectors=("governance_communication",),
        kind="other",
        status="completed",
        start="2023-01-16",
        end="2023-01-16",
        funding=("own_budget",),
        progress=100,
        evidence="Arrêté de désignation communiqué au conseil communal.",
    ),
    _m(
        "figuig",
        "Participation de Figuig, point focal, au forum national sur les politiques "
        "migratoires territoriales",
        "Présentation de l'expérience de la cellule d'accueil au forum du 5 août 2025 « vers "
        "des collectivités inclusives et culturellement diverses », et échanges avec les régions "
        "de l'Oriental, de Tanger-Tétouan-Al Hoceïma et de Béni Mellal-Khénifra.\n\n"
        "مشاركة جماعة فجيج بصفتها نقطة ارتكاز في المنتدى الوطني حول السياسات الترابية للهجرة.",
        sectors=("international_cooperation", "governance_communication"),
        kind="consultation",
        status="completed",
        start="2025-08-05",
        end="2025-08-05",
        planned=15000,
        spent=12400,
        funding=("own_budget", "ngo"),
        partners=("progettomondo", "famsi"),
        progress=100,
    ),
    _m(
        "figuig",
        "قافلة طبية متنقلة لفائدة المهاجرين والساكنة المستقبِلة",
        "قافلة طبية لمدة ثلاثة أيام بالقصور: فحوصات الطب العام وطب الأطفال وصحة الأم، مفتوحة "
        "لجميع السكان.\n\n"
        "Caravane médicale de trois jours dans les ksour : médecine générale, pédiatrie et santé "
        "maternelle, ouverte à tous les habitants.",
        sectors=("health",),
        kind="service",
        status="completed",
        targets=(REG, IRR, HOST),
        start="2024-04-22",
        end="2024-04-24",
        planned=90000,
        spent=86500,
        funding=("own_budget", "state"),
        partners=("health_oriental", "figuig_assoc"),
        counts=(380, 172, 208, 95),
        progress=100,
    ),
    _m(
        "figuig",
        "Cours de soutien en arabe et en français pour les enfants migrants scolarisés",
        "Deux séances par semaine après l'école, animées par des enseignants bénévoles, pour "
        "aider les enfants à suivre en classe.\n\n"
        "دروس دعم في اللغتين العربية والفرنسية لفائدة الأطفال المهاجرين المتمدرسين.",
        sectors=("education_culture",),
        kind="service",
        status="ongoing",
        targets=(REG, REF),
        start="2024-10-01",
        planned=60000,
        spent=38000,
        funding=("own_budget", "ngo"),
        partners=("figuig_assoc",),
        counts=(23, 11, 12, 23),
        progress=55,
    ),
    _m(
        "figuig",
        "إيواء استعجالي مؤقت خلال موجة البرد",
        "إيواء مؤقت بمحل جماعي مجهز خلال موجة البرد لشهر يناير 2025.\n\n"
        "Hébergement temporaire d'urgence dans un local communal aménagé pendant la vague de "
        "froid de janvier 2025.",
        sectors=("housing", "social_humanitarian"),
        kind="service",
        status="completed",
        targets=(IRR, ASY),
        start="2025-01-08",
        end="2025-02-15",
        planned=25000,
        spent=31200,
        overspend="Vague de froid prolongée de trois semaines : chauffage et repas "
        "supplémentaires.",
        funding=("own_budget",),
        partners=("figuig_assoc", "entraide"),
        counts=(4, 1, 3, 1),
        progress=100,
    ),
    _m(
        "figuig",
        "Formation des agents communaux et des élus à l'accueil des personnes migrantes",
        "Trois jours de formation : cadre juridique, droits d'accès aux services, accueil sans "
        "discrimination, orientation.\n\n"
        "تكوين الموظفين الجماعيين والمنتخبين في استقبال المهاجرين.",
        sectors=("governance_communication", "regulatory_framework"),
        kind="training",
        status="completed",
        start="2024-02-12",
        end="2024-02-14",
        planned=40000,
        spent=40000,
        funding=("international",),
        partners=("iom", "progettomondo"),
        counts=(18, 7, 11, 0),
        progress=100,
    ),
    _m(
        "figuig",
        "Diagnostic territorial de la présence migrante à Figuig",
        "Étude des besoins et des services existants, avec l'université, pour préparer la "
        "révision du programme d'action.\n\n"
        "تشخيص ترابي لحضور المهاجرين بفجيج واحتياجاتهم.",
        sectors=("governance_communication",),
        kind="study",
        status="planned",
        start="2026-12-01",
        end="2027-06-30",
        planned=120000,
        funding=("international", "own_budget"),
        partners=("ump", "progettomondo"),
        review="draft",
    ),
    _m(
        "figuig",
        "Journée interculturelle des oasis",
        "Journée de rencontres, de musique et de cuisine entre habitants et personnes migrantes "
        "installées dans l'oasis.\n\n"
        "يوم ثقافي للتعارف بين سكان الواحة والمهاجرين المقيمين بها.",
        sectors=("youth_leisure", "education_culture"),
        kind="awareness",
        status="completed",
        targets=(REG, HOST),
        start="2025-05-17",
        end="2025-05-17",
        planned=20000,
        spent=18500,
        funding=("own_budget",),
        partners=("figuig_assoc",),
        counts=(150, None, None, None),
        progress=100,
        review="returned",
        comment="Merci d'indiquer le nombre de participants par sexe et de joindre le "
        "programme de la journée.",
    ),
    # -- Oujda -----------------------------------------------------------------------------
    _m(
        "oujda",
        "Clinique juridique pour les migrants avec la Faculté de droit de l'Université "
        "Mohammed Premier",
        "Permanence hebdomadaire d'étudiants de master encadrés par des enseignants et des "
        "avocats bénévoles : information juridique, aide aux démarches de séjour et d'état "
        "civil, orientation vers l'aide judiciaire.\n\n"
        "عيادة قانونية أسبوعية يؤطرها أساتذة ومحامون متطوعون: الإرشاد القانوني، والمساعدة في "
        "إجراءات الإقامة والحالة المدنية، والتوجيه نحو المساعدة القضائية.",
        sectors=("regulatory_framework", "social_humanitarian"),
        kind="legal_clinic",
        status="ongoing",
        targets=(REG, IRR, ASY, REF),
        start="2023-11-06",
        planned=180000,
        spent=121000,
        funding=("own_budget", "international"),
        partners=("ump", "gadem", "oujda_assoc"),
        counts=(146, 52, 94, 9),
        progress=60,
        evidence="Convention commune–université (2023) ; bilan semestriel agrégé.",
        point=(34.6525, -1.8985),
    ),
    _m(
        "oujda",
        "Convention de partenariat avec l'OIM pour l'orientation et l'aide au retour volontaire",
        "Convention de trois ans : orientation des personnes vers les services, information sur "
        "l'aide au retour volontaire et à la réintégration.\n\n"
        "اتفاقية شراكة مع المنظمة الدولية للهجرة للتوجيه والمساعدة على العودة الطوعية.",
        sectors=("international_cooperation", "flows_trafficking"),
        kind="partnership",
        status="completed",
        start="2022-06-15",
        end="2022-06-15",
        funding=("international",),
        partners=("iom",),
        progress=100,
        evidence="Convention signée le 15 juin 2022, copie au secrétariat général.",
    ),
    _m(
        "oujda",
        "Accès des migrants en situation régulière aux formations qualifiantes de l'OFPPT",
        "Places réservées et prise en charge des frais d'inscription ; accompagnement par "
        "l'association partenaire.\n\n"
        "ولوج المهاجرين في وضعية قانونية إلى التكوينات التأهيلية.",
        sectors=("vocational_training",),
        kind="partnership",
        status="ongoing",
        targets=(REG, REF),
        start="2024-09-15",
        planned=250000,
        spent=140000,
        funding=("state", "own_budget"),
        partners=("ofppt", "oujda_assoc"),
        counts=(42, 15, 27, 0),
        progress=50,
    ),
    _m(
        "oujda",
        "مواكبة المهاجرين حاملي المشاريع نحو التشغيل الذاتي",
        "مواكبة وتكوين وتمويل أولي لمشاريع صغيرة يحملها مهاجرون وشباب من الحي.\n\n"
        "Accompagnement, formation et petit financement de démarrage de micro-projets portés par "
        "des migrants et des jeunes du quartier.",
        sectors=("employment",),
        kind="service",
        status="ongoing",
        targets=(REG, HOST),
        start="2024-03-01",
        planned=300000,
        spent=342000,
        overspend="Douze projets retenus au lieu de dix par le comité de sélection, financés "
        "par redéploiement de crédits.",
        funding=("own_budget", "international"),
        partners=("anapec", "iom", "oujda_assoc"),
        counts=(12, 5, 7, 0),
        progress=75,
    ),
    _m(
        "oujda",
        "Campagne de sensibilisation contre les discriminations dans les services publics",
        "Affiches, spots radio et rencontres avec les agents des guichets autour de la Journée "
        "internationale des migrants (18 décembre).\n\n"
        "حملة تحسيسية لمناهضة التمييز في المرافق العمومية.",
        sectors=("governance_communication",),
        kind="awareness",
        status="completed",
        targets=(HOST,),
        start="2024-12-01",
        end="2024-12-18",
        planned=45000,
        spent=43800,
        funding=("own_budget",),
        partners=("cndh", "gadem"),
        progress=100,
    ),
    _m(
        "oujda",
        "مركز نهاري لاستقبال المهاجرين وتوجيههم",
        "مركز نهاري يوفر الاستحمام والوجبات والتوجيه الاجتماعي والطبي، في بناية جماعية ستتم "
        "إعادة تأهيلها.\n\n"
        "Centre de jour : douches, repas, orientation sociale et médicale, dans un bâtiment "
        "communal à réhabiliter.",
        sectors=("social_humanitarian", "health"),
        kind="reception",
        status="planned",
        targets=(IRR, ASY, REF),
        start="2026-12-15",
        end="2028-12-31",
        planned=1200000,
        funding=("own_budget", "region", "international"),
        partners=("caritas", "iom"),
        point=(34.6790, -1.9120),
        review="submitted",
    ),
    _m(
        "oujda",
        "Formation des acteurs locaux à l'identification et à l'orientation des victimes de "
        "la traite",
        "Agents communaux, travailleurs sociaux et associations : repérer, protéger, orienter.\n\n"
        "تكوين الفاعلين المحليين في رصد ضحايا الاتجار بالبشر وتوجيههم.",
        sectors=("flows_trafficking",),
        kind="training",
        status="completed",
        start="2025-03-10",
        end="2025-03-12",
        planned=60000,
        spent=55000,
        funding=("international",),
        partners=("iom", "cndh"),
        counts=(35, 17, 18, 0),
        progress=100,
    ),
    # -- Nador -----------------------------------------------------------------------------
    _m(
        "nador",
        "Distribution de kits d'hiver (couvertures, vêtements chauds) avec les associations",
        "Distribution coordonnée par la commune, les associations et l'Entraide nationale.\n\n"
        "توزيع أغطية وملابس شتوية بتنسيق مع الجمعيات والتعاون الوطني.",
        sectors=("social_humanitarian",),
        kind="service",
        status="completed",
        targets=(IRR, ASY, REF),
        start="2023-12-10",
        end="2024-01-31",
        planned=150000,
        spent=147500,
        funding=("own_budget", "ngo"),
        partners=("caritas", "entraide"),
        counts=(640, 118, 522, 96),
        progress=100,
    ),
    _m(
        "nador",
        "توجيه النساء المهاجرات الحوامل نحو تتبع الحمل بالمراكز الصحية",
        "مواكبة النساء نحو مراكز الصحة للتتبع قبل الولادة وبعدها.\n\n"
        "Orientation des femmes enceintes vers le suivi prénatal et postnatal dans les centres "
        "de santé.",
        sectors=("health",),
        kind="service",
        status="ongoing",
        targets=(REG, IRR, REF),
        start="2024-05-01",
        planned=70000,
        spent=41000,
        funding=("own_budget", "state"),
        partners=("health_oriental", "caritas"),
        counts=(58, 58, 0, None),
        progress=60,
    ),
    _m(
        "nador",
        "Sensibilisation des jeunes aux risques de la migration irrégulière et de la traite",
        "Ateliers dans les maisons de jeunes et les lycées.\n\n"
        "ورشات تحسيسية للشباب حول مخاطر الهجرة غير النظامية والاتجار بالبشر.",
        sectors=("flows_trafficking", "youth_leisure"),
        kind="awareness",
        status="ongoing",
        targets=(HOST,),
        start="2025-02-01",
        planned=80000,
        spent=30000,
        funding=("international",),
        partners=("iom",),
        counts=(410, 190, 220, 380),
        progress=40,
    ),
    _m(
        "nador",
        "Tournoi sportif inclusif pour les jeunes du quartier et les jeunes migrants",
        "Suspendu : le terrain municipal est en travaux jusqu'à la fin de 2026.\n\n"
        "دوري رياضي مشترك بين شباب الحي والشباب المهاجرين، متوقف مؤقتاً بسبب أشغال الملعب.",
        sectors=("youth_leisure",),
        kind="service",
        status="suspended",
        targets=(HOST, REG),
        start="2025-04-01",
        planned=35000,
        spent=9000,
        funding=("own_budget",),
        counts=(64, 12, 52, 64),
        progress=25,
    ),
    _m(
        "nador",
        "Étude des besoins en logement des familles migrantes",
        "Annulée : le diagnostic est repris par l'observatoire régional des migrations.\n\n"
        "دراسة حاجيات الأسر المهاجرة في مجال السكن، أُلغيت.",
        sectors=("housing",),
        kind="study",
        status="cancelled",
        start="2024-01-15",
        end="2024-06-30",
        planned=50000,
        spent=0,
        funding=("own_budget",),
        progress=0,
        review="returned",
        comment="يرجى توضيح سبب الإلغاء وإرفاق مقرر المجلس المتعلق به.",
    ),
    # -- Berkane ---------------------------------------------------------------------------
    _m(
        "berkane",
        "Intermédiation pour l'emploi agricole saisonnier dans le respect du droit du travail",
        "Mise en relation des exploitations et des travailleurs, contrôle des contrats.\n\n"
        "الوساطة في التشغيل الفلاحي الموسمي مع احترام قانون الشغل.",
        sectors=("employment",),
        kind="partnership",
        status="ongoing",
        targets=(REG, HOST),
        start="2024-10-01",
        planned=90000,
        spent=52000,
        funding=("own_budget", "state"),
        partners=("anapec",),
        counts=(86, 30, 56, 0),
        progress=45,
    ),
    _m(
        "berkane",
        "لقاء تشاوري مع جمعيات المجتمع المدني حول إدماج المهاجرين",
        "لقاء لتحديد الأولويات المشتركة بين الجماعة والجمعيات.\n\n"
        "Rencontre de concertation avec les associations sur les priorités communes.",
        sectors=("governance_communication",),
        kind="consultation",
        status="completed",
        start="2024-06-20",
        end="2024-06-20",
        planned=8000,
        spent=7600,
        funding=("own_budget",),
        partners=("caritas",),
        counts=(27, 11, 16, 0),
        progress=100,
    ),
    _m(
        "berkane",
        "Classes passerelles pour enfants migrants non scolarisés",
        "Préparer l'entrée à l'école publique en un an.\n\n"
        "أقسام جسرية لإدماج الأطفال المهاجرين غير المتمدرسين.",
        sectors=("education_culture",),
        kind="service",
        status="planned",
        targets=(IRR, REF),
        start="2026-12-01",
        end="2027-06-30",
        planned=75000,
        funding=("own_budget", "state"),
        review="draft",
    ),
    # -- Oriental regional council ---------------------------------------------------------
    _m(
        "oriental.region",
        "Instance régionale de coordination des acteurs de la migration",
        "Réunit chaque trimestre les services déconcentrés, les communes, les organisations "
        "internationales et les associations de la région pour partager l'information et "
        "éviter les doublons et les vides.\n\n"
        "هيئة جهوية لتنسيق الفاعلين في مجال الهجرة، تجتمع كل ثلاثة أشهر.",
        sectors=("governance_communication",),
        kind="consultation",
        status="ongoing",
        start="2023-02-01",
        planned=120000,
        spent=74000,
        funding=("region",),
        partners=("iom", "unhcr", "cndh", "entraide"),
        progress=65,
    ),
    _m(
        "oriental.region",
        "Coopération décentralisée avec l'Andalousie : échanges de pratiques d'accueil entre "
        "collectivités",
        "Visites croisées, formations et petits projets communs entre collectivités de "
        "l'Oriental et d'Andalousie.\n\n"
        "تعاون لامركزي مع الأندلس لتبادل الممارسات الجيدة في الاستقبال.",
        sectors=("international_cooperation",),
        kind="partnership",
        status="ongoing",
        start="2024-04-01",
        planned=600000,
        spent=280000,
        funding=("international", "region"),
        partners=("famsi", "malaga", "acoge"),
        progress=45,
    ),
    _m(
        "oriental.region",
        "المرصد الجهوي للهجرة بشراكة مع جامعة محمد الأول",
        "جمع المعطيات المجمعة وتحليلها ونشر تقرير سنوي.\n\n"
        "Observatoire régional des migrations : données agrégées, analyses et rapport annuel, "
        "avec l'Université Mohammed Premier.",
        sectors=("governance_communication",),
        kind="study",
        status="ongoing",
        start="2024-01-15",
        planned=900000,
        spent=410000,
        funding=("region", "state"),
        partners=("ump",),
        progress=40,
    ),
    _m(
        "oriental.region",
        "Fonds régional d'appui aux projets associatifs d'inclusion des migrants",
        "Appel à projets annuel ouvert aux associations de la région.\n\n"
        "صندوق جهوي لدعم مشاريع الجمعيات في مجال إدماج المهاجرين.",
        sectors=("social_humanitarian", "employment"),
        kind="service",
        status="ongoing",
        targets=(REG, IRR, REF, HOST),
        start="2023-06-01",
        planned=2500000,
        spent=1650000,
        funding=("region",),
        partners=("caritas", "oujda_assoc", "figuig_assoc"),
        counts=(1240, 530, 710, 210),
        progress=65,
    ),
    _m(
        "oriental.region",
        "Renforcement des capacités des élus et cadres communaux de l'Oriental en gouvernance "
        "migratoire",
        "Cycle de formation dans les huit préfectures et provinces de la région.\n\n"
        "تقوية قدرات المنتخبين والأطر الجماعية في مجال حكامة الهجرة.",
        sectors=("governance_communication", "regulatory_framework"),
        kind="training",
        status="completed",
        start="2025-01-20",
        end="2025-05-30",
        planned=350000,
        spent=372500,
        overspend="Deux sessions supplémentaires à Figuig et Bouarfa à la demande des communes.",
        funding=("region", "international"),
        partners=("iom", "ump"),
        counts=(64, 22, 42, 0),
        progress=100,
    ),
    _m(
        "oriental.region",
        "Atelier consultatif des trois régions pilotes sur l'approche participative",
        "Atelier de clôture du forum national du 5 août 2025 : mise en œuvre des politiques "
        "publiques dans les collectivités territoriales pour l'inclusion sociale et économique "
        "des migrants.\n\n"
        "ورشة تشاورية للجهات الثلاث حول المقاربة التشاركية.",
        sectors=("governance_communication", "international_cooperation"),
        kind="consultation",
        status="completed",
        start="2025-08-05",
        end="2025-08-05",
        planned=30000,
        spent=28000,
        funding=("region", "ngo"),
        partners=("progettomondo", "famsi"),
        counts=(48, 21, 27, 0),
        progress=100,
    ),
    # -- Tanger ----------------------------------------------------------------------------
    _m(
        "tanger",
        "Guichet d'accueil et d'orientation des migrants",
        "Accueil, information et orientation vers les services, en arabe, français et anglais.\n\n"
        "شباك لاستقبال المهاجرين وإرشادهم وتوجيههم.",
        sectors=("social_humanitarian", "governance_communication"),
        kind="reception",
        status="ongoing",
        targets=(REG, IRR, ASY, REF),
        start="2023-09-01",
        planned=380000,
        spent=260000,
        funding=("own_budget", "international"),
        partners=("iom", "foo"),
        counts=(530, 190, 340, 44),
        progress=70,
        point=(35.7700, -5.8120),
    ),
    _m(
        "tanger",
        "Formations qualifiantes en couture, cuisine et électricité",
        "Formations de six mois avec stage en entreprise.\n\n"
        "تكوينات تأهيلية في الخياطة والطبخ والكهرباء.",
        sectors=("vocational_training", "employment"),
        kind="service",
        status="completed",
        targets=(REG, REF, HOST),
        start="2023-01-09",
        end="2023-12-22",
        planned=220000,
        spent=215000,
        funding=("international", "ngo"),
        partners=("foo", "ofppt"),
        counts=(96, 61, 35, 0),
        progress=100,
    ),
    _m(
        "tanger",
        "قافلة طبية ومواكبة للولوج إلى العلاج",
        "فحوصات طبية وتوجيه نحو المستشفيات العمومية.\n\n"
        "Caravane médicale et accompagnement vers les soins dans les hôpitaux publics.",
        sectors=("health",),
        kind="service",
        status="completed",
        targets=(REG, IRR, HOST),
        start="2024-03-04",
        end="2024-03-08",
        planned=120000,
        spent=134000,
        overspend="Journée de consultations pédiatriques ajoutée face à l'affluence.",
        funding=("own_budget", "state"),
        partners=("caritas",),
        counts=(720, 350, 370, 260),
        progress=100,
    ),
    _m(
        "tanger",
        "Festival des cultures : ateliers de musique, de cuisine et de contes",
        "Deux jours de festival dans la médina.\n\n"
        "مهرجان الثقافات: ورشات في الموسيقى والطبخ والحكاية.",
        sectors=("education_culture", "youth_leisure"),
        kind="awareness",
        status="completed",
        targets=(REG, HOST),
        start="2025-06-14",
        end="2025-06-15",
        planned=90000,
        spent=88000,
        funding=("own_budget", "private"),
        partners=("foo",),
        counts=(1100, None, None, None),
        progress=100,
    ),
    _m(
        "tanger",
        "Plateforme locale d'intermédiation entre employeurs et chercheurs d'emploi migrants",
        "Plateforme et permanence hebdomadaire avec l'ANAPEC.\n\n"
        "منصة محلية للوساطة بين المشغلين والباحثين عن الشغل من المهاجرين.",
        sectors=("employment",),
        kind="partnership",
        status="planned",
        targets=(REG, REF),
        start="2026-12-01",
        planned=260000,
        funding=("own_budget", "international"),
        partners=("anapec", "iom"),
        review="submitted",
    ),
    _m(
        "tanger",
        "دعم مدرسي لأطفال اللاجئين وطالبي اللجوء",
        "حصص دعم مدرسي أسبوعية بتنسيق مع المؤسسات التعليمية.\n\n"
        "Soutien scolaire hebdomadaire pour les enfants réfugiés et demandeurs d'asile.",
        sectors=("education_culture",),
        kind="service",
        status="ongoing",
        targets=(REF, ASY),
        start="2024-10-01",
        planned=110000,
        spent=70000,
        funding=("international",),
        partners=("unhcr", "foo"),
        counts=(38, 20, 18, 38),
        progress=60,
    ),
    # -- Tétouan ---------------------------------------------------------------------------
    _m(
        "tetouan",
        "Espace d'écoute et d'orientation pour les femmes migrantes",
        "Écoute, orientation vers les soins et l'aide juridique, activités collectives.\n\n"
        "فضاء للإنصات والتوجيه لفائدة النساء المهاجرات.",
        sectors=("social_humanitarian", "health"),
        kind="reception",
        status="ongoing",
        targets=(REG, IRR, REF, ASY),
        start="2024-02-01",
        planned=160000,
        spent=101000,
        funding=("own_budget", "international"),
        partners=("unhcr", "caritas"),
        counts=(87, 87, 0, 6),
        progress=55,
        point=(35.5850, -5.3650),
    ),
    _m(
        "tetouan",
        "Formation des officiers d'état civil à l'enregistrement des naissances d'enfants de "
        "parents étrangers",
        "Rappel des procédures et des pièces exigées.\n\n"
        "تكوين ضباط الحالة المدنية في تسجيل ولادات أطفال الآباء الأجانب.",
        sectors=("regulatory_framework",),
        kind="training",
        status="completed",
        start="2024-05-13",
        end="2024-05-15",
        planned=30000,
        spent=28000,
        funding=("state", "international"),
        partners=("unhcr", "cndh"),
        counts=(22, 9, 13, 0),
        progress=100,
    ),
    _m(
        "tetouan",
        "حملة تلقيح الأطفال المهاجرين بتنسيق مع المندوبية الإقليمية للصحة",
        "استدراك التلقيحات حسب البرنامج الوطني للتمنيع.\n\n"
        "Rattrapage vaccinal des enfants migrants selon le programme national d'immunisation.",
        sectors=("health",),
        kind="service",
        status="completed",
        targets=(REG, IRR, REF),
        start="2023-04-10",
        end="2023-05-10",
        planned=15000,
        spent=14200,
        funding=("state",),
        counts=(210, 104, 106, 210),
        progress=100,
    ),
    _m(
        "tetouan",
        "Accompagnement des familles migrantes vers un logement décent",
        "Suspendu en attendant la convention avec un bailleur associatif.\n\n"
        "مواكبة الأسر المهاجرة للحصول على سكن لائق، متوقفة مؤقتاً.",
        sectors=("housing",),
        kind="service",
        status="suspended",
        targets=(REG, REF),
        start="2024-09-01",
        planned=140000,
        spent=22000,
        funding=("own_budget", "ngo"),
        partners=("caritas",),
        counts=(3, 2, 1, 2),
        progress=15,
        review="returned",
        comment="Le nombre de personnes accompagnées ne correspond pas au rapport transmis : "
        "merci de vérifier les chiffres et de préciser la cause de la suspension.",
    ),
    # -- Al Hoceima ------------------------------------------------------------------------
    _m(
        "alhoceima",
        "Accompagnement à la réinsertion économique des Marocains de retour",
        "Orientation, formation courte et mise en relation avec les employeurs.\n\n"
        "مواكبة المغاربة العائدين لإعادة إدماجهم اقتصادياً.",
        sectors=("employment", "vocational_training"),
        kind="service",
        status="ongoing",
        targets=(RET,),
        start="2024-01-15",
        planned=200000,
        spent=96000,
        funding=("own_budget", "state"),
        partners=("anapec",),
        counts=(31, 6, 25, 0),
        progress=45,
    ),
    _m(
        "alhoceima",
        "التحسيس بالتنوع الثقافي في المؤسسات التعليمية",
        "أنشطة تحسيسية في المدارس الابتدائية والإعدادية.\n\n"
        "Sensibilisation à la diversité culturelle dans les écoles et collèges.",
        sectors=("education_culture",),
        kind="awareness",
        status="completed",
        targets=(HOST,),
        start="2024-11-04",
        end="2024-12-20",
        planned=25000,
        spent=23500,
        funding=("own_budget",),
        counts=(870, 440, 430, 870),
        progress=100,
    ),
    _m(
        "alhoceima",
        "Étude sur les besoins des Marocains de retour et des migrants",
        "Étude à lancer avec l'appui de la région.\n\n"
        "دراسة حول حاجيات المغاربة العائدين والمهاجرين.",
        sectors=("governance_communication",),
        kind="study",
        status="planned",
        start="2026-12-01",
        planned=80000,
        funding=("own_budget",),
        review="draft",
    ),
    # -- Tanger-Tétouan-Al Hoceïma regional council ----------------------------------------
    _m(
        "tanger-tetouan.region",
        "Programme régional d'activités génératrices de revenus pour migrants et jeunes",
        "Formation, accompagnement et financement de petits projets dans les provinces de la "
        "région.\n\n"
        "برنامج جهوي للأنشطة المدرة للدخل لفائدة المهاجرين والشباب.",
        sectors=("employment", "vocational_training"),
        kind="service",
        status="ongoing",
        targets=(REG, REF, HOST, RET),
        start="2023-10-01",
        planned=3200000,
        spent=1900000,
        funding=("region", "international"),
        partners=("iom", "anapec", "ofppt"),
        counts=(318, 141, 177, 0),
        progress=60,
    ),
    _m(
        "tanger-tetouan.region",
        "Convention avec le HCR pour l'accès des réfugiés aux services de base",
        "Santé, éducation et assistance sociale pour les réfugiés reconnus.\n\n"
        "اتفاقية مع المفوضية السامية لشؤون اللاجئين لولوج اللاجئين إلى الخدمات الأساسية.",
        sectors=("international_cooperation", "social_humanitarian"),
        kind="partnership",
        status="completed",
        start="2023-03-21",
        end="2023-03-21",
        funding=("international",),
        partners=("unhcr",),
        progress=100,
    ),
    _m(
        "tanger-tetouan.region",
        "خلية جهوية لتنسيق التكفل بضحايا الاتجار بالبشر",
        "تنسيق بين المصالح اللاممركزة والجمعيات للتكفل بالضحايا وتوجيههم.\n\n"
        "Cellule régionale de coordination de la prise en charge des victimes de la traite.",
        sectors=("flows_trafficking",),
        kind="other",
        status="ongoing",
        start="2025-06-01",
        planned=400000,
        spent=85000,
        funding=("region", "state"),
        partners=("cndh", "iom"),
        progress=20,
        review="submitted",
    ),
    _m(
        "tanger-tetouan.region",
        "Plan de communication régional sur la diversité culturelle",
        "Annulé : intégré à la stratégie de communication générale du conseil régional.\n\n"
        "مخطط جهوي للتواصل حول التنوع الثقافي، أُلغي.",
        sectors=("governance_communication",),
        kind="awareness",
        status="cancelled",
        start="2023-01-01",
        end="2023-12-31",
        planned=500000,
        spent=0,
        funding=("region",),
        progress=0,
    ),
    # -- Béni Mellal -----------------------------------------------------------------------
    _m(
        "benimellal",
        "مكتب استقبال وتوجيه المهاجرين ومغاربة العالم العائدين",
        "مكتب بمقر الجماعة للاستقبال والإرشاد والتوجيه.\n\n"
        "Bureau d'accueil et d'orientation des migrants et des Marocains de retour, au siège de "
        "la commune.",
        sectors=("social_humanitarian", "governance_communication"),
        kind="reception",
        status="ongoing",
        targets=(REG, RET, IRR),
        start="2024-04-01",
        planned=150000,
        spent=88000,
        funding=("own_budget",),
        partners=("entraide",),
        counts=(176, 48, 128, 12),
        progress=60,
        point=(32.3390, -6.3510),
    ),
    _m(
        "benimellal",
        "Cours d'arabe et de darija pour adultes migrants",
        "Deux soirées par semaine dans un centre socioculturel.\n\n"
        "دروس في العربية والدارجة للمهاجرين الراشدين.",
        sectors=("education_culture",),
        kind="service",
        status="completed",
        targets=(REG, REF),
        start="2023-10-02",
        end="2024-06-28",
        planned=40000,
        spent=36500,
        funding=("own_budget", "ngo"),
        counts=(27, 9, 18, 0),
        progress=100,
    ),
    _m(
        "benimellal",
        "Activités sportives et de loisirs inclusives dans les maisons de jeunes",
        "Football, basket et sorties pour les jeunes du quartier et les jeunes migrants.\n\n"
        "أنشطة رياضية وترفيهية مشتركة بدور الشباب.",
        sectors=("youth_leisure",),
        kind="service",
        status="ongoing",
        targets=(HOST, REG),
        start="2025-03-01",
        planned=30000,
        spent=12000,
        funding=("own_budget", "state"),
        counts=(120, 35, 85, 120),
        progress=40,
        review="submitted",
    ),
    _m(
        "benimellal",
        "Soutien psychosocial pour les personnes migrantes en situation de vulnérabilité",
        "Permanences d'écoute avec des psychologues, en lien avec l'université.\n\n"
        "دعم نفسي واجتماعي للمهاجرين في وضعية هشاشة.",
        sectors=("health", "social_humanitarian"),
        kind="service",
        status="planned",
        targets=(IRR, ASY, REF),
        start="2026-12-01",
        planned=90000,
        funding=("international",),
        partners=("usms",),
        review="draft",
    ),
    # -- Khouribga -------------------------------------------------------------------------
    _m(
        "khouribga",
        "Formation des élus à la gouvernance migratoire locale",
        "Deux jours sur les compétences de la commune et les partenariats possibles.\n\n"
        "تكوين المنتخبين في الحكامة المحلية للهجرة.",
        sectors=("governance_communication",),
        kind="training",
        status="completed",
        start="2025-02-24",
        end="2025-02-25",
        planned=20000,
        spent=19000,
        funding=("own_budget",),
        partners=("usms",),
        counts=(24, 8, 16, 0),
        progress=100,
    ),
    _m(
        "khouribga",
        "Orientation des migrants en situation régulière vers les services de l'ANAPEC",
        "Permanence mensuelle de l'agence à la commune.\n\n"
        "توجيه المهاجرين في وضعية قانونية نحو خدمات الوكالة الوطنية لإنعاش التشغيل والكفاءات.",
        sectors=("employment",),
        kind="partnership",
        status="ongoing",
        targets=(REG,),
        start="2025-01-01",
        planned=35000,
        spent=12000,
        funding=("own_budget",),
        partners=("anapec",),
        counts=(19, 4, 15, 0),
        progress=30,
        review="returned",
        comment="المرجو تحديد مدة الاتفاقية مع الوكالة وإرفاق نسخة منها.",
    ),
    _m(
        "khouribga",
        "Hébergement temporaire d'urgence de personnes migrantes sans abri",
        "Nuitées dans un centre d'accueil pendant l'hiver.\n\n"
        "إيواء مؤقت استعجالي لمهاجرين بدون مأوى.",
        sectors=("housing",),
        kind="service",
        status="completed",
        targets=(IRR, ASY),
        start="2024-12-15",
        end="2025-01-15",
        planned=12000,
        spent=9800,
        funding=("own_budget",),
        counts=(2, 1, 1, 0),
        progress=100,
    ),
    # -- Khénifra --------------------------------------------------------------------------
    _m(
        "khenifra",
        "Cartographie des acteurs et des services ouverts aux migrants à Khénifra",
        "Recenser qui fait quoi avant d'inscrire une mesure au programme d'action.\n\n"
        "خريطة الفاعلين والخدمات المتاحة للمهاجرين.",
        sectors=("governance_communication",),
        kind="study",
        status="planned",
        start="2026-12-01",
        planned=45000,
        funding=("own_budget",),
        review="draft",
    ),
    _m(
        "khenifra",
        "مساعدات شتوية لفائدة المهاجرين العابرين والأسر المعوزة",
        "توزيع أغطية ومواد غذائية خلال فصل الشتاء.\n\n"
        "Aides d'hiver (couvertures, denrées) pour les migrants de passage et les familles "
        "démunies.",
        sectors=("social_humanitarian",),
        kind="service",
        status="completed",
        targets=(IRR, HOST),
        start="2024-12-20",
        end="2025-02-28",
        planned=50000,
        spent=48000,
        funding=("own_budget", "state"),
        partners=("entraide",),
        counts=(135, 40, 95, 30),
        progress=100,
        review="submitted",
    ),
    _m(
        "khenifra",
        "Sensibilisation des agents d'accueil communaux aux droits des migrants",
        "Séances courtes pendant les réunions de service.\n\n"
        "تحسيس أعوان الاستقبال الجماعيين بحقوق المهاجرين.",
        sectors=("governance_communication", "regulatory_framework"),
        kind="awareness",
        status="ongoing",
        start="2025-10-01",
        planned=10000,
        spent=3000,
        funding=("own_budget",),
        counts=(12, 5, 7, 0),
        progress=30,
        review="draft",
    ),
    # -- Béni Mellal-Khénifra regional council ---------------------------------------------
    _m(
        "beni-mellal.region",
        "Convention-cadre avec l'OIM pour l'inclusion des migrants dans la région",
        "Appui technique aux communes, formation et petits projets.\n\n"
        "اتفاقية إطار مع المنظمة الدولية للهجرة لإدماج المهاجرين بالجهة.",
        sectors=("international_cooperation",),
        kind="partnership",
        status="ongoing",
        start="2024-07-01",
        planned=800000,
        spent=310000,
        funding=("region", "international"),
        partners=("iom",),
        progress=40,
    ),
    _m(
        "beni-mellal.region",
        "Places réservées aux migrants dans les centres de formation professionnelle de la région",
        "Convention avec l'OFPPT et bourses de transport.\n\n"
        "مقاعد مخصصة للمهاجرين في مراكز التكوين المهني بالجهة.",
        sectors=("vocational_training",),
        kind="partnership",
        status="ongoing",
        targets=(REG, REF, RET),
        start="2024-09-15",
        planned=450000,
        spent=200000,
        funding=("region", "state"),
        partners=("ofppt",),
        counts=(57, 21, 36, 0),
        progress=50,
    ),
    _m(
        "beni-mellal.region",
        "Concertation régionale participative sur l'inclusion sociale et économique des migrants",
        "Deux journées avec les communes, les services de l'État, l'université et les "
        "associations.\n\n"
        "تشاور جهوي تشاركي حول الإدماج الاجتماعي والاقتصادي للمهاجرين.",
        sectors=("governance_communication",),
        kind="consultation",
        status="completed",
        start="2025-10-15",
        end="2025-10-16",
        planned=60000,
        spent=57000,
        funding=("region",),
        partners=("usms", "progettomondo"),
        counts=(73, 30, 43, 0),
        progress=100,
    ),
    _m(
        "beni-mellal.region",
        "عيادة قانونية جهوية بشراكة مع جامعة السلطان مولاي سليمان",
        "إرشاد قانوني مجاني للمهاجرين والمغاربة العائدين يؤطره أساتذة كلية الحقوق.\n\n"
        "Clinique juridique régionale avec la Faculté de droit de l'Université Sultan Moulay "
        "Slimane.",
        sectors=("regulatory_framework",),
        kind="legal_clinic",
        status="planned",
        targets=(REG, IRR, ASY, REF, RET),
        start="2026-12-01",
        planned=250000,
        funding=("region",),
        partners=("usms",),
        point=(32.3420, -6.3590),
        review="submitted",
    ),
)


def _measure_references() -> list[str]:
    """`DEMO-<slug>-NN` for each measure, numbered within its collectivity."""
    seen: dict[str, int] = {}
    references = []
    for spec in MEASURES:
        seen[spec["where"]] = seen.get(spec["where"], 0) + 1
        references.append(f"{REFERENCE_PREFIX}{spec['where']}-{seen[spec['where']]:02d}")
    return references


# ---- loading ------------------------------------------------------------------------------


@dataclass
class DemoResult:
    """What a load did: records created by kind, measures by review state, the accounts."""

    already_loaded: bool = False
    accounts_created: int = 0
    organisations_created: int = 0
    programmes_created: int = 0
    measures_created: int = 0
    review_states: dict[str, int] = field(default_factory=dict)
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
        ]

    def measures_line(self) -> str:
        """How many measures were created, and in which review state."""
        states = ", ".join(f"{n} {state}" for state, n in sorted(self.review_states.items()))
        return f"Measures: {self.measures_created} created" + (f" ({states})." if states else ".")


def demo_loaded() -> bool:
    """Whether the illustrative dataset is loaded (pages then say it is demo data)."""
    return get_setting(SETTING_KEY) == "1"


def resolve_collectivity(collectivity: Collectivity) -> Territory:
    """The territory of a demo collectivity; raises `DemoError` if it is not in the table."""
    if collectivity.is_region:
        territory = db.session.get(Territory, collectivity.region)
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


def _account(email: str, role: str, codes: list[str], result: DemoResult) -> User:
    """The demo account `email`, created if missing; an existing one must have `role`."""
    user = find_user(email)
    if user is None:
        user = create_user(email, DEMO_PASSWORD, role, codes)
        result.accounts_created += 1
    elif user.role != role:
        raise DemoError(f"{email} exists with the role {user.role}, not {role}: remove it first.")
    return user


def _review(
    officer: User, coordinator: User, entity: str, record, state: str, comment: str | None
) -> None:
    """Take a new record to `state` the way people would: submit, then validate or return."""
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


def _load(progress: Callable[[str], None]) -> DemoResult:
    result = DemoResult()
    if db.session.scalar(select(func.count()).select_from(Sector)) == 0:
        raise DemoError("The sector list is empty: run `flask --app tracker init-db` first.")
    territories = {slug: resolve_collectivity(c) for slug, c in COLLECTIVITIES.items()}

    # Accounts: one administrator, a coordinator per region, an officer per collectivity.
    admin = _account(ADMIN_EMAIL, "admin", [], result)
    coordinators = {r: _account(coordinator_email(r), "coordinator", [r], result) for r in REGIONS}
    officers = {
        slug: _account(officer_email(slug), "officer", [territories[slug].code], result)
        for slug in COLLECTIVITIES
    }
    db.session.flush()
    progress(f"Accounts: {result.accounts_created} created.")

    # Partner organisations, recorded by the administrator or by a local officer.
    partners: dict[str, Organisation] = {}
    for key, (name, kind, country, website, by) in ORGANISATIONS.items():
        existing = db.session.scalar(
            select(Organisation).where(Organisation.name == name, Organisation.deleted_at.is_(None))
        )
        if existing is None:
            author = admin if by == "admin" else officers[by]
            existing = service.save_organisation(
                author, {"name": name, "kind": kind, "country": country, "website": website}
            )
            result.organisations_created += 1
        partners[key] = existing
    progress(f"Partner organisations: {result.organisations_created} created.")

    # One programme per collectivity: a PDR for a regional council, a PAC for a commune.
    programmes: dict[str, Programme] = {}
    for slug, collectivity in COLLECTIVITIES.items():
        territory = territories[slug]
        reference = f"{REFERENCE_PREFIX}{'PDR' if collectivity.is_region else 'PAC'}-{slug}"
        programme = db.session.scalar(select(Programme).where(Programme.reference == reference))
        if programme is None:
            programme = service.save_programme(
                officers[slug], _programme_raw(collectivity, territory, reference)
            )
            _review(
                officers[slug],
                coordinators[collectivity.region],
                "programme",
                programme,
                collectivity.programme_review,
                None,
            )
            result.programmes_created += 1
        programmes[slug] = programme
    progress(f"Programmes: {result.programmes_created} created.")

    for reference, spec in zip(_measure_references(), MEASURES):
        if db.session.scalar(select(func.count()).where(Measure.reference == reference)):
            continue
        slug = spec["where"]
        programme = programmes[slug]
        raw = dict(
            spec["raw"],
            reference=reference,
            territory_code=territories[slug].code,
            programme_id=programme.id if programme.deleted_at is None else None,
            partners=[partners[k].id for k in spec["partner_keys"]],
        )
        measure = service.save_measure(officers[slug], raw)
        _review(
            officers[slug],
            coordinators[COLLECTIVITIES[slug].region],
            "measure",
            measure,
            spec["review"],
            spec["comment"],
        )
        result.measures_created += 1
        result.review_states[spec["review"]] = result.review_states.get(spec["review"], 0) + 1
    progress(result.measures_line())
    return result


def _of(name: str) -> str:
    """French "de" before a name, elided before a vowel: "de Tanger", "d'Al Hoceima"."""
    return f"d'{name}" if name[:1].upper() in "AEIOUYÉÈÊÂÎÔ" else f"de {name}"


def _programme_raw(collectivity: Collectivity, territory: Territory, reference: str) -> dict:
    if collectivity.is_region:
        kind, first, last = "PDR", 2022, 2027
        title = (
            f"برنامج التنمية الجهوية لجهة {territory.name_ar} {first}-{last}"
            if collectivity.arabic_title
            else f"Programme de développement régional {collectivity.name} {first}-{last}"
        )
    else:
        kind, first, last = "PAC", 2023, 2028
        title = (
            f"برنامج عمل جماعة {territory.name_ar} {first}-{last}"
            if collectivity.arabic_title
            else f"Programme d'action de la commune {_of(territory.name_fr)} {first}-{last}"
        )
    return {
        "territory_code": territory.code,
        "kind": kind,
        "title": title,
        "first_year": first,
        "last_year": last,
        "adopted_on": collectivity.adopted_on,
        "integration": collectivity.integration,
        "reference": reference,
    }


def load_demo(progress: Callable[[str], None] = print) -> DemoResult:
    """Load the illustrative pilot dataset and mark the installation as holding demo data.

    Safe to run again: when the `demo_data` setting is on nothing is done, and
    records already present (same e-mail, organisation name or `DEMO-` reference)
    are not created twice. Commits once at the end; on any error rolls everything
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


# ---- command line -------------------------------------------------------------------------

demo_cli = AppGroup("demo", help="Illustrative pilot data (labelled as demo data on every page).")


def database_backend() -> str:
    """The kind of database the app uses: `sqlite`, `postgresql`..."""
    return db.engine.url.get_backend_name()


def refusal_reason(env_name: str | None, backend: str) -> str | None:
    """Why the demo data should not go into this database unless forced, or None.

    Refused when ENV_NAME is production, and whenever the database is not the embedded
    SQLite: a PostgreSQL database is a configured deployment, whatever ENV_NAME says.
    """
    if env_name == "production":
        return "this is a production configuration (ENV_NAME=production)"
    if backend != "sqlite":
        return (
            f"the database is {backend}, not the embedded SQLite, so this looks like a "
            "configured deployment"
        )
    return None


@demo_cli.command("load")
@click.option(
    "--yes-in-production",
    is_flag=True,
    help="Load even into a production configuration or a database other than the embedded "
    "SQLite (the demo accounts share a public password).",
)
def demo_load_command(yes_in_production: bool) -> None:
    """Load the illustrative pilot dataset (safe to run again).

    Refused on a production configuration, or on a database other than the embedded
    SQLite (such as PostgreSQL), unless --yes-in-production is given.
    """
    reason = refusal_reason(current_app.config.get("ENV_NAME"), database_backend())
    if reason:
        if not yes_in_production:
            click.echo(
                f"Refused: {reason}. The demo data adds made-up records and accounts with a "
                "published password. Run again with --yes-in-production if that is really "
                "wanted.",
                err=True,
            )
            sys.exit(1)
        click.echo(
            f"Warning: loading demo data although {reason}. Disable the demo accounts "
            "before real use.",
            err=True,
        )
    try:
        result = load_demo(progress=click.echo)
    except DemoError as error:
        click.echo(f"Demo data not loaded: {error}", err=True)
        sys.exit(1)
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, role, names in result.accounts:
        click.echo(f"  {email:<42} {role:<12} {names}")
