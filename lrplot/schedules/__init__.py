"""The one registry of frameworks and their schedule kinds.

Each framework is one folder, ``lrplot/frameworks/<folder>/``: its ``__init__`` declares a
:class:`Framework` (title, namespace, module paths, code export) and imports its ``kinds``
module, which declares each :class:`Kind` — a name, its parameter table, and references to its
numpy kernel and to the hooks other parts of lrplot call (lint floor, annotation events). The
folders are found by listing ``lrplot/frameworks``; no other module keeps a table of frameworks
or kinds. Declarations import nothing heavy; a kernel module is imported the first time a kind
is evaluated (:func:`resolve`), so listing kinds or printing help never pays for numpy.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from lrplot.params import Param

if TYPE_CHECKING:
    import numpy as np


Event = tuple[int, str]
"""(step, label) — the lr changes course at ``step``; an empty label draws the line only (the
repeats of a periodic event: StepLR's decays after the first, a cosine's later minima)."""


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
    child_intervals: bool = False  # its children are separate schedulers on one optimizer,
    # which the training loop may step at their own intervals (ChainedScheduler's)
    extra_series: tuple[str, ...] = ()  # what ``extras`` may name: CLI flags --momentum, --metric
    refused_as_child: str | None = None  # why a composite cannot hold this kind
    steps_itself: str | None = None
    """Why ``interval: epoch`` does not apply: the kind places its own steps on the iterations
    (mmengine's ``by_epoch`` with ``steps_per_epoch``); None for the others."""
    floor: Callable[[Mapping[str, Any]], tuple[str, int, str] | None] | None = None
    """For lint's floor-not-reached rule: ``floor(params)`` -> (parameter, the schedule's length,
    the floor's name), or None when these parameters have no single floor. ``lr[length]`` is the
    floor; a run of ``steps >= length`` steps is the standard recipe (the trainer never uses
    ``lr[length]``), a shorter one never reaches the floor."""
    events: Callable[[Mapping[str, Any], int], Iterable[Event]] | None = None
    """For annotations: ``events(params, steps)`` -> the (step, label) pairs where the schedule
    changes phase (warm-up end, milestones, restarts), a list or a lazy iterable (periodic
    events need not stop by themselves: :func:`events_of` stops reading them)."""

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

    def kernel_function(self) -> Callable[..., Iterator[np.ndarray]]:
        """The kernel (its module imported on first use): the one lookup of ``kernel``."""
        return resolve(self.kernel)


@dataclass(frozen=True)
class Child:
    """One child schedule of a composite (SequentialLR, ChainedScheduler): plain, hashable data.

    ``params`` holds every parameter of the kind as ``(name, value)`` pairs; ``base_lr`` is set
    only for kinds with a base_lr of their own (CyclicLR) and is otherwise None (the optimizer's).
    ``interval`` is how often the training loop steps this child on its own ("step" or "epoch";
    None: the child is stepped by its composite), ``steps_per_epoch`` the curve's iterations per
    epoch that ``interval: epoch`` counts (see :func:`lrplot.composites.loop_children`).
    """

    kind: str
    params: tuple[tuple[str, Any], ...]
    base_lr: float | None = None
    interval: str | None = None
    steps_per_epoch: int | None = None

    @property
    def mapping(self) -> dict[str, Any]:
        return dict(self.params)

    @property
    def every(self) -> int:
        """Iterations between two steps of this child: an epoch's when stepped per epoch."""
        return self.steps_per_epoch if self.interval == "epoch" and self.steps_per_epoch else 1

    def __str__(self) -> str:
        """``linear(start_factor=0.1, total_iters=10)``: the parameters that differ from the
        defaults."""
        from lrplot.params import format_value

        kind = get(self.kind)
        defaults = kind.defaults()
        shown = [(n, v) for n, v in self.params if n not in defaults or defaults[n] != v]
        if self.base_lr is not None:
            shown.append(("base_lr", self.base_lr))
        if self.interval is not None:
            shown.append(("interval", self.interval))
        return f"{self.kind}({', '.join(f'{n}={format_value(v)}' for n, v in shown)})"

    def to_data(self) -> dict[str, Any]:
        """The child as written to JSON output: type, parameters (and its own base_lr)."""
        data: dict[str, Any] = {"type": self.kind}
        for name, value in self.params:
            data[name] = to_data(value)
        if self.base_lr is not None:
            data["base_lr"] = self.base_lr
        if self.interval is not None:
            data["interval"] = self.interval
        return data


def to_data(value: Any) -> Any:
    """A parameter value as plain JSON data (tuples become lists, children mappings)."""
    if isinstance(value, Child):
        return value.to_data()
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    return value


def resolve(reference: str) -> Callable[..., Any]:
    """The function a ``"module:function"`` reference names (a kernel, a code writer), its
    module imported on first use: the one place such references are looked up."""
    module, function = reference.split(":")
    return getattr(importlib.import_module(module), function)


@dataclass(frozen=True)
class Framework:
    """A framework whose schedules lrplot computes, declared in its folder's ``__init__``.

    ``name`` is the ``framework`` of its kinds and the Python package that defines the
    schedules; ``namespace`` prefixes its kind names (``hf`` for ``hf.cosine``; "" for torch,
    whose kinds have none); ``prefixes`` are the prefixes a user may write for it, in order
    (``transformers.cosine`` is ``hf.cosine``, ``torch.cosine`` is ``cosine``); ``modules`` the
    module paths under ``name`` where it defines schedules, so that fully qualified names
    (``torch.optim.lr_scheduler.OneCycleLR``) work. ``code`` references, as
    ``"module:function"``, the writer of a runnable script's body for ``lrplot code``
    (``f(curve, script)``; None: no code export); ``lint`` names the module of its lint rules
    (imported by :mod:`lrplot.lint`; None: none). ``order`` places it in listings.
    """

    name: str
    title: str
    namespace: str
    prefixes: tuple[str, ...]
    modules: tuple[str, ...]
    order: int
    code: str | None = None
    lint: str | None = None


_REGISTRY: dict[str, Kind] = {}
_FRAMEWORKS: dict[str, Framework] = {}


def register(kind: Kind) -> Kind:
    for name in (kind.name, *kind.aliases):
        if name.lower() in _REGISTRY:
            raise ValueError(f"schedule name {name!r} registered twice")
        _REGISTRY[name.lower()] = kind
    return kind


def register_framework(framework: Framework) -> Framework:
    if framework.name in _FRAMEWORKS:
        raise ValueError(f"framework {framework.name!r} registered twice")
    _FRAMEWORKS[framework.name] = framework
    return framework


def frameworks() -> list[Framework]:
    """Every framework, in listing order (torch first)."""
    _load_builtin()
    return sorted(_FRAMEWORKS.values(), key=lambda f: f.order)


def loaded_frameworks() -> list[str]:
    """The names of the frameworks imported so far (all of them once a lookup needed all)."""
    return list(_FRAMEWORKS)


def framework(name: str) -> Framework:
    """The framework of that name (a kind's ``framework``)."""
    if name not in _FRAMEWORKS:
        _load_builtin()
    return _FRAMEWORKS[name]


def namespaces() -> dict[str, str]:
    """Accepted name prefixes -> the registry's prefix: torch kinds have none (``torch.cosine``
    is ``cosine``), transformers kinds are ``hf.*`` (``transformers.cosine`` is ``hf.cosine``)."""
    return {prefix: f.namespace for f in frameworks() for prefix in f.prefixes}


def all_kinds() -> list[Kind]:
    """Every registered kind, once each: by framework, then in declaration order."""
    _load_builtin()
    order = {f.name: f.order for f in _FRAMEWORKS.values()}
    return sorted(dict.fromkeys(_REGISTRY.values()), key=lambda k: order.get(k.framework, 0))


def names() -> list[str]:
    """Every accepted kind name: short names and framework class names."""
    _load_builtin()
    return [n for k in all_kinds() for n in (k.name, *k.aliases)]


class UnknownKind(LookupError):
    def __init__(self, name: str):
        self.name = name
        from lrplot.suggest import closest

        self.suggestion = closest(name, names())
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        # name the kinds of the namespace asked for (torch's when none), and the other
        # namespaces by their prefix: the full list is 'lrplot list', not one line
        prefix = name.split(".", 1)[0].lower() if "." in name else ""
        wanted = namespaces().get(prefix, "")
        kinds = all_kinds()
        short = [k.name for k in kinds if (k.namespace or "") == wanted]
        others = list(dict.fromkeys(f"{k.namespace}.*" for k in kinds
                                    if k.namespace and k.namespace != wanted))
        known = ", ".join(short + (["torch kinds"] if wanted else []) + others)
        super().__init__(f"unknown schedule type {name!r}{hint} (known: {known}; 'lrplot "
                         f"list' shows every one)")


def _unqualified(key: str) -> str:
    """``onecyclelr`` for ``torch.optim.lr_scheduler.onecyclelr`` (lower case), ``hf.x`` for
    ``transformers.optimization.x``; the key unchanged when it is not such a name."""
    first, _, rest = key.partition(".")
    module, _, last = rest.rpartition(".")
    # the framework of that name, or the one that answers to it (fvcore. is detectron2's)
    own = _FRAMEWORKS.get(first) or next(
        (f for f in _FRAMEWORKS.values() if first in f.prefixes), None)
    for path in own.modules if own else ():
        if module == path or (path and module.startswith(path + ".")):
            return f"{own.namespace}.{last}" if own.namespace else last
    return key


def get(name: str) -> Kind:
    """Look a kind up by name or framework class name (case-insensitive).

    Names of other frameworks' kinds carry a namespace (``hf.cosine``, ``timm.cosine``,
    ``keras.CosineDecay``, ``optax.cosine_decay_schedule``); see :func:`namespaces`. Fully
    qualified names work too (:attr:`Framework.modules`).
    """
    if "." not in name:
        # torch's names have no namespace: torch's folder alone answers them, and a name is
        # registered once across all frameworks, so no other folder could answer differently
        # (a figure of torch kinds starts without importing every framework's declarations)
        importlib.import_module(f"lrplot.frameworks.{TORCH_FOLDER}")
        if name.lower() in _REGISTRY:
            return _REGISTRY[name.lower()]
    _load_builtin()
    try:
        key = name.lower()
        if key not in _REGISTRY and key.count(".") > 1:
            key = _unqualified(key)
        if key not in _REGISTRY and "." in key:
            prefix, rest = key.split(".", 1)
            ns = namespaces().get(prefix)
            key = (f"{ns}.{rest}" if ns else rest) if ns is not None else key
            if ns == "" and "." in rest:  # torch.hf.cosine is not a thing
                raise KeyError(key)
        return _REGISTRY[key]
    except (KeyError, AttributeError):
        raise UnknownKind(str(name)) from None


MAX_EVENTS = 40
"""More events than this in a panel are not drawn: :func:`events_of` stops reading a hook's
events one step past it."""


def events_of(schedule: Mapping[str, Any], steps: int) -> list[tuple[int, str]]:
    """The events of a resolved schedule (``{"type": ..., params...}``) inside
    ``0 < step < steps``, from its kind's ``events`` hook; none for a kind without one. Once
    they fall on more than :data:`MAX_EVENTS` steps the rest are not read (a figure draws none
    of them then): a period of one step over 10^9 steps is not a list of 10^9 events.

    A hook counts in scheduler steps; a curve stepped once per epoch (``interval: epoch``
    with ``steps_per_epoch``) has its events at ``epoch x steps_per_epoch``."""
    try:
        find = get(str(schedule.get("type", ""))).events
    except UnknownKind:
        return []
    if find is None:
        return []
    every = schedule.get("steps_per_epoch") if schedule.get("interval") == "epoch" else None
    every = every if isinstance(every, int) and every > 0 else 1
    found: list[tuple[int, str]] = []
    at: set[int] = set()
    try:
        for s, name in find(schedule, -(-steps // every)):
            step = int(s) * every
            if 0 < step < steps:
                found.append((step, name))
                at.add(step)
                if len(at) > MAX_EVENTS:
                    break
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return []  # a schedule shape the hook does not know: no marks rather than no figure
    return found


_LOADED = False

TORCH_FOLDER = "pytorch"
"""The folder of the framework whose kinds have no namespace."""


def _load_builtin() -> None:
    """Import every framework folder once: each registers itself and its kinds. Listing the
    folder is the discovery — adding a framework touches no table here."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    import os

    root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "frameworks")
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.is_dir() and os.path.exists(os.path.join(entry.path, "__init__.py")):
            importlib.import_module(f"lrplot.frameworks.{entry.name}")
