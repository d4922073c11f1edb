"""A durable record of each withdrawal's intent and progress, so that a withdrawal is sent
exactly once across crashes, restarts and several worker processes and hosts.

``Journal.open(path)`` keeps it in a SQLite file (one host); ``Journal.open("postgresql://...")``
in PostgreSQL (several hosts; ``pip install 'withdrawal-clients[postgres]'``). An entry is
keyed by (api, key) and moves through its states thus::

    begin         -> PENDING   intent recorded, nothing sent
    mark_sending  -> SENDING   the body (and its nonce) recorded before it is sent; again to re-sign
    mark_done     -> DONE      the API accepted it; the answer recorded
    mark_failed   -> FAILED    definitely not applied; the reason recorded, the nonce freed

DONE and FAILED are final. ``lock(api, scope)`` serializes the writers of one scope (e.g. one
Reddio stark key, whose nonces must be taken in turn) across processes and hosts.
"""

from ._journal import Journal
from ._model import Entry, JournalError, JournalStateError, NonceTaken, State

__all__ = ["Entry", "Journal", "JournalError", "JournalStateError", "NonceTaken", "State"]
