"""A client library for accessing Omnia Exchange on-chain withdrawals"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
