"""The JSON Schema of lrplot's YAML configs, generated from the kind registry and Param tables.

Editors that speak JSON Schema (VS Code and others through yaml-language-server) complete keys,
show each parameter's help, type, bounds and default, and flag mistakes as you type. Nothing
here is written by hand per kind: every kind, its parameters (under the snake_case key and the
framework's own spelling, ``t_max`` and ``T_max``), their types, bounds, defaults and help come
from :mod:`lrplot.schedules` and :mod:`lrplot.params`; only the figure/panel/curve structure and
the help of its keys come from where they are declared: :mod:`lrplot.configkeys` for the figure,
panels and curves, :data:`lrplot.logged.KEY_HELP` for a data curve, the import reader for an
imported config.

The schema is draft-07 (what yaml-language-server understands). A curve is matched to its kind
with ``if``/``then`` on ``type`` (case-insensitive, every spelling lrplot accepts), so the
messages name the right parameters. The schema is a help for editors: ``lrplot validate`` stays
the authority and also checks what a schema cannot say (a parameter given under two spellings,
cross-parameter rules, that a metric file exists).

Two copies are kept in step with the code: ``lrplot/lrplot.schema.json`` (in the package) and
``schema/lrplot.schema.json`` (a stable path in the repository, for ``$schema=`` lines). A test
fails when either is stale; regenerate both with::

    python -m lrplot.schema --write

This module imports neither numpy nor matplotlib.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from lrplot import configkeys, schedules, spec
from lrplot.params import COMMON_PARAMS, TYPES, Param, format_value
from lrplot.schedules import Kind

DRAFT = "http://json-schema.org/draft-07/schema#"
REGENERATE = "python -m lrplot.schema --write"
"""The command that rewrites both schema files from the code."""

PACKAGE_FILE = Path(__file__).with_name("lrplot.schema.json")
REPO_FILE = Path(__file__).resolve().parent.parent / "schema" / "lrplot.schema.json"

_BOOL = {"type": "boolean"}
_NAME = {"type": "string", "minLength": 1, "pattern": r"\S"}

_STRUCTURAL = configkeys.STRUCTURE_KEYS  # described by the generator itself
_COMMON = {p.name: p for p in COMMON_PARAMS}


class SchemaGapError(LookupError):
    """Something in the code that the generator cannot describe yet (strict mode only)."""


# -- pieces -------------------------------------------------------------------------------------


def _ci(word: str) -> str:
    """A case-insensitive ECMA-262 regex for ``word`` (``[cC][oO]...``): no inline flags."""
    out = []
    for ch in word:
        if ch.isalpha() and ch.lower() != ch.upper():
            out.append(f"[{ch.lower()}{ch.upper()}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def spellings(kind: Kind) -> list[str]:
    """Every way a config may name ``kind``, up to case: its name, its framework name, and both
    under each namespace prefix that maps to its namespace (``torch.cosine``,
    ``transformers.cosine``)."""
    names = [kind.name, *kind.aliases]
    out = list(names)
    own = kind.namespace or ""
    for prefix, target in schedules.namespaces().items():
        if target != own:
            continue
        for name in names:
            rest = name.split(".", 1)[1] if own else name
            out.append(f"{prefix}.{rest}")
    return list(dict.fromkeys(out))


def _pattern(words: list[str]) -> str:
    return "^(?:" + "|".join(_ci(w) for w in words) + ")$"


def _jsonable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class _Generator:
    def __init__(self, strict: bool):
        self.strict = strict
        self.gaps: list[str] = []
        self.definitions: dict[str, Any] = {}

    def define(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        """Store ``schema`` once under ``definitions`` and return a reference to it."""
        self.definitions.setdefault(name, schema)
        return {"$ref": "#/definitions/" + name.replace("~", "~0").replace("/", "~1")}

    def param_ref(self, kind: Kind, p: Param) -> dict[str, Any]:
        return self.define(f"{kind.name}.{p.name}", self.param(p))

    def type_ref(self, kind: Kind) -> dict[str, Any]:
        """A reference to the case-insensitive pattern of every spelling of ``kind``'s name."""
        return self.define(f"type.{kind.name}", {"type": "string",
                                                  "pattern": _pattern(spellings(kind))})

    def gap(self, message: str) -> None:
        if self.strict:
            raise SchemaGapError(message)
        self.gaps.append(message)

    # -- parameters --------------------------------------------------------------------------

    def scalar(self, p: Param, scalar_type: str) -> dict[str, Any]:
        if scalar_type in ("float", "int"):
            out: dict[str, Any] = {"type": "number" if scalar_type == "float" else "integer"}
            if p.min is not None:
                out["exclusiveMinimum" if p.min_exclusive else "minimum"] = p.min
            if p.max is not None:
                out["exclusiveMaximum" if p.max_exclusive else "maximum"] = p.max
            return out
        if scalar_type == "bool":
            return dict(_BOOL)
        if scalar_type == "choice":
            return {"enum": list(p.choices)}
        if scalar_type == "expr":
            return {"type": "string", "minLength": 1}
        if scalar_type in ("text", "path"):
            return dict(_NAME)
        self.gap(f"parameter type {p.type!r} (of {p.name}) has no JSON Schema: add it to "
                 f"lrplot/schema.py (_Generator.scalar/value), then run {REGENERATE}")
        return {}

    def value(self, p: Param) -> dict[str, Any]:
        """The schema of one value of ``p`` (no description)."""
        if p.type == "schedulers":
            out: dict[str, Any] = {"type": "array", "minItems": 1,
                                   "items": self.child_ref(getattr(p, "child_kinds", ""))}
        elif p.type == "int_float_map":  # {100: 0.5}, or the pairs of its canonical form
            number = self.scalar(p, "float")
            out = {"anyOf": [
                {"type": "object", "propertyNames": {"pattern": r"^\s*\+?[0-9]+\s*$"},
                 "additionalProperties": number},
                {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                            "items": [{"type": "integer", "minimum": 0},
                                                      number]}}]}
        elif p.type.endswith("_list"):
            out = {"type": "array", "items": self.scalar(p, p.type.removesuffix("_list"))}
        elif p.type == "int_float_map":  # YAML keys are integer steps: {100: 0.5}
            out = {"type": "object", "propertyNames": {"pattern": "^[0-9]+$"},
                   "additionalProperties": self.scalar(p, "float")}
        else:
            out = self.scalar(p, p.type)
        if p.nullable:
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
            elif "type" in out:
                types = out["type"] if isinstance(out["type"], list) else [out["type"]]
                out["type"] = [*types, "null"]
            else:
                out = {"anyOf": [out, {"type": "null"}]} if out else out
        return out

    def param(self, p: Param) -> dict[str, Any]:
        """The schema of ``p`` as a key: its value, its help, its default."""
        out = self.value(p)
        if p.required:
            default = "required"
        elif p.default is None:
            default = "default: none"
        else:
            default = f"default: {format_value(p.default)}"
            out["default"] = _jsonable(p.default)
        accepted = p.accepted()
        out["description"] = f"{p.help.rstrip('.')}. {accepted[0].upper()}{accepted[1:]}; " \
                             f"{default}."
        return dict(sorted(out.items(), key=lambda kv: kv[0] != "description"))

    def keys(self, p: Param) -> list[str]:
        """The keys ``p`` is offered under: the snake_case key first, then the framework's."""
        return list(dict.fromkeys([p.key, p.name]))

    def accepted_only(self, p: Param) -> list[str]:
        """Spellings lrplot accepts but editors need not offer (the flag's kebab case)."""
        kebab = p.flag.lstrip("-")
        return [kebab] if kebab not in self.keys(p) else []

    def required_param(self, p: Param, sweepable: bool) -> dict[str, Any]:
        """Given under any spelling (or swept, for curves)."""
        spelled = [*self.keys(p), *self.accepted_only(p)]
        options: list[dict[str, Any]] = [{"required": [k]} for k in spelled]
        if sweepable:
            options.append({"required": ["sweep"], "properties": {"sweep": {
                "anyOf": [{"required": [k]} for k in spelled]}}})
        return {"anyOf": options}

    def params_object(self, kind: Kind, fixed: dict[str, Any], sweepable: bool,
                      taken: tuple[str, ...]) -> dict[str, Any]:
        """An object schema: ``fixed`` properties, then the kind's parameters."""
        properties = dict(fixed)
        patterns: dict[str, Any] = {}
        required = []
        for p in kind.params:
            if p.key in taken or p.name in taken:
                continue  # the curve's own key of that name is the same value (CyclicLR base_lr)
            schema = self.param_ref(kind, p)
            for key in self.keys(p):
                properties[key] = schema
            for key in self.accepted_only(p):
                patterns[f"^{re.escape(key)}$"] = schema
            if p.required:
                required.append(self.required_param(p, sweepable))
        if sweepable:
            properties["sweep"] = self.define(f"sweep.{kind.name}", self.sweep(kind))
        out: dict[str, Any] = {"properties": properties}
        if patterns:
            out["patternProperties"] = patterns
        out["additionalProperties"] = False
        if required:
            out["allOf"] = required
        return out

    def sweep(self, kind: Kind) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        patterns: dict[str, Any] = {}
        for p in kind.params:
            schema = {"description": f"Values of {p.name} to sweep: one curve each.",
                      "type": "array", "minItems": 1, "items": self.param_ref(kind, p)}
            for key in self.keys(p):
                properties[key] = schema
            for key in self.accepted_only(p):
                patterns[f"^{re.escape(key)}$"] = schema
        out: dict[str, Any] = {
            "description": "Parameters to sweep, each with a list of values: one curve per "
                           "value (several swept parameters give every combination).",
            "type": "object", "minProperties": 1, "properties": properties}
        if patterns:
            out["patternProperties"] = patterns
        out["additionalProperties"] = False
        return out

    # -- structure ---------------------------------------------------------------------------

    def key(self, key: str, where: str) -> dict[str, Any]:
        """A key of the figure, a panel or a curve: a common parameter (steps, base_lr), a key
        of :mod:`lrplot.configkeys`, or a data curve's own (:data:`lrplot.logged.KEY_HELP`)."""
        if key == "base_lr":  # a list: one parameter group (and curve) per value
            one = self.param(_COMMON[key])
            described = one.pop("description")
            default = one.pop("default", None)
            return {"description": f"{described} A list gives one parameter group (and "
                                   "curve) each, as torch computes them.",
                    **({"default": default} if default is not None else {}),
                    "anyOf": [one, {"type": "array", "minItems": 1, "items": one}]}
        if key in _COMMON:
            return self.param(_COMMON[key])
        declared = configkeys.BY_NAME.get(key)
        if declared is not None and declared.schema is not None:
            return declared.schema_of()
        from lrplot import logged

        if key in logged.KEY_HELP:
            schema, help_text = logged.KEY_HELP[key]
            return {"description": help_text, **schema}
        self.gap(f"key {key!r} of {where} has no description: declare it in lrplot.configkeys "
                 f"(a data curve's in lrplot.logged.KEY_HELP), then run {REGENERATE}")
        return {}

    def keys_of(self, keys: tuple[str, ...], where: str) -> dict[str, Any]:
        return {k: self.define(k, self.key(k, where)) for k in keys if k not in _STRUCTURAL}

    def type_property(self, kinds: list[Kind], extra: tuple[str, ...] = ()) -> dict[str, Any]:
        names = [n for k in kinds for n in (k.name, *k.aliases)] + list(extra)
        return {"description": "The schedule: a short name (cosine) or the framework's name "
                               "(CosineAnnealingLR); case does not matter. 'lrplot list' shows "
                               "every one.",
                "anyOf": [{"enum": names}, *(self.type_ref(k) for k in kinds)]}

    def matching(self, kind: Kind, then: dict[str, Any]) -> dict[str, Any]:
        then["properties"] = {"type": {"description": f"{kind.framework_class} "
                                                      f"({kind.framework}): {kind.summary}."},
                              **then["properties"]}
        return {"if": {"required": ["type"], "properties": {"type": self.type_ref(kind)}},
                "then": then}

    def curve(self, kinds: list[Kind]) -> dict[str, Any]:
        common = self.keys_of(configkeys.CURVE_KEYS, "a curve")
        branches = [self.matching(kind, self.params_object(kind, common, True,
                                                           tuple(configkeys.CURVE_KEYS)))
                    for kind in kinds]
        data_keys = self.data_keys()
        if data_keys is not None:
            branches.append({
                "if": {"required": ["type"], "properties": {"type": {"const": "data"}}},
                "then": {"properties": {"type": {"description": "A logged lr series read from "
                                                                "a CSV file."},
                                        **self.keys_of(data_keys, "a data curve")},
                         "required": ["path"], "additionalProperties": False}})
        imported = self.import_keys()
        if imported:
            own_type = imported.pop("type")
            branches.append({
                "if": {"required": ["type"], "properties": {"type": {"const": "import"}}},
                "then": {"properties": {"type": {"description": own_type[1]},
                                        **{k: self.define(f"import.{k}",
                                                          {"description": help_text, **value})
                                           for k, (value, help_text) in imported.items()}},
                         "required": ["path"], "additionalProperties": False}})
        extra = ("data",) if data_keys is not None else ()
        return {"description": "One schedule: its type and parameters; optionally label, "
                               "steps, base_lr and a sweep.",
                "type": "object", "required": ["type"],
                "properties": {"type": self.type_property(
                    kinds, extra + (("import",) if imported else ()))},
                "allOf": branches}

    def import_keys(self) -> dict[str, tuple[dict[str, Any], str]]:
        """The keys of a ``type: import`` curve, as the import reader declares them."""
        try:
            from lrplot.readers import imports
        except ImportError:  # pragma: no cover - the readers are optional
            return {}
        return imports.key_schemas()

    def data_keys(self) -> tuple[str, ...] | None:
        try:
            from lrplot import logged
        except ImportError:  # pragma: no cover - data curves are optional
            return None
        return tuple(logged.KEYS)

    def child_ref(self, group: str = "") -> dict[str, Any]:
        """A reference to the schema of one child schedule of a composite. ``group`` is the
        Param's ``child_kinds``: "" for torch's composites, a framework ("optax") for its
        kinds, or one kind ("optax.warmup_cosine_decay"), whose type may then be left out."""
        name = f"child.{group}" if group else "child"
        if name not in self.definitions:
            self.definitions[name] = {}  # placeholder: composites nest (a child of a child)
            self.definitions[name] = self.child(schedules.all_kinds(), group)
        return {"$ref": f"#/definitions/{name}"}

    def child(self, kinds: list[Kind], group: str = "") -> dict[str, Any]:
        def refused(kind: Kind) -> bool:
            refusal = getattr(spec, "child_refusal", None)
            if refusal is None:
                return False
            return (refusal(kind, group) if group else refusal(kind)) is not None

        allowed = [k for k in kinds if not refused(k)]
        description = ("A child schedule of a composite: its type and parameters (steps, "
                       "label and sweeps belong to the whole curve).")

        def params(kind: Kind) -> dict[str, Any]:
            fixed = {"base_lr": self.define("child.base_lr", self.param(_COMMON["base_lr"]))} \
                if kind.own_base_lr else {}
            if not group:  # torch's: a child of a chained schedule stepped by the loop
                fixed["interval"] = self.define("child.interval", {
                    **configkeys.BY_NAME["interval"].schema_of(),
                    "description": "How often the training loop steps this child of a chained "
                                   "schedule on its own: every iteration (step) or once per "
                                   "epoch of steps_per_epoch iterations (epoch); the curve "
                                   "stays per iteration."})
            taken = tuple(["type", *fixed])
            return self.params_object(kind, fixed, False, taken)

        if "." in group and len(allowed) == 1:  # one kind: its type may be left out
            [kind] = allowed
            out = params(kind)
            out["properties"] = {"type": self.type_ref(kind), **out["properties"]}
            return {"description": f"{description} Always {kind.name}; type may be left out.",
                    "type": "object", **out}
        return {"description": description, "type": "object", "required": ["type"],
                "properties": {"type": self.type_property(allowed)},
                "allOf": [self.matching(kind, params(kind)) for kind in allowed]}

    def figure(self) -> dict[str, Any]:
        kinds = schedules.all_kinds()
        structure = {"curve": self.curve(kinds)}
        self.child_ref()  # torch's children, described even when no composite names them
        figure_keys = self.keys_of(configkeys.FIGURE_KEYS, "the figure")
        panel_keys = self.keys_of(configkeys.PANEL_KEYS, "a panel")
        curves = {"description": "The curves of this panel.", "type": "array", "minItems": 1,
                  "items": {"$ref": "#/definitions/curve"}}
        properties = {}
        for key in configkeys.FIGURE_KEYS:
            if key == "panels":
                properties[key] = {"description": "The panels of the figure, side by side.",
                                   "type": "array", "minItems": 1,
                                   "items": {"$ref": "#/definitions/panel"}}
            elif key == "curves":
                properties[key] = {**curves, "description": "The curves of a one-panel "
                                                            "figure (instead of panels)."}
            else:
                properties[key] = figure_keys[key]
        panel_properties = {k: curves if k == "curves" else panel_keys[k]
                            for k in configkeys.PANEL_KEYS}
        return {
            "$schema": DRAFT,
            "title": "lrplot figure config",
            "description": "One YAML file is one lrplot figure: panels of curves, or curves. "
                           "Generated from lrplot's schedule registry; regenerate with "
                           f"'{REGENERATE}', do not edit.",
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
            "oneOf": [{"required": ["panels"]}, {"required": ["curves"]}],
            "definitions": {
                "panel": {"description": "A panel: a title and its curves; steps and base_lr "
                                         "here are the default of its curves.",
                          "type": "object", "required": ["curves"],
                          "properties": panel_properties, "additionalProperties": False},
                **structure,
                **dict(sorted(self.definitions.items())),
            },
        }


