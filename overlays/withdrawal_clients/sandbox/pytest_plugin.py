"""pytest fixtures that wire clients to an in-process sandbox (entry point ``pytest11``).

Loaded by every pytest run where the package is installed, so it imports nothing heavy at
module level; the sandbox (and starlette) is imported only when a fixture is used.
"""
