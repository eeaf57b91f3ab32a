"""The registry of schedule kinds.

A :class:`Kind` is a name, its parameter table and a reference to its numpy kernel. The
declarations import nothing heavy; the kernel module is imported the first time a kind is
evaluated, so listing kinds or printing help never pays for numpy.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from lrplot.params import Param

if TYPE_CHECKING:
    import numpy as np


class ScheduleError(ValueError):
    """A schedule that fails only when evaluated (torch would raise at some step); the message
    says where and why."""


@dataclass(frozen=True)
class Kind:
    """A schedule kind.

    ``kernel`` names, as ``"module:function"``, a generator function
    ``f(n, base_lr, **params, chunk=...)`` yielding consecutive float64 chunks of
    ``lr[0..n-1]``. ``horizon(params)`` returns a default number of steps that shows the
    whole schedule, and a short reason. ``check(params)`` returns problems that involve more
    than one parameter, as ``(parameter name, message)`` pairs. ``check_steps(params, steps)``
    returns a message when the schedule cannot be stepped that often (OneCycleLR); it reads
    after the number of steps: "1200 exceeds total_steps + 1 = 1001".

    ``extras(params)`` names the other series the kernel can compute besides the lr —
    ``"momentum"`` for the kinds that cycle it, ``"metric"`` for ReduceLROnPlateau; the kernel
    computes one with the keyword ``series="momentum"``. ``own_base_lr``: the kind has a
    ``base_lr`` argument of its own (CyclicLR) — the common option *is* that argument, and a
    child schedule may set it. ``uses_base_lr=False``: the optimizer's lr does not matter
    (OneCycleLR derives every lr from max_lr).
    """

    name: str
    framework_class: str
    summary: str
    params: tuple[Param, ...]
    kernel: str
    horizon: Callable[[Mapping[str, Any]], tuple[int, str]]
    check: Callable[[Mapping[str, Any]], list[tuple[str, str]]] = field(
        default=lambda params: []
    )
    example: str = ""  # flags for help examples, e.g. "--t-max 150"
    framework: str = "torch"
    check_steps: Callable[[Mapping[str, Any], int], str | None] = field(
        default=lambda params, steps: None
    )
    extras: Callable[[Mapping[str, Any]], tuple[str, ...]] = field(
        default=lambda params: ()
    )
    own_base_lr: bool = False
    uses_base_lr: bool = True
    composite: bool = False
    extra_series: tuple[str, ...] = ()  # what ``extras`` may name: CLI flags --momentum, --metric

    @property
    def namespace(self) -> str | None:
        """The prefix of a namespaced name (``hf`` for ``hf.cosine``); None for torch kinds."""
        return self.name.split(".", 1)[0] if "." in self.name else None

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other names: the framework's class or function name, in the kind's namespace."""
        ns = self.namespace
        alias = f"{ns}.{self.framework_class}" if ns else self.framework_class
        return (alias,) if alias != self.name else ()  # optax.exponential_decay is both

    def param(self, key: str) -> Param | None:
        """Find a parameter by YAML key, framework spelling or flag name."""
        for p in self.params:
            if key in (p.name, p.key, p.flag.lstrip("-")):
                return p
        return None

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params if not p.required}

    def chunks(self, n: int, base_lr: float, params: Mapping[str, Any],
               chunk: int | None = None, series: str = "lr") -> Iterator[np.ndarray]:
        """``lr[0..n-1]`` (or another of its ``extras``) in consecutive pieces; ``params`` must
        be complete and validated."""
        module, function = self.kernel.split(":")
        kernel = getattr(importlib.import_module(module), function)
        options: dict[str, Any] = {"chunk": chunk} if chunk else {}
        if series != "lr":
            if series not in self.extras(params):
                raise ValueError(f"{self.name} does not compute {series}")
            options["series"] = series
        return kernel(n, base_lr, **params, **options)

    def evaluate(self, n: int, base_lr: float, params: Mapping[str, Any],
                 series: str = "lr") -> np.ndarray:
        """The series ``lr[0..n-1]`` (or an extra one); ``params`` must be complete and
        validated."""
        import numpy as np

        return np.concatenate(list(self.chunks(n, base_lr, params, series=series)))


@dataclass(frozen=True)
class Child:
    """One child schedule of a composite (SequentialLR, ChainedScheduler): plain, hashable data.

    ``params`` holds every parameter of the kind as ``(name, value)`` pairs; ``base_lr`` is set
    only for kinds with a base_lr of their own (CyclicLR) and is otherwise None (the optimizer's).
    """

    kind: str
    params: tuple[tuple[str, Any], ...]
    base_lr: float | None = None

    @property
    def mapping(self) -> dict[str, Any]:
        return dict(self.params)

    def __str__(self) -> str:
        """``linear(start_factor=0.1, total_iters=10)``: the parameters that differ from the
        defaults."""
        from lrplot.params import format_value

        kind = get(self.kind)
        defaults = kind.defaults()
        shown = [(n, v) for n, v in self.params if n not in defaults or defaults[n] != v]
        if self.base_lr is not None:
            shown.append(("base_lr", self.base_lr))
        return f"{self.kind}({', '.join(f'{n}={format_value(v)}' for n, v in shown)})"

    def to_data(self) -> dict[str, Any]:
        """The child as written to JSON output: type, parameters (and its own base_lr)."""
        data: dict[str, Any] = {"type": self.kind}
        for name, value in self.params:
            data[name] = to_data(value)
        if self.base_lr is not None:
            data["base_lr"] = self.base_lr
        return data


