"""Exactly-once withdrawal clients for Reddio (StarkEx layer 2) and Omnia Exchange."""

from __future__ import annotations

__version__ = "0.1.0"
