"""All models, imported together so that the metadata is complete for migrations."""

from survey.db.accounts import Credential, RateLimitCounter, User
from survey.db.audit import AuditEntry  # noqa: F401  (audit log: issue 8)
from survey.db.base import Base
from survey.db.cases import FeedbackCase  # noqa: F401  (feedback cases: issue 7)
from survey.db.fieldwork import FieldSurvey  # noqa: F401  (household surveys: issue 6)
from survey.db.interviews import FieldAssignment  # noqa: F401  (household interviewing: issue 6)
from survey.db.kiosks import Kiosk, KioskPush  # noqa: F401  (kiosks: issue 4)
from survey.db.organisation import Service, Unit, UnitPredecessor
from survey.db.qr import SpentQrToken
from survey.db.questionnaires import QuestionnaireVersion
from survey.db.reporting import ANSWERS_REPORTING, DailyRatingCount  # noqa: F401  (reporting: issue 7)
from survey.db.responses import Answer, CountedTransaction, PiiAnswer, Response, ResponseFlag
from survey.db.targets import PublishedResult, Target
from survey.db.volumes import TransactionVolume

__all__ = [
    "Answer", "Base", "CountedTransaction", "Credential", "PiiAnswer", "PublishedResult",
    "QuestionnaireVersion", "RateLimitCounter", "Response", "ResponseFlag", "Service", "SpentQrToken", "Target",
    "TransactionVolume", "Unit", "UnitPredecessor", "User",
]
