"""Tests of the generated Reddio client (no overlay involved)."""
