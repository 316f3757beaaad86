"""The tracker's database models, one module per concept."""

from tracker.models.assessment import Assessment, AssessmentAnswer
from tracker.models.attachment import Attachment
from tracker.models.audit import AuditEntry
from tracker.models.record import Measure, Organisation, Programme, Sector
from tracker.models.setting import Setting
from tracker.models.territory import Level, Territory
from tracker.models.user import SignInAttempt, User

__all__ = [
    "Assessment",
    "AssessmentAnswer",
    "Attachment",
    "AuditEntry",
    "Level",
    "Measure",
    "Organisation",
    "Programme",
    "Sector",
    "Setting",
    "SignInAttempt",
    "Territory",
    "User",
]
