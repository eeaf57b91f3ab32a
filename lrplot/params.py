"""Typed parameter declarations: the single description of every schedule parameter.

A :class:`Param` knows its name, type, default, bounds and help. Everything else — CLI flags,
YAML keys and validation, ``lrplot list``, help text — is derived from it. This module imports
nothing heavy (no numpy, no click) so that ``lrplot --help`` stays fast.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

REQUIRED: Any = object()
"""Sentinel default: the parameter has no default and must be given."""


class ParamError(ValueError):
    """A value that a parameter does not accept; the message says what is accepted."""


def _kebab(name: str) -> str:
    return re.sub(r"[_\s]+", "-", name).lower()


def _snake(name: str) -> str:
    return re.sub(r"[-\s]+", "_", name).lower()


def format_value(value: Any) -> str:
    """Render a parameter value the way a user would type it (labels, titles, listings)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e16 else f"{value:g}"
    return str(value)


SCALAR_TYPES = ("float", "int", "bool", "choice", "expr", "text", "path")
TYPES = SCALAR_TYPES + ("int_list", "float_list", "choice_list", "schedulers", "int_float_map")
"""Every parameter type. ``schedulers`` is a list of curve mappings (the children of a composite
schedule); it is converted by :mod:`lrplot.spec`, which knows the kinds. ``int_float_map`` maps
integer steps to numbers (Optax's ``boundaries_and_scales``)."""

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


