"""Contains all the data models used in inputs/outputs"""

from .error import Error
from .withdrawal import Withdrawal
from .withdrawal_request import WithdrawalRequest

__all__ = (
    "Error",
    "Withdrawal",
    "WithdrawalRequest",
)