def generate(strict: bool = False) -> dict[str, Any]:
    """The schema as a JSON-ready dict. ``strict``: raise :class:`SchemaGapError` when a
    parameter type or a key has no description here (the tests use it)."""
    generator = _Generator(strict)
    if strict:
        for t in TYPES:
            generator.value(Param("x", t, "", choices=("a",) if t.startswith("choice") else ()))
    return generator.figure()


def dumps(schema: dict[str, Any] | None = None) -> str:
    """The schema as the text of the shipped files (stable: same code, same bytes): exactly
    ``json.dumps(schema, indent=2, ensure_ascii=False)``, written by :func:`_indented`, which
    takes half the time of the json module's pure-Python indenting encoder (``lrplot schema``
    is a start-up-time command)."""
    parts: list[str] = []
    _indented(generate() if schema is None else schema, "", parts)
    return "".join(parts) + "\n"


def _indented(value: Any, pad: str, parts: list[str]) -> None:
    """Append ``value`` as ``json.dumps(..., indent=2, ensure_ascii=False)`` writes it."""
    if isinstance(value, str):
        parts.append(_string(value))
    elif value is None or value is True or value is False:
        parts.append("null" if value is None else "true" if value else "false")
    elif isinstance(value, (int, float)):
        parts.append(json.dumps(value))
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = pad + "  "
        parts.append("{\n" + inner)
        for i, (key, item) in enumerate(value.items()):
            if i:
                parts.append(",\n" + inner)
            parts.append(_string(key if isinstance(key, str) else json.dumps(key)) + ": ")
            _indented(item, inner, parts)
        parts.append("\n" + pad + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        inner = pad + "  "
        parts.append("[\n" + inner)
        for i, item in enumerate(value):
            if i:
                parts.append(",\n" + inner)
            _indented(item, inner, parts)
        parts.append("\n" + pad + "]")
    else:
        parts.append(json.dumps(value))  # raises TypeError as json.dumps would


_string = json.encoder.encode_basestring  # type: ignore[attr-defined]


def stale_files() -> list[Path]:
    """The shipped schema files that differ from what the code generates now."""
    text = dumps()
    files = [PACKAGE_FILE] + ([REPO_FILE] if REPO_FILE.parent.parent.joinpath(
        "pyproject.toml").is_file() else [])
    return [f for f in files if not f.is_file() or f.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    """``python -m lrplot.schema [--write | --check]``: print, rewrite or check the schema."""
    args = sys.argv[1:] if argv is None else argv
    if args in ([], ["--print"]):
        sys.stdout.write(dumps())
        return 0
    if args == ["--check"]:
        stale = stale_files()
        for path in stale:
            print(f"{path}: stale; regenerate with: {REGENERATE}", file=sys.stderr)
        return 1 if stale else 0
    if args == ["--write"]:
        text = dumps()
        from lrplot import output

        for path in stale_files():
            path.parent.mkdir(parents=True, exist_ok=True)
            output.write_atomically(str(path), lambda stream: stream.write(text.encode()))
            print(f"wrote {path}")
        return 0
    print("usage: python -m lrplot.schema [--print | --write | --check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
