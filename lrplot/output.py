"""Where results go: output formats, atomic writes that never leave half a file, standard output,
and the stamp every figure carries in its metadata.

The stamp records what determines a picture — the resolved figure spec, lrplot's rendering-style
version and the output options — as plain text (:func:`stamp`), with a SHA-256 of that text. It is
written into the image's metadata (a PNG text chunk, SVG Dublin Core metadata, the PDF info
dictionary) and read back by :func:`read_stamp`, so ``lrplot gallery --check`` can tell a stale
image from a current one without comparing pixels, which differ between font rasterizers.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Callable, Mapping

# The standard library modules used here (hashlib, json, tempfile, pathlib, ...) are imported
# where they are used: 'lrplot --help', 'list' and 'validate' import this module but never
# write, and start faster without them.

if TYPE_CHECKING:
    import datetime

    from lrplot.spec import FigureSpec

FIGURE_FORMATS = ("png", "svg", "pdf")
SERIES_FORMATS = ("csv", "json")
PAGE_FORMATS = ("html",)  # an interactive page (lrplot.html): no matplotlib
DRAWN_FORMATS = FIGURE_FORMATS + PAGE_FORMATS  # what a gallery holds: each carries a stamp
FORMATS = FIGURE_FORMATS + SERIES_FORMATS + PAGE_FORMATS
STDOUT = "-"


class OutputError(ValueError):
    """The output path cannot be used (unknown suffix, a directory, ...): a usage error."""


def format_of(path: str) -> str:
    from pathlib import Path

    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise OutputError(f"cannot tell the output format of {path!r}: use a name ending in "
                          + ", ".join("." + f for f in FORMATS) + " or give --format")
    return suffix


def resolve(path: str | None, fmt: str | None, default_name: str) -> tuple[str, str]:
    """The output path and format from ``-o`` and ``--format``.

    Without a path the output is ``default_name.FORMAT`` (png unless ``fmt`` says otherwise).
    ``-`` is standard output and needs ``fmt``. A path's suffix gives the format; ``fmt`` gives
    it for a path without a known suffix and must agree with one that has it.
    """
    fmt = fmt.lower() if fmt else None
    if fmt is not None and fmt not in FORMATS:
        raise OutputError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if path is None:
        return f"{default_name}.{fmt or 'png'}", fmt or "png"
    if path == STDOUT:
        if fmt is None:
            raise OutputError("-o -: writing to standard output needs --format (one of "
                              + ", ".join(FORMATS) + ")")
        return path, fmt
    from pathlib import Path

    suffix = Path(path).suffix.lower().lstrip(".")
    if fmt is None:
        return path, format_of(path)
    if suffix in FORMATS and suffix != fmt:
        raise OutputError(f"-o {path} is a .{suffix} name but --format says {fmt}; "
                          "drop one of them")
    return path, fmt


def check_writable(path: str) -> None:
    """Refuse early what cannot become the output file: a directory, a missing directory, a
    block device or socket. A character device (``/dev/null``) or a FIFO is written straight
    through; a symbolic link is followed and its target written."""
    if path == STDOUT:
        return
    import stat

    if "\0" in path:
        raise OutputError(f"{path!r} is not a file name (it contains a NUL character)")
    if os.path.isdir(path):
        raise OutputError(f"{path!r} is a directory; give a file name such as "
                          f"{path.rstrip('/')}/lr.png")
    if path.endswith(("/", os.sep)):
        raise OutputError(f"{path!r} ends in '/', which names a directory; give a file name "
                          f"such as {path}lr.png")
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise OutputError(f"{path!r} is {_kind_of(mode)}, not a file lrplot can write; give a "
                          "file name such as lr.png")
    parent = os.path.dirname(os.path.realpath(path))
    if not os.path.isdir(parent):
        raise OutputError(f"cannot write {path!r}: directory {parent!r} does not exist")


def _kind_of(mode: int) -> str:
    import stat

    for test, name in ((stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISFIFO, "a FIFO")):
        if test(mode):
            return name
    return "a special file"


def same_file(a: str, b: str) -> bool:
    """Whether two paths name the same file: through symbolic links, ``..`` and hard links."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return os.path.realpath(a) == os.path.realpath(b)


