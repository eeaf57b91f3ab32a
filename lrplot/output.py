"""Where results go: output formats by suffix, and atomic writes that never leave half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Callable

FIGURE_FORMATS = ("png", "svg", "pdf")
SERIES_FORMATS = ("csv", "json")
FORMATS = FIGURE_FORMATS + SERIES_FORMATS


class OutputError(ValueError):
    """The output path cannot be used (unknown suffix, a directory, ...): a usage error."""


def format_of(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise OutputError(f"cannot tell the output format of {path!r}: use a name ending in "
                          + ", ".join("." + f for f in FORMATS))
    return suffix


def check_writable(path: str) -> None:
    """Refuse early what cannot become the output file."""
    if os.path.isdir(path):
        raise OutputError(f"{path!r} is a directory; give a file name such as {path.rstrip('/')}/lr.png")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise OutputError(f"cannot write {path!r}: directory {parent!r} does not exist")


def write_atomically(path: str, write: Callable[[IO[bytes]], None]) -> None:
    """Write through a temporary file in the same directory, renamed over ``path`` on success."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(prefix=".lrplot-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