def to_data(value: Any) -> Any:
    """A parameter value as plain JSON data (tuples become lists, children mappings)."""
    if isinstance(value, Child):
        return value.to_data()
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    return value


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    for name in (kind.name, *kind.aliases):
        if name.lower() in _REGISTRY:
            raise ValueError(f"schedule name {name!r} registered twice")
        _REGISTRY[name.lower()] = kind
    return kind


def all_kinds() -> list[Kind]:
    """Every registered kind, once each, in registration order."""
    _load_builtin()
    return list(dict.fromkeys(_REGISTRY.values()))


def names() -> list[str]:
    """Every accepted kind name: short names and framework class names."""
    _load_builtin()
    return [n for k in all_kinds() for n in (k.name, *k.aliases)]


class UnknownKind(LookupError):
    def __init__(self, name: str):
        self.name = name
        import difflib  # only for a suggestion, on error

        close = difflib.get_close_matches(name, names(), n=1, cutoff=0.6)
        self.suggestion = close[0] if close else None
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        # name the kinds of the namespace asked for (torch's when none), and the other
        # namespaces by their prefix: the full list is 'lrplot list', not one line
        prefix = name.split(".", 1)[0].lower() if "." in name else ""
        wanted = NAMESPACES.get(prefix, "")
        kinds = all_kinds()
        short = [k.name for k in kinds if (k.namespace or "") == wanted]
        others = list(dict.fromkeys(f"{k.namespace}.*" for k in kinds
                                    if k.namespace and k.namespace != wanted))
        known = ", ".join(short + (["torch kinds"] if wanted else []) + others)
        super().__init__(f"unknown schedule type {name!r}{hint} (known: {known}; 'lrplot "
                         f"list' shows every one)")


NAMESPACES = {"torch": "", "pytorch": "", "hf": "hf", "transformers": "hf", "timm": "timm",
              "keras": "keras", "optax": "optax", "torchtitan": "torchtitan", "nanogpt": "nanogpt"}
"""Accepted name prefixes -> the registry's prefix: torch kinds have none (``torch.cosine`` is
``cosine``), transformers kinds are ``hf.*`` (``transformers.cosine`` is ``hf.cosine``)."""


MODULES = {"torch": ("optim.lr_scheduler",), "transformers": ("", "optimization"),
           "timm": ("scheduler",), "keras": ("optimizers.schedules",),
           "optax": ("", "schedules")}
"""Module paths under which a framework defines its schedules: with them a fully qualified name
(``torch.optim.lr_scheduler.OneCycleLR``, ``transformers.get_cosine_schedule_with_warmup``,
``timm.scheduler.cosine_lr.CosineLRScheduler``) names the same kind as its short alias."""


def _unqualified(key: str) -> str:
    """``onecyclelr`` for ``torch.optim.lr_scheduler.onecyclelr`` (lower case), ``hf.x`` for
    ``transformers.optimization.x``; the key unchanged when it is not such a name."""
    first, _, rest = key.partition(".")
    module, _, last = rest.rpartition(".")
    for path in MODULES.get(first, ()):
        if module == path or (path and module.startswith(path + ".")):
            ns = NAMESPACES[first]
            return f"{ns}.{last}" if ns else last
    return key


def get(name: str) -> Kind:
    """Look a kind up by name or framework class name (case-insensitive).

    Names of other frameworks' kinds carry a namespace (``hf.cosine``, ``timm.cosine``,
    ``keras.CosineDecay``, ``optax.cosine_decay_schedule``); see :data:`NAMESPACES`. Fully
    qualified names work too (:data:`MODULES`).
    """
    _load_builtin()
    try:
        key = name.lower()
        if key not in _REGISTRY and key.count(".") > 1:
            key = _unqualified(key)
        if key not in _REGISTRY and "." in key:
            prefix, rest = key.split(".", 1)
            ns = NAMESPACES.get(prefix)
            key = (f"{ns}.{rest}" if ns else rest) if ns is not None else key
            if ns == "" and "." in rest:  # torch.hf.cosine is not a thing
                raise KeyError(key)
        return _REGISTRY[key]
    except (KeyError, AttributeError):
        raise UnknownKind(str(name)) from None


def _load_builtin() -> None:
    # Importing the declaration modules registers their kinds (once).
    from lrplot.schedules import pytorch  # noqa: F401
    from lrplot.schedules import transformers  # noqa: F401
    from lrplot.schedules import keras  # noqa: F401
    from lrplot.schedules import timm  # noqa: F401
    from lrplot.schedules import optax  # noqa: F401
    from lrplot.schedules import torchtitan  # noqa: F401
    from lrplot.schedules import nanogpt  # noqa: F401
