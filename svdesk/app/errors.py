"""The domain errors a use case raises, for callers that show them (screens, the command line)."""

from svdesk.model.audit import NotSignedIn
from svdesk.model.errors import (
    DatabaseLockedError,
    NotFoundError,
    Problem,
    SchemaVersionError,
    StaleEditError,
    SvdeskError,
    TenderExistsError,
    ValidationError,
    WorkflowError,
)

__all__ = [
    "DatabaseLockedError",
    "NotFoundError",
    "NotSignedIn",
    "Problem",
    "SchemaVersionError",
    "StaleEditError",
    "SvdeskError",
    "TenderExistsError",
    "ValidationError",
    "WorkflowError",
]