def write_atomically(path: str, write: Callable[[IO[bytes]], None]) -> None:
    """Write ``path`` so that it holds all of the output or is left as it was.

    A regular file (or a new one) is written through a temporary file in the same directory,
    renamed over it on success; an existing file keeps its permission bits. A symbolic link is
    followed: its target is written, the link stays. A character device (``/dev/null``) or a FIFO
    is never replaced: the finished output is written straight into it (a full device reports
    its error). A directory or another special file is refused (:class:`OutputError`).
    SIGTERM and SIGHUP during the write remove the temporary file before lrplot exits.
    """
    import stat

    target = os.path.realpath(path)  # write through a symbolic link, never replace it
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        with _open_special(target, stat.S_ISFIFO(info.st_mode)) as stream:
            write_stream(stream, write)
        return
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{path!r} is {_kind_of(info.st_mode)}, not a file lrplot can write")
    if info is not None and not os.access(target, os.W_OK):
        # the rename would succeed in a writable directory; a read-only file stays read-only
        import errno

        raise PermissionError(errno.EACCES, "Permission denied (the file is read-only)", path)
    directory = os.path.dirname(target)
    with _signals_exit() as temps:
        handle, temp = _create_temp(directory, temps)
        try:
            with os.fdopen(handle, "wb") as stream:
                write(stream)
            if info is not None:  # rewriting a file keeps its mode (0600 stays 0600) and owner
                os.chmod(temp, stat.S_IMODE(info.st_mode))
                owner = (info.st_uid, info.st_gid)
                if hasattr(os, "chown") and owner != (os.getuid(), os.getgid()):
                    try:
                        os.chown(temp, info.st_uid, info.st_gid)
                    except OSError:
                        pass
            else:
                os.chmod(temp, 0o666 & ~_umask())
            os.replace(temp, target)
        except BaseException:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass
            raise


def _create_temp(directory: str, temps: list[str]) -> tuple[int, str]:
    """A new temporary file in ``directory``, listed in ``temps`` *before* it exists: a signal
    arriving between its creation and its listing (as with ``tempfile.mkstemp``) would leave
    it behind."""
    import secrets

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temp = os.path.join(directory, f".lrplot-{secrets.token_hex(8)}.tmp")
        temps.append(temp)
        try:
            return os.open(temp, flags, 0o600), temp
        except FileExistsError:  # another file by that name: not ours to remove
            temps.remove(temp)


FIFO_WAIT = 5.0
"""Seconds to wait for a process to open a FIFO for reading before giving up (a shell's
``> fifo`` would wait forever)."""


def _open_special(path: str, fifo: bool) -> IO[bytes]:
    """A character device or FIFO opened for writing, never created or truncated. A FIFO that
    no process reads is an error after :data:`FIFO_WAIT` seconds, not a hang."""
    import errno
    import time

    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | (os.O_NONBLOCK if fifo else 0)
    deadline = time.monotonic() + FIFO_WAIT
    while True:
        try:
            fd = os.open(path, flags)
            break
        except OSError as exc:
            if not fifo or exc.errno != errno.ENXIO or time.monotonic() > deadline:
                if fifo and exc.errno == errno.ENXIO:
                    raise OSError(errno.ENXIO, f"no process reads the FIFO (waited "
                                               f"{FIFO_WAIT:g} s)") from None
                raise
            time.sleep(0.05)
    if fifo:
        os.set_blocking(fd, True)
    return os.fdopen(fd, "wb")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_TEMPS: list[str] = []
"""Temporary files being written, removed by a SIGTERM or SIGHUP handler."""
_PREVIOUS: dict[int, Any] = {}
"""The handlers in force before lrplot's, called after the removal when they are Python's."""


