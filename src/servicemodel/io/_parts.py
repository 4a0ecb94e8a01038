"""The parts of one JSONL file: runs of whole lines that tasks read side by side."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import final

import attrs

from .._validators import integer
from ..exceptions import ValidationError
from ._files import _is_gzip

_CHUNK = 1 << 20


@final
@attrs.frozen(kw_only=True)
class JsonlPart:
    """The whole lines of a JSONL file that lie in its bytes ``[start, end)``.

    Made by :func:`split_jsonl`; :func:`~servicemodel.io.read_interactions`
    reads one as it reads a file, and a bad record's error names its line in
    the whole file. A part is a small value, so it travels to a Dask task.

    >>> JsonlPart(path="interactions.jsonl", start=0, end=1024).end
    1024
    """

    path: str
    start: int
    end: int

    def lines(self) -> Iterator[bytes]:
        """The part's lines, as bytes.

        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "lines.jsonl"
        >>> _ = path.write_bytes(b"1\\n22\\n333\\n")
        >>> list(JsonlPart(path=str(path), start=2, end=9).lines())
        [b'22\\n', b'333\\n']
        """
        with open(self.path, "rb") as file:
            file.seek(self.start)
            position = self.start
            while position < self.end:
                line = file.readline()
                if not line:
                    return
                position += len(line)
                yield line

    def first_line(self) -> int:
        """The 1-based number, in the whole file, of the part's first line.

        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "lines.jsonl"
        >>> _ = path.write_bytes(b"1\\n22\\n333\\n")
        >>> JsonlPart(path=str(path), start=5, end=9).first_line()
        3
        """
        newlines = 0
        with open(self.path, "rb") as file:
            left = self.start
            while left:
                chunk = file.read(min(left, _CHUNK))
                if not chunk:
                    break
                newlines += chunk.count(b"\n")
                left -= len(chunk)
        return newlines + 1


def split_jsonl(path: str | os.PathLike[str], parts: int) -> tuple[JsonlPart, ...]:
    """Cut a JSONL file into about *parts* parts of equal size, each of whole lines.

    Finding the cuts reads one line per cut, not the file. A small file gives
    fewer parts (never an empty one, unless the file is empty). Compressed
    files cannot be cut (their bytes cannot be reached without reading all
    before them): give one ``.gz`` file per partition instead.

    Raises:
        ValidationError: *parts* is not a positive integer, or *path* is a
            ``.gz`` file.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "lines.jsonl"
    >>> _ = path.write_text("".join(f'{{"n": {n}}}\\n' for n in range(10)))
    >>> [(p.start, p.end) for p in split_jsonl(path, 3)]
    [(0, 36), (36, 63), (63, 90)]
    """
    integer(parts, field="parts", low=1)
    name = os.fspath(path)
    if _is_gzip(name):
        raise ValidationError(
            f"'path' must be an uncompressed JSONL file to be cut into parts (got {name!r}); "
            "give one compressed file per part instead",
            field="path",
            value=name,
        )
    size = os.path.getsize(name)
    cuts = [0]
    with open(name, "rb") as file:
        for index in range(1, parts):
            target = max(index * size // parts, cuts[-1] + 1)
            if target >= size:
                break
            file.seek(target - 1)
            file.readline()  # to the end of the line that holds byte target - 1
            cut = file.tell()
            if cut >= size:
                break
            if cut > cuts[-1]:
                cuts.append(cut)
    cuts.append(size)
    return tuple(JsonlPart(path=name, start=a, end=b) for a, b in itertools.pairwise(cuts))
