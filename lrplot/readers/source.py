"""A foreign config as a reader sees it: its keys, where each was written, and a builder for the
lrplot mapping that keeps pointing at the lines the values came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lrplot.params import describe_value
from lrplot.readers.run import Value
from lrplot.problems import Problem, SpecError
from lrplot.yamlio import Document, Mark


class Source:
    """One loaded config (a :class:`Document`) and the problems found reading it."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data if isinstance(self.doc.data, dict) else {}

    def where(self, path: tuple) -> str:
        """``file:line:col: key.path`` (the style of every lrplot problem)."""
        from lrplot.yamlio import key_path

        mark = self.doc.mark(path)
        return ": ".join(str(p) for p in (mark, key_path(path)) if p)

    def mark(self, path: tuple) -> Mark | None:
        return self.doc.mark(path)

    def at(self, path: tuple) -> str:
        """``file:line:col key.path``: a source for explanations."""
        from lrplot.yamlio import key_path

        mark = self.doc.mark(path)
        return f"{mark} {key_path(path)}" if mark else key_path(path)

    def get(self, path: tuple, default: Any = None) -> Any:
        node: Any = self.doc.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    return default
            elif not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def has(self, path: tuple) -> bool:
        sentinel = object()
        return self.get(path, sentinel) is not sentinel

    def error(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.where(path), message))

    def fail(self, path: tuple, message: str) -> SpecError:
        """A problem that stops reading: raise what this returns."""
        self.error(path, message)
        return SpecError(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise SpecError(self.problems)

    # -- typed values --------------------------------------------------------------------------

    def number(self, path: tuple, default: Any, default_source: str, *, integer: bool = False,
               minimum: float | None = None) -> Value:
        """A number at ``path`` (or ``default``), checked; a bad one is a located problem."""
        if not self.has(path) or self.get(path) is None:
            return Value(default, default_source)
        raw = self.get(path)
        value = raw
        if isinstance(raw, str):  # "1e-4" quoted, as some front-ends write it
            try:
                value = float(raw) if not integer else int(raw)
            except ValueError:
                value = None
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and integer and isinstance(value, float):
            ok = value == int(value)
            value = int(value) if ok else value
        if not ok or (minimum is not None and value < minimum):
            what = "a whole number" if integer else "a number"
            bound = f" >= {minimum:g}" if minimum is not None else ""
            self.error(path, f"expected {what}{bound}, got {describe_value(raw)}")
            return Value(default, default_source)
        return Value(value, self.at(path))

    def boolean(self, path: tuple, default: bool, default_source: str) -> Value:
        if not self.has(path) or self.get(path) is None:
            return Value(default, default_source)
        raw = self.get(path)
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            raw = raw.lower() == "true"
        if not isinstance(raw, bool):
            self.error(path, f"expected true or false, got {describe_value(raw)}")
            return Value(default, default_source)
        return Value(raw, self.at(path))

    def text(self, path: tuple, default: str, default_source: str) -> Value:
        if not self.has(path) or self.get(path) is None:
            return Value(default, default_source)
        raw = self.get(path)
        if not isinstance(raw, str):
            self.error(path, f"expected a name, got {describe_value(raw)}")
            return Value(default, default_source)
        return Value(raw, self.at(path))


def _check_run_length(source: Source, steps: int) -> None:
    """Refuse a run past lrplot's step limit here, where the message can say what made it so
    long (a number of 300 digits helps nobody)."""
    from lrplot import limits

    try:
        cap = limits.MAX_STEPS.value()
    except limits.LimitError as exc:
        raise SpecError([Problem("", str(exc))]) from None
    if steps > cap:
        raise source.fail((), f"the run is {float(steps):.3g} optimizer steps, more than lrplot "
                              f"draws ({limits.MAX_STEPS.name}={cap}); check the epochs, "
                              "max_steps and --dataset-size")


@dataclass
class Imported(Document):
    """A training config read as an lrplot figure; ``trainer_findings`` are the lint warnings
    only the trainer's rules reveal, as ``(rule, where, message, fix, curve label)``."""

    trainer_findings: list = field(default_factory=list)


class Output:
    """The lrplot mapping a reader builds, with a mark for each key pointing into the source, so
    that a problem lrplot finds in the converted spec (a bad kwarg) is located in the user's
    file."""

    def __init__(self, source: Source):
        self.source = source
        self.data: dict[str, Any] = {"curves": []}
        self.marks: dict[tuple, Mark] = {}
        self.findings: list[tuple[str, tuple, str, str]] = []
        root = source.mark(())
        if root:
            self.marks[()] = root

    def warn(self, rule: str, path: tuple, message: str, fix: str) -> None:
        """A trainer-level mistake, located at ``path`` in the source (lrplot lint shows it)."""
        self.findings.append((rule, path, message, fix))

    def figure(self, key: str, value: Any, origin: tuple = ()) -> None:
        """A figure-level default (``steps``, ``base_lr``, ``steps_per_epoch``, ``interval``):
        there, ``--steps`` and ``--base-lr`` of the commands still override it."""
        if key == "steps":
            _check_run_length(self.source, value)
        self.data[key] = value
        mark = self.source.mark(origin) if origin else None
        if mark:
            self.marks[(key,)] = mark

    def curve(self, values: dict[str, Any], origins: dict[str, tuple], origin: tuple = ()) -> int:
        """Append a curve; ``origins`` maps its keys to the source paths they were read from."""
        index = len(self.data["curves"])
        self.data["curves"].append(values)
        path = ("curves", index)
        mark = self.source.mark(origin) if origin else None
        if mark:
            self.marks[path] = mark
        for key, src in origins.items():
            mark = self.source.mark(src)
            if mark:
                self.marks[path + (key,)] = mark
        return index

    def document(self) -> Document:
        """The figure: titled after the config's file, its curve labelled after its stem (the
        resolved parameters are in the JSON output and in --explain)."""
        import os

        name = os.path.basename(self.source.doc.file)
        self.data.setdefault("title", name)
        curves = self.data["curves"]
        for curve in curves:
            if "label" not in curve:
                kind = curve.get("type", "")
                curve["label"] = f"{os.path.splitext(name)[0]} ({kind})" if len(curves) == 1 \
                    else kind
        label = curves[0]["label"] if curves else ""
        findings = [(rule, self.source.where(path) or self.source.doc.file, message, fix, label)
                    for rule, path, message, fix in self.findings]
        return Imported(self.data, self.marks, self.source.doc.file, self.source.doc.base_dir,
                        findings)
