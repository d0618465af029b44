"""Writes. Every change of an application's state, and every decision, goes through here.

Import from the submodules; the most used services are re-exported for convenience.
Every status change is ``workflow.application_move``.
"""

from .applications import application_create, application_record_result
from .notifications import notify_members
from .outcomes import designation_record, disbursement_record, evaluation_record
from .reviews import expert_assign
from .workflow import application_move, available_moves

__all__ = [
    "application_create",
    "application_move",
    "application_record_result",
    "available_moves",
    "designation_record",
    "disbursement_record",
    "evaluation_record",
    "expert_assign",
    "notify_members",
]