class _signals_exit:
    """Within the block, SIGTERM and SIGHUP first remove the temporary files listed in the list
    the block is given, then end the process by the same signal. The handler does the removal
    itself: an exception raised from it could land in C code that swallows it (numpy) and the
    write would go on. Only in the main thread, where Python can install handlers; elsewhere
    the list is kept but no handler installed."""

    SIGNALS = ("SIGTERM", "SIGHUP")

    def __enter__(self) -> list[str]:
        import signal
        import threading

        self.saved: dict[int, Any] = {}
        self.start = len(_TEMPS)
        if threading.current_thread() is not threading.main_thread():
            return _TEMPS
        for name in self.SIGNALS:
            number = getattr(signal, name, None)
            if number is None:
                continue
            previous = signal.getsignal(number)
            if previous is signal.SIG_IGN:  # nohup: the user asked to survive SIGHUP
                continue
            self.saved[number] = previous
            _PREVIOUS.setdefault(number, previous)
            signal.signal(number, _exit_on_signal)
        return _TEMPS

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        import signal

        if exc_type is not None:  # an exception (Ctrl-C) at any point of the block: e.g. between
            for temp in _TEMPS[self.start:]:  # a temp file's creation and the block's own cleanup
                try:
                    os.unlink(temp)
                except OSError:
                    pass
        for number, previous in self.saved.items():
            signal.signal(number, previous if previous is not None else signal.SIG_DFL)
            _PREVIOUS.pop(number, None)
        del _TEMPS[self.start:]


def _exit_on_signal(number: int, frame: Any) -> None:
    import signal

    for temp in _TEMPS:
        try:
            os.unlink(temp)
        except OSError:
            pass
    previous = _PREVIOUS.get(number)
    if callable(previous):  # a program using lrplot handles the signal itself: let it
        previous(number, frame)
        return
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)  # die of the signal, as without lrplot's handler


def write_stream(stream: IO[bytes], write: Callable[[IO[bytes]], None]) -> None:
    """Write to an open binary stream (standard output): all of it, or nothing if ``write`` fails.

    The output is held until it is complete in a temporary file that stays in memory while small
    (CSV of 10^8 steps is gigabytes: it goes to disk, not to memory)."""
    import shutil
    import tempfile

    with tempfile.SpooledTemporaryFile(max_size=64 << 20) as buffer:
        write(buffer)
        buffer.seek(0)
        shutil.copyfileobj(buffer, stream, 1 << 20)
    stream.flush()


