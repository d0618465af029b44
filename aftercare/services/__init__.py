"""Writes of aftercare: every change of its records goes through these functions, and
every change of a record's state through its flow (``aftercare.flows``)."""

from .insurance import (
    claim_disburse,
    claim_file,
    claim_move,
    qualification_move,
    qualification_request,
    quota_set,
)
from .monitoring import (
    claw_back_move,
    claw_back_order,
    obligation_decide,
    obligation_record_inspection,
    obligation_report,
    obligation_schedule,
    repayment_record,
)

__all__ = [
    "claim_disburse",
    "claim_file",
    "claim_move",
    "claw_back_move",
    "claw_back_order",
    "obligation_decide",
    "obligation_record_inspection",
    "obligation_report",
    "obligation_schedule",
    "qualification_move",
    "qualification_request",
    "quota_set",
    "repayment_record",
]
