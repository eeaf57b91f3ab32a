"""The keys of a figure config that are not a kind's parameters, declared once.

Each :class:`ConfigKey` says at which levels it is accepted (figure, panel, curve), how a value is
checked, and its JSON Schema and help. :mod:`lrplot.spec` validates configs with this table and
:mod:`lrplot.schema` describes them from it, so the two cannot drift apart. ``steps`` and
``base_lr`` are the common parameters of :mod:`lrplot.params`; ``type``, ``sweep``, ``panels``
and ``curves`` are structure (:data:`STRUCTURE_KEYS`), checked and described by the builder and
the generator themselves. A key accepted at every level cascades (:data:`CASCADING_KEYS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from lrplot.params import describe_value

FIGURE, PANEL, CURVE = "figure", "panel", "curve"

SERIES = ("lr", "momentum", "metric", "weight_decay")
"""What a curve can show: its lr, the momentum (or Adam's beta1) that CyclicLR and OneCycleLR
cycle, the metric ReduceLROnPlateau watches, the weight decay Megatron schedules.
``series: [lr, momentum]`` asks for more than the lr, at figure, panel or curve level."""


class KeyValueError(ValueError):
    """A value a key does not accept; the message says what is accepted."""


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise KeyValueError(f"expected true or false, got {describe_value(value)}")
    return value


def _steps_per_epoch(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise KeyValueError(f"expected an integer >= 1, got {describe_value(value)}")
    return value


def _interval(value: Any) -> str:
    if value not in ("step", "epoch"):
        raise KeyValueError(f"expected step or epoch (how often the training loop steps the "
                        f"scheduler), got {describe_value(value)}")
    return value


def _series(value: Any) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or any(n not in SERIES for n in names):
        raise KeyValueError(f"expected a list of {', '.join(SERIES)}, got {describe_value(value)}")
    return tuple(dict.fromkeys(names))


def _series_schema() -> dict[str, Any]:
    names = list(SERIES)
    return {"anyOf": [{"enum": names},
                      {"type": "array", "minItems": 1, "items": {"enum": names}}]}


def _lint_schema() -> dict[str, Any]:
    from lrplot import lint  # the acknowledgement's shape and the rule names are declared there

    return lint.ack_schema()


def _lint_help() -> str:
    from lrplot import lint

    return lint.ACK_HELP


_TEXT = {"type": ["string", "number", "null"]}  # null: as if not given
_BOOL = {"type": "boolean"}


@dataclass(frozen=True)
class ConfigKey:
    name: str
    levels: tuple[str, ...]  # where it is accepted: FIGURE, PANEL, CURVE
    schema: dict[str, Any] | Callable[[], dict[str, Any]] | None = None  # None: described
    # elsewhere (a common parameter, or structure)
    help: str | Callable[[], str] = ""
    check: Callable[[Any], Any] | None = None  # value -> converted value, or raises KeyValueError
    structure: bool = False  # the figure's shape (type, sweep, panels, curves), not a setting

    @property
    def description(self) -> str:
        return self.help() if callable(self.help) else self.help

    def schema_of(self) -> dict[str, Any]:
        schema = self.schema() if callable(self.schema) else self.schema
        return {"description": self.description, **(schema or {})}


KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("type", (CURVE,), structure=True),
    ConfigKey("title", (FIGURE, PANEL), _TEXT, "Title shown above the figure or the panel."),
    ConfigKey("label", (CURVE,), _TEXT, "Legend label of the curve (default: its parameters). "
                                        "In a sweep the swept values are appended: "
                                        "'label (gamma=0.9)'."),
    ConfigKey("steps", (FIGURE, PANEL, CURVE)),  # lrplot.params.COMMON_PARAMS
    ConfigKey("base_lr", (FIGURE, PANEL, CURVE)),
    ConfigKey("log_y", (FIGURE,), _BOOL, "Logarithmic learning-rate axis.", _boolean),
    ConfigKey("annotate", (FIGURE,), _BOOL, "Mark milestones, phase boundaries and the peak, "
                                            "minimum and final lr.", _boolean),
    ConfigKey("sweep", (CURVE,), structure=True),
    ConfigKey("series", (FIGURE, PANEL, CURVE), _series_schema,
              "What to draw besides the lr: momentum (CyclicLR, OneCycleLR) or the metric "
              "ReduceLROnPlateau watches, e.g. [lr, momentum]; at figure, panel or curve level.",
              _series),
    ConfigKey("steps_per_epoch", (FIGURE, PANEL, CURVE), {"type": "integer", "minimum": 1},
              "Iterations per epoch of the training loop: with interval: epoch the scheduler "
              "steps once per epoch and steps count iterations.", _steps_per_epoch),
    ConfigKey("interval", (FIGURE, PANEL, CURVE), {"enum": ["step", "epoch"]},
              "How often the training loop steps the scheduler: every iteration (step, the "
              "default) or once per epoch of steps_per_epoch iterations (epoch).", _interval),
    ConfigKey("lint", (CURVE,), _lint_schema, _lint_help),
    ConfigKey("panels", (FIGURE,), structure=True),
    ConfigKey("curves", (FIGURE, PANEL), structure=True),
)
"""Every key, in the order error messages list them and the schema describes them."""

BY_NAME = {k.name: k for k in KEYS}


def keys_at(level: str) -> tuple[str, ...]:
    return tuple(k.name for k in KEYS if level in k.levels)


FIGURE_KEYS = keys_at(FIGURE)
PANEL_KEYS = keys_at(PANEL)
CURVE_KEYS = keys_at(CURVE)
CASCADING_KEYS = tuple(k.name for k in KEYS if set(k.levels) == {FIGURE, PANEL, CURVE})
"""Keys set at the figure or a panel for every curve below it (a curve may set its own): steps,
base_lr, series, steps_per_epoch, interval."""
STRUCTURE_KEYS = tuple(k.name for k in KEYS if k.structure)
LOOP_KEYS = ("steps_per_epoch", "interval")
"""How the training loop steps the scheduler: every iteration (``interval: step``) or once per
epoch of ``steps_per_epoch`` iterations (``interval: epoch``); steps then count iterations."""
