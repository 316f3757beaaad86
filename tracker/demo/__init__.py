"""The illustrative pilot dataset: `flask --app tracker demo load`.

Three regional councils (Oriental 02, Tanger-Tétouan-Al Hoceïma 01,
Béni Mellal-Khénifra 05) and ten of their communes, Figuig with its migration
focal point and reception cell among them: accounts, partner organisations,
programmes, and measures across every sector, status and review state.

The records are the packaged data files in `data/` (read by `dataset`); `loader`
writes them through `tracker.records.service` as people would, and `command` is
the command line. The content is plausible, not real: the programmes, measures,
figures and local associations are made up for the demonstration, and every page
says so while the `demo_data` setting is on. Beneficiaries are aggregate counts
only; no person appears anywhere.
"""

from tracker.demo.command import database_backend, demo_cli, demo_load_command, refusal_reason
from tracker.demo.dataset import (
    ACCOUNTS,
    ASSESSMENTS,
    COLLECTIVITIES,
    COMMUNES,
    DEMO_PASSWORD,
    MEASURES,
    ORGANISATIONS,
    PROGRAMME_TEMPLATES,
    REFERENCE_PREFIX,
    Account,
    Collectivity,
    DemoMeasure,
    DemoOrganisation,
    ProgrammeTemplate,
    demo_emails,
)
from tracker.demo.loader import (
    SETTING_KEY,
    DemoError,
    DemoResult,
    demo_loaded,
    load_demo,
    resolve_collectivity,
)

__all__ = [
    "ACCOUNTS",
    "ASSESSMENTS",
    "COLLECTIVITIES",
    "COMMUNES",
    "DEMO_PASSWORD",
    "MEASURES",
    "ORGANISATIONS",
    "PROGRAMME_TEMPLATES",
    "REFERENCE_PREFIX",
    "SETTING_KEY",
    "Account",
    "Collectivity",
    "DemoError",
    "DemoMeasure",
    "DemoOrganisation",
    "DemoResult",
    "ProgrammeTemplate",
    "database_backend",
    "demo_cli",
    "demo_emails",
    "demo_load_command",
    "demo_loaded",
    "load_demo",
    "refusal_reason",
    "resolve_collectivity",
]