def source_date() -> datetime.datetime | None:
    """The time in ``SOURCE_DATE_EPOCH`` (reproducible-builds.org), or None when it is not set.

    Figures carry a date only when this variable sets one; never the wall clock.
    """
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    import datetime

    try:
        return datetime.datetime.fromtimestamp(int(text), datetime.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise OutputError(f"SOURCE_DATE_EPOCH: expected a whole number of seconds since "
                          f"1970-01-01 UTC, got {text!r}") from None


def date_metadata(fmt: str) -> dict[str, Any]:
    """matplotlib metadata that dates a figure by ``SOURCE_DATE_EPOCH`` (empty when unset)."""
    date = source_date()
    if date is None:
        return {}
    if fmt == "svg":
        return {"Date": date.isoformat()}
    if fmt == "pdf":
        return {"CreationDate": date, "ModDate": date}
    return {}


# -- the stamp ----------------------------------------------------------------------------------

STAMP_VERSION = 1
"""The layout of the stamp text itself (not of the picture)."""

_HASH_PREFIX = "lrplot-sha256:"
_PNG_HASH, _PNG_INPUTS = "lrplot-hash", "lrplot-inputs"


@dataclass(frozen=True)
class Stamp:
    """What determines a picture, as ``key: value`` lines, and their SHA-256."""

    text: str

    @property
    def digest(self) -> str:
        import hashlib

        return hashlib.sha256(self.text.encode("ascii")).hexdigest()

    def lines(self) -> list[str]:
        return self.text.splitlines()

    def metadata(self, fmt: str) -> dict[str, str]:
        """matplotlib ``savefig(metadata=...)`` entries that embed this stamp in ``fmt``."""
        hashed = _HASH_PREFIX + self.digest
        if fmt == "png":
            return {_PNG_HASH: hashed, _PNG_INPUTS: self.text}
        if fmt == "svg":
            return {"Identifier": hashed, "Description": self.text}
        if fmt == "pdf":
            return {"Keywords": hashed, "Subject": self.text}
        if fmt == "html":  # <meta name=... content=...> in the page's head
            return {_PNG_HASH: hashed, _PNG_INPUTS: self.text}
        return {}


@dataclass(frozen=True)
class FoundStamp:
    """A stamp read back from a file: its recorded hash, and the text when it could be read."""

    digest: str
    text: str | None


def _value(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=True, default=str)


_NOT_INPUTS = ("notes",)
"""FigureSpec fields that describe but do not determine the picture (fields declared with
``compare=False``, such as a curve's position in its config, are skipped as well)."""


def _file_digest(path: str) -> dict[str, str]:
    """A file a curve reads (a logged series): its name and content hash, not where it lives.
    Line endings are normalized, so a checkout that converts them (git on Windows) agrees."""
    import hashlib

    try:
        with open(path, "rb") as handle:
            digest = hashlib.sha256(handle.read().replace(b"\r\n", b"\n")).hexdigest()
    except OSError as exc:
        digest = f"unreadable ({exc.strerror or exc})"
    return {"file": os.path.basename(path), "sha256": digest}


def _flatten(value: Any, key: str, lines: list[str], kind: Any = None) -> None:
    """``key: value`` lines for a spec value, walking dataclasses, mappings and sequences."""
    from lrplot.schedules import Kind

    if isinstance(value, Kind):
        lines.append(f"{key}: {_value(value.name)}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        own_kind = getattr(value, "kind", None)
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.compare and f.name not in _NOT_INPUTS and not _is_default(f, item):
                _flatten(item, f"{key}.{f.name}" if key else f.name, lines,
                         own_kind if f.name == "params" else None)
    elif isinstance(value, Mapping):
        for name, item in value.items():
            if kind is not None and isinstance(item, str) and _names_a_file(kind, name):
                item = _file_digest(item)
            _flatten(item, f"{key}.{name}", lines)
    elif isinstance(value, (list, tuple)) and any(
            dataclasses.is_dataclass(v) or isinstance(v, (Mapping, list, tuple)) for v in value):
        if not value:
            lines.append(f"{key}: []")
        for i, item in enumerate(value):
            _flatten(item, f"{key}[{i}]", lines)
    else:
        lines.append(f"{key}: {_value(list(value) if isinstance(value, tuple) else value)}")


def _is_default(f: dataclasses.Field, value: Any) -> bool:
    """A spec field left at its declared default (a feature that is off) is left out of the
    stamp, so adding such a field to lrplot does not make every existing image stale."""
    if f.default is not dataclasses.MISSING:
        return value == f.default
    if f.default_factory is not dataclasses.MISSING:
        return value == f.default_factory()
    return False


def _names_a_file(kind: Any, name: str) -> bool:
    param = kind.param(name)
    return param.type == "path" if param is not None else name == "path"


def stamp(spec: FigureSpec, fmt: str, *, dpi: int | None = None,
          size: tuple[float, float] | None = None) -> Stamp:
    """The stamp of ``spec`` drawn to ``fmt``: one ``key: value`` line per input of the picture.

    The spec is the *resolved* one (every parameter, steps and label filled in), so comments,
    whitespace and spellings (``T_max`` or ``t_max``) of a config do not matter, while a changed
    default does; a file a curve reads counts by its content. Values are JSON (ASCII only),
    floats in their shortest exact form: the text is the same on every machine.
    """
    from lrplot import style

    if fmt in PAGE_FORMATS:  # a page looks as its script, style and uPlot make it: no matplotlib
        from lrplot import html

        look = f"page-style: {html.style_digest()}"
    else:
        look = f"render-style: {style.RENDER_STYLE_VERSION}"
    lines = [f"lrplot-stamp: {STAMP_VERSION}", look, f"format: {_value(fmt)}"]
    if fmt == "png":  # svg and pdf are vector output: the dpi does not change them
        lines.append(f"dpi: {_value(dpi or style.DEFAULT_DPI)}")
    lines.append(f"size: {_value(list(size) if size else 'auto')}")
    _flatten(spec, "", lines)
    return Stamp("\n".join(lines) + "\n")


STAMP_READ = 16 << 20
"""Bytes of a figure searched for its stamp: the start of a PNG or SVG (the stamp precedes the
pixels and drawing), the end of a PDF. A stamp is a few kB; a config is at most 1 MiB."""


def read_stamp(path: str) -> FoundStamp | None:
    """The stamp embedded in the figure at ``path``, or None when it has none (or is no figure)."""
    import struct
    from pathlib import Path

    from lrplot import inputs

    try:  # a regular file only, and only where a stamp can be: a huge image is not read whole
        with inputs.open_binary(path) as handle:
            data = handle.read(STAMP_READ)
            size = os.fstat(handle.fileno()).st_size
            if size > STAMP_READ and path.lower().endswith(".pdf"):
                handle.seek(size - STAMP_READ)  # the info dictionary is at the end of a PDF
                data += handle.read(STAMP_READ)
    except (OSError, inputs.InputFileError):
        return None
    fmt = Path(path).suffix.lower().lstrip(".")
    reader = {"png": _png_fields, "svg": _svg_fields, "pdf": _pdf_fields,
              "html": _html_fields}.get(fmt)
    if reader is None:
        return None
    try:
        digest, text = reader(data)
    except (ValueError, UnicodeDecodeError, struct.error):
        return None
    if not digest or not digest.startswith(_HASH_PREFIX):
        return None
    return FoundStamp(digest[len(_HASH_PREFIX):], text)


def _png_fields(data: bytes) -> tuple[str | None, str | None]:
    import struct

    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("not a PNG")
    fields: dict[str, str] = {}
    i = 8
    while i + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        body = data[i + 8:i + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            fields[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":  # key \0 compressed? method \0 language \0 translated \0 text
            key, _, rest = body.partition(b"\0")
            if rest[:1] == b"\0":
                parts = rest[2:].split(b"\0", 2)
                if len(parts) == 3:
                    fields[key.decode("latin-1")] = parts[2].decode("utf-8")
        elif kind in (b"IDAT", b"IEND"):  # matplotlib writes text chunks before the pixels
            break
        i += 12 + length
    return fields.get(_PNG_HASH), fields.get(_PNG_INPUTS)


def _svg_fields(data: bytes) -> tuple[str | None, str | None]:
    import html

    head = data.split(b"</metadata>", 1)[0].decode("utf-8")

    def element(name: str) -> str | None:
        found = re.search(rf"<dc:{name}>(.*?)</dc:{name}>", head, re.S)
        return html.unescape(found.group(1)) if found else None

    return element("identifier"), element("description")


def _html_fields(data: bytes) -> tuple[str | None, str | None]:
    import html

    head = data.split(b"</head>", 1)[0].decode("utf-8")

    def meta(name: str) -> str | None:
        found = re.search(rf'<meta name="{name}" content="([^"]*)">', head)
        return html.unescape(found.group(1)) if found else None

    return meta(_PNG_HASH), meta(_PNG_INPUTS)


_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f",
                b"(": b"(", b")": b")", b"\\": b"\\"}


def _pdf_string(data: bytes, key: bytes) -> str | None:
    """The literal string value of ``/key`` in the PDF's (last) info dictionary."""
    start = data.rfind(b"/" + key + b" (")
    if start < 0:
        return None
    i = start + len(key) + 3
    out = bytearray()
    depth = 0
    while i < len(data):
        c = data[i:i + 1]
        if c == b"\\":
            nxt = data[i + 1:i + 2]
            out += _PDF_ESCAPES.get(nxt, nxt)
            i += 2
            continue
        if c == b"(":
            depth += 1
        elif c == b")":
            if depth == 0:
                return out.decode("latin-1")
            depth -= 1
        out += c
        i += 1
    raise ValueError("unterminated PDF string")


def _pdf_fields(data: bytes) -> tuple[str | None, str | None]:
    if not data.startswith(b"%PDF"):
        raise ValueError("not a PDF")
    return _pdf_string(data, b"Keywords"), _pdf_string(data, b"Subject")
