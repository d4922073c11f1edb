"""A griffe extension: the package's docstrings are written in reStructuredText habits
(``code``, :class:`Name`, ``Example::`` blocks); show them as Markdown in the API reference.

Roles become code spans rather than links: several point into private modules that the
reference does not render, and a link that cannot be resolved would fail the strict build.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

# :class:`~.steps.Request` -> `Request`; :mod:`.plans` -> `plans`
_ROLE = re.compile(r":(?:class|func|meth|mod|attr|exc|data):`(~?)\.*([^`]+)`")


def _role(match: re.Match[str]) -> str:
    short, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if short else target}`"


def _literal_blocks(text: str) -> str:
    """``Text::`` followed by an indented block becomes ``Text:`` and a fenced Python block."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not (line.rstrip().endswith("::") and i + 2 < len(lines) and lines[i + 1] == ""):
            out.append(line)
            i += 1
            continue
        out += [line.rstrip()[:-1], "", "```python"]
        i += 2
        block: list[str] = []
        while i < len(lines) and (lines[i].startswith("    ") or lines[i] == ""):
            block.append(lines[i][4:])
            i += 1
        while block and block[-1] == "":
            block.pop()
        out += [*block, "```", ""]
    return "\n".join(out)


class RestText(griffe.Extension):
    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            value = _ROLE.sub(_role, obj.docstring.value)
            obj.docstring.value = _literal_blocks(value)
