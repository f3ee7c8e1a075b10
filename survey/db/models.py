"""All models, imported together so that the metadata is complete for migrations."""

from survey.db.base import Base
from survey.db.questionnaires import QuestionnaireVersion

__all__ = ["Base", "QuestionnaireVersion"]
