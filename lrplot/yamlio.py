"""Safe YAML loading that remembers where every value came from.

PyYAML's default (YAML 1.1) resolver reads ``3e-4`` as a string and ``no`` as a boolean. Configs
are read with the YAML 1.2 core schema instead: ``true``/``false`` are the only booleans (``yes``,
``no``, ``on``, ``off`` stay strings, so a parameter that wants a number or a choice refuses them
by name) and every float spelling is a number. Documents are composed into nodes (safe: no tag
ever constructs an object) and converted here, which lets us keep the line and column of every
key and value, reject duplicate keys, and stop alias bombs before they expand.

Problems that do not stop the parse (a duplicate key, a refused tag, a non-finite number) are
collected, and all of them are raised together as one :class:`YamlError`. Every problem names
``file:line:col`` and, where it has one, the key path (``panels[1].curves[0].gamma``).
Hostile input fails fast: the file size, the nesting depth and the number of values after alias
expansion are capped (:mod:`lrplot.limits`).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from lrplot import limits

MAX_NODES = limits.MAX_NODES
"""Most scalar, list and mapping values a config may expand to (aliases count each time)."""


@dataclass(frozen=True)
class Mark:
    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


Path = tuple  # a key path into the document: ("panels", 1, "curves", 0, "gamma")


def key_path(path: Path) -> str:
    """``panels[1].curves[0].gamma``: a key path as users write it in messages."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class YamlError(ValueError):
    """A config that cannot be loaded: syntax, duplicate keys, refused tags, size and depth caps.

    ``mark``, ``path`` and ``message`` describe the first problem; ``problems`` lists every one
    as the line a user reads (``file:line:col: key.path: message``).
    """

    def __init__(self, mark: Mark | None, message: str, path: Path = (),
                 more: list[YamlError] | None = None):
        self.mark = mark
        self.message = message
        self.path = tuple(path)
        self.errors = [self, *(more or [])]
        super().__init__("\n".join(e.line() for e in self.errors))

    def line(self) -> str:
        """This one problem, located."""
        parts = [str(self.mark) if self.mark else "", key_path(self.path), self.message]
        return ": ".join(p for p in parts if p)

    @property
    def problems(self) -> list[str]:
        return [e.line() for e in self.errors]

    def __str__(self) -> str:
        return "\n".join(self.problems)


class _Resolver(yaml.resolver.BaseResolver):
    pass


_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_PATTERNS = {"tag:yaml.org,2002:null": _NULL, "tag:yaml.org,2002:bool": _BOOL,
             "tag:yaml.org,2002:int": _INT, "tag:yaml.org,2002:float": _FLOAT}
_Resolver.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
_Resolver.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
_Resolver.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_Resolver.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+.0123456789"))

MAX_INT_DIGITS = 300
"""Longest integer accepted (10^300 is far past any step count and still converts to a float)."""


class _Composer(yaml.composer.Composer):
    """PyYAML's composer (it turns events into nodes, recursively), with caps on the nesting
    depth and on the number of nodes, checked while composing, before either can cost much."""

    def __init__(self) -> None:
        yaml.composer.Composer.__init__(self)
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.nodes += 1
        if self.nodes > limits.MAX_NODES:
            raise yaml.composer.ComposerError(
                None, None, f"more than {limits.MAX_NODES} values in one config; refusing it",
                self.peek_event().start_mark)
        self.depth += 1
        if self.depth > limits.MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested more than {limits.MAX_DEPTH} levels deep; refusing it",
                self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _PyLoader(_Composer, yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                _Resolver):
    """Pure-Python scanning and parsing (used when PyYAML was built without libyaml)."""

    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _Composer.__init__(self)
        _Resolver.__init__(self)


try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _Loader: Any = _PyLoader
else:
    class _CLoader(_Composer, _CParser, _Resolver):
        """libyaml scans and parses (ten times faster: large hostile files fail fast); composing
        stays in Python, where the caps are."""

        def __init__(self, stream: str):
            _CParser.__init__(self, stream)
            _Composer.__init__(self)
            _Resolver.__init__(self)

    _Loader = _CLoader


def _expanded_size(root: yaml.Node, file: str) -> int:
    """How many values the node graph expands to (aliases counted each time they are used),
    computed once per distinct node: an alias bomb is measured without being expanded. Refuses
    an alias that refers to a list or mapping containing it (a cycle)."""
    size: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in size:
            continue
        if isinstance(node, yaml.ScalarNode):
            size[id(node)] = 1
            continue
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [n for pair in node.value for n in pair]
        if children_done:
            size[id(node)] = min(1 + sum(size[id(c)] for c in children), limits.MAX_NODES + 1)
            visiting.discard(id(node))
            continue
        visiting.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in visiting:
                raise YamlError(Mark(file, child.start_mark.line + 1, child.start_mark.column + 1),
                                "an alias refers to a list or mapping that contains it (a "
                                "cycle); refusing to load it")
            if id(child) not in size:
                stack.append((child, False))
    return size[id(root)]