@dataclass(frozen=True)
class Param:
    """One parameter of a schedule kind.

    ``type`` is one of :data:`TYPES`:

    - ``float``, ``int`` (finite numbers; bounds apply), ``int_list``, ``float_list`` (bounds
      apply to each element);
    - ``bool`` (true or false), ``choice`` (one of ``choices``), ``text``, ``path`` (a file,
      resolved relative to the config that names it); ``choice_list``: a list of ``choices``;
    - ``expr``: an expression of the step, checked by :mod:`lrplot.expr` (``0.95 ** epoch``);
    - ``schedulers``: a list of curve mappings, converted by :mod:`lrplot.spec`;
    - ``int_float_map``: integer steps >= 0 to numbers (bounds apply to the numbers), YAML
      ``{100: 0.5}``, flag ``100:0.5,200:0.1``; canonical form: ``((100, 0.5), ...)`` by step.

    A default of ``None`` means "optional, not given" (torch's ``None``), and ``None`` is then
    accepted as a value.
    """

    name: str
    type: str
    help: str
    default: Any = REQUIRED
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    max_exclusive: bool = False
    choices: tuple[str, ...] = ()
    child_kinds: str = ""
    """For ``schedulers``: which kinds may be children -- "" for torch's (composites sharing an
    optimizer), a framework ("optax") for its kinds, or one kind ("optax.warmup_cosine_decay"),
    which a child may then leave out as its type."""

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"unknown parameter type {self.type!r}")
        if (self.type in ("choice", "choice_list")) != bool(self.choices):
            raise ValueError(f"{self.name}: choices go with type 'choice' (and only with it)")

    @property
    def flag(self) -> str:
        """The CLI flag: the framework's name in kebab case (``T_max`` -> ``--t-max``)."""
        return "--" + _kebab(self.name)

    @property
    def key(self) -> str:
        """The YAML key: the framework's name in snake case (``T_max`` -> ``t_max``)."""
        return _snake(self.name)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def nullable(self) -> bool:
        return self.default is None

    @property
    def is_list(self) -> bool:
        return self.type.endswith("_list") or self.type == "schedulers"

    @property
    def comma_sweeps(self) -> bool:
        """Whether a comma in one CLI value separates swept values (``--gamma 0.9,0.95``).
        Lists take commas themselves; expressions and text may contain commas."""
        return self.type in ("float", "int", "bool", "choice")

    def accepted(self) -> str:
        """What values are accepted, in words: 'an integer >= 1'."""
        if self.type == "schedulers":
            return "a list of schedules (mappings with a type and its parameters)"
        if self.type == "int_float_map":
            number = Param(self.name, "float", self.help, min=self.min, max=self.max,
                           min_exclusive=self.min_exclusive, max_exclusive=self.max_exclusive)
            text = ("a mapping of steps (integers >= 0) to "
                    + number.accepted().replace("a finite number", "finite numbers")
                    + " such as {100: 0.5} (flag: 100:0.5,200:0.1)")
            return text + (" (or null)" if self.nullable else "")
        scalar = {"float": "a finite number", "int": "an integer", "bool": "true or false",
                  "choice": "one of " + ", ".join(self.choices),
                  "expr": "an expression of epoch such as '0.95 ** epoch'",
                  "text": "text", "path": "a file path"}[self.type.removesuffix("_list")]
        bounds = []
        if self.min is not None:
            bounds.append(f"{'>' if self.min_exclusive else '>='} {format_value(self.min)}")
        if self.max is not None:
            bounds.append(f"{'<' if self.max_exclusive else '<='} {format_value(self.max)}")
        text = scalar + (" " + " and ".join(bounds) if bounds else "")
        if self.is_list:
            text = "a list of " + text.replace("a finite number", "finite numbers").replace(
                "an integer", "integers")
        if self.nullable:
            text += " (or null)"
        return text

    # -- conversion -------------------------------------------------------------------------

    def convert(self, value: Any) -> Any:
        """Validate a value from YAML or from parsed flags; return it in canonical form."""
        if value is None and self.nullable:
            return None
        if self.type == "schedulers":
            raise TypeError("schedulers are converted by lrplot.spec")
        if self.type == "int_float_map":
            return self._convert_map(value)
        if self.is_list:
            if not isinstance(value, (list, tuple)):
                raise ParamError(f"expected {self.accepted()}, got {describe_value(value)}")
            return tuple(self._convert_scalar(v) for v in value)
        return self._convert_scalar(value)

    def parse(self, text: str) -> Any:
        """Parse one CLI value (a list parameter takes a comma list: ``200,300``)."""
        if self.nullable and text.strip().lower() in ("none", "null", ""):
            return None
        if self.type == "int_float_map":
            pairs = []
            for item in (t.strip() for t in text.split(",")):
                if not item:
                    continue
                step, sep, number = item.partition(":")
                if not sep:
                    raise ParamError(f"expected {self.accepted()}, got {item!r}")
                pairs.append((_parse_number(step.strip(), self),
                              _parse_number(number.strip(), self)))
            return self._convert_map(pairs)
        if self.is_list:
            items = [t for t in (s.strip() for s in text.split(",")) if t]
            return tuple(self._convert_scalar(t if self.type == "choice_list" else
                                              _parse_number(t, self)) for t in items)
        if self.type == "bool":
            word = text.strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ParamError(f"expected {self.accepted()}, got {text!r}")
        if self.type in ("choice", "expr", "text", "path"):
            return self._convert_scalar(text.strip())
        return self._convert_scalar(_parse_number(text.strip(), self))

    def _convert_map(self, value: Any) -> tuple[tuple[int, float], ...]:
        """A mapping (or pairs, as the canonical form and JSON output hold it) -> sorted pairs."""
        if isinstance(value, dict):
            items = list(value.items())
        elif isinstance(value, (list, tuple)) and all(
                isinstance(v, (list, tuple)) and len(v) == 2 for v in value):
            items = [tuple(v) for v in value]
        else:
            raise ParamError(f"expected {self.accepted()}, got {describe_value(value)}")
        step = Param(self.name, "int", self.help, min=0)
        number = Param(self.name, "float", self.help, min=self.min, max=self.max,
                       min_exclusive=self.min_exclusive, max_exclusive=self.max_exclusive)
        pairs = {}
        for key, v in items:
            if isinstance(key, str) and re.fullmatch(r"\s*[-+]?[0-9]+\s*", key):
                key = int(key)  # YAML mapping keys arrive as text: {100: 0.5}
            try:
                pairs[step._convert_scalar(key)] = number._convert_scalar(v)
            except ParamError:
                raise ParamError(f"expected {self.accepted()}, got {describe_value(key)}: "
                                 f"{describe_value(v)}") from None
        if len(pairs) != len(items):
            raise ParamError(f"a step appears twice in {describe_value(value)}")
        return tuple(sorted(pairs.items()))

    def _convert_scalar(self, value: Any) -> Any:
        scalar_type = self.type.removesuffix("_list")
        if scalar_type == "bool":
            if not isinstance(value, bool):
                raise ParamError(f"expected {self.accepted()}, got {describe_value(value)}")
            return value
        if scalar_type == "choice":
            if value not in self.choices:
                from lrplot.suggest import hint as near_miss

                hint = near_miss(str(value), self.choices, cutoff=0.5)
                raise ParamError(f"expected {self.accepted()}, got {describe_value(value)}{hint}")
            return value
        if scalar_type == "expr":
            from lrplot import expr

            try:
                return expr.parse(value).source
            except expr.ExprError as exc:
                raise ParamError(str(exc)) from None
        if scalar_type in ("text", "path"):
            if not isinstance(value, str) or not value.strip():
                raise ParamError(f"expected {self.accepted()}, got {describe_value(value)}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParamError(f"expected {self.accepted()}, got {describe_value(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ParamError(f"expected {self.accepted()}, got {value}")
        if scalar_type == "int":
            if isinstance(value, float):
                if value != int(value):
                    raise ParamError(f"expected {self.accepted()}, got {format_value(value)}")
                value = int(value)
        else:
            try:
                value = float(value)
            except OverflowError:  # an integer beyond float64 (10**400)
                raise ParamError(f"expected {self.accepted()}, got an integer too large for a "
                                 "float64") from None
        low_bad = self.min is not None and (
            value <= self.min if self.min_exclusive else value < self.min
        )
        high_bad = self.max is not None and (
            value >= self.max if self.max_exclusive else value > self.max
        )
        if low_bad or high_bad:
            raise ParamError(f"expected {self.accepted()}, got {format_value(value)}")
        return value


def describe_value(value: Any) -> str:
    """How a wrongly typed value is named in messages: 'the string 'yes''."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, (list, tuple)):
        return f"the list {format_value(list(value))}" if value else "an empty list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (null)"
    return format_value(value)


def parse_number(text: str) -> int | float | None:
    """A number as written on a command line: an int when it is one (``400``, exact at any
    size), else a float (``0.9``, ``1e6``, ``inf``); None when it is neither."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def _parse_number(text: str, param: Param) -> int | float:
    number = parse_number(text)
    if number is None:
        raise ParamError(f"expected {param.accepted()}, got {text!r}")
    return number


COMMON_PARAMS = (
    Param("steps", "int", "number of scheduler steps to show, lr[0] .. lr[steps-1] "
          "(default: a horizon that shows the whole schedule)", default=None, min=1),
    Param("base_lr", "float", "the optimizer's initial learning rate", default=0.1, min=0,
          min_exclusive=True),
)
"""Parameters every curve has, whatever its kind (``steps`` defaults to a per-kind horizon)."""
