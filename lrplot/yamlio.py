"""Safe YAML loading that remembers where every value came from.

PyYAML's default (YAML 1.1) resolver reads ``3e-4`` as a string and ``no`` as a boolean. Configs
are read with the YAML 1.2 core schema instead: ``true``/``false`` are the only booleans and every
float spelling is a number. Documents are composed into nodes (safe: no tag ever constructs an
object) and converted here, which lets us keep the line and column of every key and value,
reject duplicate keys, and stop alias bombs before they expand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

MAX_NODES = 100_000
"""Most scalar, list and mapping values a config may expand to (aliases count each time)."""


@dataclass(frozen=True)
class Mark:
    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class YamlError(ValueError):
    def __init__(self, mark: Mark | None, message: str):
        self.mark = mark
        self.message = message
        super().__init__(f"{mark}: {message}" if mark else message)


Path = tuple  # a key path into the document: ("panels", 1, "curves", 0, "gamma")


class _Resolver(yaml.resolver.BaseResolver):
    pass


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+.0123456789"))


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
              yaml.composer.Composer, _Resolver):
    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)


@dataclass
class Document:
    """A loaded YAML document: plain Python data plus the mark of every key path."""

    data: Any
    marks: dict[Path, Mark]
    file: str

    def mark(self, path: Path) -> Mark | None:
        """The mark of ``path``, or of its nearest ancestor that has one (None without marks)."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path)


def loads(text: str, file: str = "<string>") -> Document:
    """Parse one YAML document; raise :class:`YamlError` with a position on any problem."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(file, mark.line + 1, mark.column + 1) if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(where, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(Mark(file, 1, 1), f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    marks: dict[Path, Mark] = {}
    if node is None:
        return Document(None, marks, file)
    budget = [MAX_NODES]
    data = _convert(node, (), marks, file, budget)
    return Document(data, marks, file)


def load(path: str) -> Document:
    with open(path, encoding="utf-8") as handle:
        return loads(handle.read(), path)


def _mark(node: yaml.Node, file: str) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _convert(node: yaml.Node, path: Path, marks: dict[Path, Mark], file: str,
             budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError(_mark(node, file),
                        f"document expands to more than {MAX_NODES} values "
                        "(aliases repeated too often?); refusing to load it")
    marks[path] = _mark(node, file)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
        raise YamlError(_mark(node, file), f"tag {node.tag!r} is not allowed in lrplot configs")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(_mark(key_node, file), "keys must be plain names")
            key = key_node.value
            if key in result:
                first = marks[path + (key,)]
                raise YamlError(_mark(key_node, file),
                                f"duplicate key {key!r} (first given at line {first.line})")
            marks[path + (key,)] = _mark(key_node, file)
            result[key] = _convert(value_node, path + (key,), marks, file, budget)
            marks[path + (key,)] = _mark(key_node, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), marks, file, budget)
                for i, item in enumerate(node.value)]
    return _scalar(node, file)


def _scalar(node: yaml.ScalarNode, file: str) -> Any:
    tag, text = node.tag, node.value
    if tag == "tag:yaml.org,2002:str" or node.style in ("'", '"', "|", ">"):
        return text
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return text.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    if tag == "tag:yaml.org,2002:float":
        if text.lower().endswith((".inf", ".nan")):
            raise YamlError(_mark(node, file), f"{text} is not a finite number")
        return float(text)
    raise YamlError(_mark(node, file), f"tag {tag!r} is not allowed in lrplot configs")