@dataclass
class Document:
    """A loaded YAML document: plain Python data plus the mark of every key path."""

    data: Any
    marks: dict[Path, Mark]
    file: str
    base_dir: str = field(default="")
    """The directory relative paths in the document are relative to ('' for the current one)."""

    def mark(self, path: Path) -> Mark | None:
        """The mark of ``path``, or of its nearest ancestor that has one (None without marks)."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path)

    def resolve(self, written: str) -> str:
        """A path written in the document, made relative to the config's directory (``~``
        expanded). Messages about the file should still quote ``written``, as the user wrote it.
        """
        path = os.path.expanduser(written)
        return os.path.normpath(os.path.join(self.base_dir, path)) if self.base_dir else path


def _syntax_error(exc: yaml.YAMLError, file: str, text: str) -> YamlError:
    """A scanner, parser or composer error as one located problem, worded for people."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = Mark(file, mark.line + 1, mark.column + 1) if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        index = getattr(mark, "index", -1)
        if 0 <= index < len(text) and text[index] == "\t":
            problem = ("found a tab character ('\\t') where YAML does not allow one; "
                       "indent with spaces")
        elif "another document" in problem:
            problem = "found a second YAML document ('---'); a config is one document"
        elif "duplicate anchor" in (exc.context or ""):
            first = exc.context_mark
            problem = (exc.context.split(";")[0] + f" (first defined at line {first.line + 1}, "
                       f"column {first.column + 1}); give each anchor its own name")
        elif "cannot start any token" in problem and 0 <= index < len(text):
            problem = (f"found character {text[index]!r} that cannot start a value; put the "
                       "value in quotes")
        elif exc.problem and exc.context and exc.context_mark and \
                (exc.context_mark.line, exc.context_mark.column) != (mark.line, mark.column):
            context = exc.context.removeprefix("while ")
            problem += (f" (while {context} that starts at line {exc.context_mark.line + 1}, "
                        f"column {exc.context_mark.column + 1})")
        return YamlError(where, f"invalid YAML: {problem}")
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = exc.character if isinstance(exc.character, int) else 0
        return YamlError(Mark(file, line, column),
                         f"invalid YAML: control character U+{character:04X} is not allowed")
    return YamlError(Mark(file, 1, 1), f"invalid YAML: {exc}")


