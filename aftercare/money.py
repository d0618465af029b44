"""Amounts of yuan as the messages write them: to the fen, with thousands separated."""

from decimal import Decimal

from core.values import FEN


def yuan(value) -> str:
    """``300000`` → ``300,000.00``: one way of writing every figure in a refusal."""
    return f"{Decimal(value).quantize(FEN):,}"
