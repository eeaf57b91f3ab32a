"""Reading the files a user points lrplot at (configs, logged lr CSVs, metric CSVs) without
hanging, exhausting memory or printing back what they hold.

- Only regular files are read: a FIFO would block forever, a device (``/dev/zero``) never ends,
  and the kernel's pseudo-files (``/proc/self/environ``, ``/proc/self/mem``) hold secrets or fail
  on read. They are refused by name, before a byte is read.
- A file a *config* names (``type: data`` ``path``, ``metric_file``) must resolve, through
  symbolic links and ``..``, to a file inside the config's directory (or below it): rendering a
  contributed config in CI must not read the runner's files. ``--allow-outside`` (or
  ``LRPLOT_ALLOW_OUTSIDE=1``) lifts this for configs one trusts. Paths given as flags or through
  the Python API are the user's own and are not confined.
- Error messages quote at most a short, escaped excerpt of the offending cell (:func:`excerpt`),
  never lines of the file.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import os
import stat
from typing import IO, Iterator

ALLOW_OUTSIDE = "LRPLOT_ALLOW_OUTSIDE"
"""The environment variable that, set to 1, lets configs read files outside their directory."""

PSEUDO_ROOTS = ("/proc", "/sys", "/dev")
"""Directories of kernel pseudo-files and devices, never read as data or configs."""

EXCERPT = 40
"""Most characters of a cell quoted back in a message."""

_allow_outside = contextvars.ContextVar("lrplot_allow_outside", default=False)


class InputFileError(ValueError):
    """A file that cannot be read as input (not a regular file, outside the config's directory,
    not UTF-8, too long): the message names the file, never its content."""


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """``'abc…'``: a cell as a short Python literal (control characters escaped)."""
    short = text if len(text) <= limit else text[:limit]
    quoted = repr(short)
    return quoted if short is text else f"{quoted}... ({len(text):,} characters)"


def outside_allowed() -> bool:
    return _allow_outside.get() or os.environ.get(ALLOW_OUTSIDE, "").strip() in ("1", "true", "yes")


@contextlib.contextmanager
def allowing_outside(allow: bool = True) -> Iterator[None]:
    """Within the block, configs may name files outside their directory (``--allow-outside``)."""
    token = _allow_outside.set(allow)
    try:
        yield
    finally:
        _allow_outside.reset(token)


def outside_problem(path: str, config: str) -> str | None:
    """Why the file ``path`` (named by the config file ``config``) may not be read, or None."""
    if outside_allowed() or "\0" in path:  # a NUL is refused by regular_problem
        return None
    home = os.path.realpath(os.path.dirname(os.path.abspath(config)))
    real = os.path.realpath(path)
    if real == home or real.startswith(home.rstrip(os.sep) + os.sep):
        return None
    return (f"{real} is outside the config's directory {home}; a config may only read files "
            f"in its own directory tree (pass --allow-outside or set {ALLOW_OUTSIDE}=1 to "
            "trust this config)")


def named_file_problem(path: str, config: str | None) -> str | None:
    """Why a file that a config (``config``; None: from flags or Python, not confined) names
    may not be read: not a regular file, or outside the config's directory tree; or None."""
    return regular_problem(path) or (outside_problem(path, config) if config else None)


def regular_problem(path: str) -> str | None:
    """Why ``path`` is not a readable regular file (a FIFO, a device, /proc/...), or None.
    A missing file is not a problem here: opening it says so."""
    if "\0" in path:  # no file name holds one; os functions would raise ValueError
        return f"{path!r} is not a file name (it contains a NUL character)"
    real = os.path.realpath(path)
    if any(real == root or real.startswith(root + "/") for root in PSEUDO_ROOTS):
        return f"{path} is a system file ({real}), not a file lrplot reads"
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None  # a directory has its own messages where it is opened
    return f"{path} is {_kind(mode)}, not a regular file"


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def open_binary(path: str) -> IO[bytes]:
    """``path`` opened for reading, refused unless it is a regular file. The file is opened
    without blocking and checked on the open descriptor, so a FIFO swapped in cannot hang us."""
    problem = regular_problem(path)
    if problem:
        raise InputFileError(problem)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", path)
        if not stat.S_ISREG(mode):
            raise InputFileError(f"{path} is {_kind(mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path: str, cap: int) -> bytes:
    """At most ``cap + 1`` bytes of ``path`` (so a caller can tell "over the cap"), read in
    pieces: a huge cap allocates nothing up front."""
    with open_binary(path) as handle:
        pieces, left = [], cap + 1
        while left > 0:
            piece = handle.read(min(left, 1 << 16))
            if not piece:
                break
            pieces.append(piece)
            left -= len(piece)
    return b"".join(pieces)


def csv_rows(path: str, max_rows: int | None = None) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` of every row of a UTF-8 CSV file (a BOM allowed). Refused with
    :class:`InputFileError`: a special file, bytes that are not UTF-8, a cell over the csv
    module's field limit (131,072 characters), more than ``max_rows`` rows."""
    with open_binary(path) as raw:
        reader = csv.reader(_lines(raw, path))
        count = 0
        try:
            for row in reader:
                count += 1
                if max_rows is not None and count > max_rows + 1:  # + the header
                    from lrplot import limits

                    raise InputFileError(
                        f"{path} has more than {limits.count(max_rows)} rows, the limit of a "
                        f"data file (raise it with {limits.MAX_DATA_ROWS.name})")
                yield reader.line_num, row
        except csv.Error as exc:
            raise InputFileError(f"{path}:{reader.line_num}: cannot read the CSV ({exc}); "
                                 f"cells hold at most {csv.field_size_limit():,} "
                                 "characters") from None


MAX_LINE = 1 << 20
"""Most bytes of one line of a CSV file (a file of one endless line is no table)."""


def _lines(raw: IO[bytes], path: str) -> Iterator[str]:
    """The lines of a binary file as text, each decoded on its own: a bad byte is reported at
    its line, however far into the file."""
    line = 0
    while True:
        data = raw.readline(MAX_LINE + 1)
        if not data:
            return
        line += 1
        if len(data) > MAX_LINE and not data.endswith((b"\n", b"\r")):
            raise InputFileError(f"{path}:{line}: a line longer than {MAX_LINE:,} bytes; "
                                 "expected a CSV table")
        try:
            text = data.decode("utf-8-sig" if line == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputFileError(f"{path}:{line}: not UTF-8 text (byte "
                                 f"0x{data[exc.start]:02x} at column {exc.start + 1})") from None
        yield text


_CONTROL: dict[int, str] = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), 0x7f,
                                                       *range(0x80, 0xa0)] if chr(c) != "\n"}
_CONTROL[ord("\t")] = " "  # fonts have no glyph for a tab


def printable(text: str) -> str:
    """A title or label as lrplot draws and writes it: control characters other than newline
    (which XML 1.0 cannot hold, and which would drive a terminal) and lone surrogates (which
    UTF-8 cannot encode) shown as their escapes, ``\\x1b``; a tab as a space."""
    if text.isprintable():
        return text
    cleaned = text.translate(_CONTROL)
    if any("\ud800" <= c <= "\udfff" for c in cleaned):
        cleaned = "".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c
                          for c in cleaned)
    return cleaned
