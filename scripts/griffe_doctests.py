"""Griffe extension for the documentation site: show docstring doctests as code.

servicemodel's docstrings put their ``>>>`` examples in the docstring body, as
``pytest --doctest-modules`` runs them, not under a Google ``Examples:``
heading. Markdown would read ``>>> x`` as a nested block quote and the output
lines (``[('A-1', 12)]``) as reference links, so this extension wraps each run
of doctest lines in a fenced ``pycon`` block before mkdocstrings renders it.
Sphinx roles such as ``:class:`~x.Y``` are shown as code.

It changes only the text the site shows: the library never imports it, and the
docstrings in ``src/`` stay as they are. mkdocs.yml loads it by path.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["DoctestFences", "fence_doctests", "plain_roles"]

_ROLE = re.compile(r":(?:class|func|meth|attr|exc|mod|data|obj):`(~?)([^`]+)`")


def plain_roles(text: str) -> str:
    """Return *text* with Sphinx roles (``:class:`~a.B```) shown as code (`` `B` ``)."""

    def code(match: re.Match[str]) -> str:
        tilde, target = match.groups()
        return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"

    return _ROLE.sub(code, text)


def fence_doctests(text: str) -> str:
    """Return *text* with every run of ``>>>`` lines and their output fenced as ``pycon``.

    A run starts at a line whose first non-blank characters are ``>>>`` and
    ends at the first blank line, as a doctest example does.
    """
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    in_fence = False
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if in_fence or not line.lstrip().startswith(">>>"):
            out.append(line)
            index += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out.append(f"{indent}```pycon")
        while index < len(lines) and lines[index].strip():
            out.append(lines[index])
            index += 1
        out.append(f"{indent}```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctests of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite *obj*'s docstring text: doctests fenced, Sphinx roles as code."""
        docstring = obj.docstring
        if docstring is not None:
            docstring.value = plain_roles(fence_doctests(docstring.value))