def loads(text: str, file: str = "<string>", base_dir: str = "") -> Document:
    """Parse one YAML document; raise :class:`YamlError` listing every problem, with positions.

    ``base_dir``: the directory that relative paths in the document are relative to.
    """
    text = text.removeprefix("\ufeff")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, file, text) from None
    except RecursionError:  # defensive: the depth cap should always come first
        raise YamlError(Mark(file, 1, 1), "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    marks: dict[Path, Mark] = {}
    if node is None:  # empty, or only comments: problems with it are located at its start
        return Document(None, {(): Mark(file, 1, 1)}, file, base_dir)
    if _expanded_size(node, file) > limits.MAX_NODES:
        raise YamlError(Mark(file, node.start_mark.line + 1, node.start_mark.column + 1),
                        f"the document expands to more than {limits.MAX_NODES} values (an alias "
                        f"bomb? aliases repeated too often); refusing to load it")
    converter = _Converter(file, marks)
    data = converter.convert(node, ())
    if converter.problems:
        first, *rest = converter.problems
        raise YamlError(first.mark, first.message, first.path, rest)
    return Document(data, marks, file, base_dir)


def load(path: str) -> Document:
    """Read and parse a config file. A file that cannot be opened raises the usual
    :class:`OSError` (``FileNotFoundError``, ...); one that is too large, not UTF-8 or not valid
    YAML raises :class:`YamlError` naming ``path``. Relative paths written inside the document
    resolve against the file's directory (:meth:`Document.resolve`)."""
    data = read_config(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(Mark(path, line, column),
                        f"not UTF-8 text (byte 0x{data[exc.start]:02x}: {exc.reason})") from None
    return loads(text, path, os.path.dirname(path))


def read_config(path: str) -> bytes:
    """The bytes of a config file; one over the size cap (``LRPLOT_MAX_CONFIG_BYTES``) is
    refused after reading no more than the cap; a FIFO, a device or a /proc file is refused
    before reading (:mod:`lrplot.inputs`)."""
    try:
        cap = limits.MAX_CONFIG_BYTES.value()
    except limits.LimitError as exc:
        raise YamlError(None, str(exc)) from None
    from lrplot import inputs

    try:  # only a regular file, read in pieces: a FIFO, /dev/zero or a cap of 1e15 cost nothing
        data = inputs.read_bounded(path, cap)
    except inputs.InputFileError as exc:
        raise YamlError(None, f"{exc}; a config is a YAML file") from None
    if len(data) > cap:
        raise YamlError(None, f"{path}: config file larger than {limits.human_bytes(cap)}; "
                              "a config describes a figure in a few kB (raise the cap with "
                              f"{limits.MAX_CONFIG_BYTES.name} if this one is real)")
    return data


def describe_os_error(path: str, exc: OSError) -> str:
    """``configs/x.yaml: no such file``: an unreadable config, as one line for users."""
    if isinstance(exc, FileNotFoundError):
        return f"{path}: no such file"
    if isinstance(exc, IsADirectoryError):
        return f"{path}: is a directory, not a config file"
    return f"{path}: cannot read it: {exc.strerror or exc}"


_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_SCALAR_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool",
                "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Converter:
    """Nodes -> plain data, recording marks, counting values, collecting problems."""

    def __init__(self, file: str, marks: dict[Path, Mark]):
        self.file = file
        self.marks = marks
        self.budget = limits.MAX_NODES
        self.problems: list[YamlError] = []
        self.active: set[int] = set()  # collections being converted: an alias to one is a cycle

    def mark(self, node: yaml.Node) -> Mark:
        return Mark(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def problem(self, node: yaml.Node, path: Path, message: str) -> None:
        self.problems.append(YamlError(self.mark(node), message, path))

    def convert(self, node: yaml.Node, path: Path) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlError(self.mark(node),
                            f"document expands to more than {limits.MAX_NODES} values (an alias "
                            f"bomb? aliases repeated too often); refusing to load it", path)
        if len(path) > limits.MAX_DEPTH:
            raise YamlError(self.mark(node), f"nested more than {limits.MAX_DEPTH} levels deep "
                                             f"through aliases; refusing to load it", path)
        self.marks[path] = self.mark(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if node.tag not in _COLLECTION_TAGS:
            self.problem(node, path, f"tag {_short(node.tag)!r} is not allowed in lrplot configs "
                                     "(tags never construct objects here)")
            return None
        if id(node) in self.active:
            raise YamlError(self.mark(node), "an alias refers to a list or mapping that contains "
                                             "it (a cycle); refusing to load it", path)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "keys must be plain names, not lists or mappings")
                continue
            if key_node.tag not in _SCALAR_TAGS:
                self.problem(key_node, path, f"tag {_short(key_node.tag)!r} is not allowed in "
                                             "lrplot configs")
                continue
            key = key_node.value
            if key == "<<" and not key_node.style:  # plain (PyYAML: None, libyaml: '')
                self.problem(key_node, path + (key,),
                             "merge keys ('<<') are YAML 1.1 and not supported; set shared "
                             "steps and base_lr on the panel or figure, or repeat the keys")
                continue
            if key in first_line:
                self.problem(key_node, path + (key,),
                             f"duplicate key {key!r} (first given at line {first_line[key]}); "
                             "keep one")
                continue
            first_line[key] = key_node.start_mark.line + 1
            value = self.convert(value_node, path + (key,))
            self.marks[path + (key,)] = self.mark(key_node)
            result[key] = value
        return result

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        tag, text = node.tag, node.value
        if tag not in _SCALAR_TAGS:  # checked first: !!python/name:os.system '' is quoted
            self.problem(node, path, f"tag {_short(tag)!r} is not allowed in lrplot configs "
                                     "(tags never construct objects here)")
            return None
        if tag == "tag:yaml.org,2002:str" or node.style in ("'", '"', "|", ">"):
            return text
        if not _PATTERNS[tag].match(text):
            self.problem(node, path, f"{text!r} is not a valid {_short(tag)}")
            return None
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            digits = text.lstrip("+-")
            if len(digits) > MAX_INT_DIGITS:
                self.problem(node, path, f"an integer of {len(digits)} digits is too large "
                                         f"(at most {MAX_INT_DIGITS} digits)")
                return None
            return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
        lowered = text.lower()
        value = math.nan if lowered.endswith(".nan") else math.inf if lowered.endswith(".inf") \
            else float(text)
        if not math.isfinite(value):
            why = "" if lowered.endswith((".nan", ".inf")) else " (too large for a float64)"
            self.problem(node, path, f"{text} is not a finite number{why}; lrplot accepts "
                                     "finite numbers only")
            return None
        return value


def _short(tag: str) -> str:
    """``!!python/object`` for ``tag:yaml.org,2002:python/object``."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") \
        else tag
