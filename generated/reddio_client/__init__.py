"""A client library for accessing Reddio layer-2 withdrawal API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
