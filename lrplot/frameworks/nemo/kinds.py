"""NeMo's schedulers (``nemo/core/optim/lr_scheduler.py``, nemo_toolkit 3.0.0) as ``nemo.<name>``
kinds (also ``nemo.<ClassName>``, the name a NeMo config's ``optim.sched.name`` gives).
Declarations only; kernels in lrplot.frameworks.nemo.kernels.

Parameter names and defaults are the classes' keyword arguments, which are also the keys of a
config's ``optim.sched``. ``max_steps`` is the run's length in optimizer steps (NeMo injects
``trainer.max_steps``, or computes it from the epochs). ``lr[i]`` is the lr after ``i``
``scheduler.step()`` calls: the value at ``last_epoch = i`` (``last_epoch`` given: resuming,
``lr[i]`` is the value at ``last_epoch + 1 + i``). The torch schedulers NeMo also lists
(StepLR, ExponentialLR, ReduceLROnPlateau, CyclicLR) are lrplot's torch kinds.

Checks refuse what the classes assert at construction (a count and its ratio both given, a
ratio without max_steps); what they raise later (a ValueError when the lr is below min_lr, a
division by zero) is refused when a step reaches it.
"""

from __future__ import annotations

from typing import Any, Mapping

from lrplot.frameworks.nemo import events
from lrplot.params import Param
from lrplot.schedules import Kind, register

KERNELS = "lrplot.frameworks.nemo.kernels"


def _warmup() -> tuple[Param, ...]:
    return (Param("warmup_steps", "int", "steps of linear warm-up, lr x (step + 1) / "
                  "(warmup_steps + 1)", default=None, min=0),
            Param("warmup_ratio", "float", "the warm-up as a fraction of max_steps: "
                  "int(warmup_ratio x max_steps) steps", default=None, min=0))


def _hold() -> tuple[Param, ...]:
    return (Param("hold_steps", "int", "steps the lr holds after the warm-up", default=None,
                  min=0),
            Param("hold_ratio", "float", "the hold as a fraction of max_steps",
                  default=None, min=0))


def _constant(what: str) -> tuple[Param, ...]:
    return (Param("constant_steps", "int", what, default=None, min=0),
            Param("constant_ratio", "float", "constant_steps as a fraction of max_steps",
                  default=None, min=0))


def _max_steps(required: bool) -> Param:
    help_text = "the run's optimizer steps (NeMo: trainer.max_steps, or from the epochs)"
    if required:
        return Param("max_steps", "int", help_text, min=0)
    return Param("max_steps", "int", help_text + "; null: no end", default=None, min=0)


def _min_lr(default: float = 0.0) -> Param:
    return Param("min_lr", "float", "the lr after max_steps (and the decay's floor)",
                 default=default, min=0)


def _last_epoch() -> Param:
    return Param("last_epoch", "int", "the step a resumed run continues after (-1: a fresh "
                 "start)", default=-1, min=-1)


PAIRS = (("warmup_steps", "warmup_ratio"), ("hold_steps", "hold_ratio"),
         ("constant_steps", "constant_ratio"))


def _check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the constructors assert: a count or its ratio, not both; a ratio needs max_steps."""
    problems = []
    for steps, ratio in PAIRS:
        if p.get(steps) is not None and p.get(ratio) is not None:
            problems.append((ratio, f"give {steps} or {ratio}, not both (NeMo asserts it)"))
        elif p.get(ratio) is not None and p.get("max_steps") is None:
            problems.append((ratio, "needs max_steps (NeMo asserts it)"))
    return problems


def _horizon(p: Mapping[str, Any]) -> tuple[int, str]:
    last = p.get("last_epoch", -1) + 1
    if p.get("max_steps") is not None:
        return max(p["max_steps"] * 11 // 10 + 2 - last, 2), "10% past max_steps"
    warm = p.get("warmup_steps") or p.get("constant_steps") or 0
    return max(warm * 5, 100), "five warm-ups"


def _decays_to_min_lr(p: Mapping[str, Any]) -> tuple[str, int, str] | None:
    """The decays that reach min_lr at step max_steps (lr[max_steps], which a run of
    max_steps optimizer steps never uses); CosineAnnealing with constant steps reaches it
    constant_steps earlier."""
    if p.get("max_steps") is None:
        return None
    warm = p.get("warmup_steps") or int((p.get("warmup_ratio") or 0) * p["max_steps"])
    constant = p.get("constant_steps") or int((p.get("constant_ratio") or 0) * p["max_steps"])
    end = p["max_steps"] - constant
    if end <= warm or p.get("cycle"):
        return None
    return ("constant_steps" if constant else "max_steps"), end - (p["last_epoch"] + 1), \
        "min_lr"


def _clamped_decay(p: Mapping[str, Any]) -> tuple[str, int, str] | None:
    """A decay clamped with ``max(lr, min_lr)`` reaches min_lr before max_steps when min_lr >
    0: no single step to name then."""
    return _decays_to_min_lr(p) if p["min_lr"] == 0 else None


def _poly_hold_floor(p: Mapping[str, Any]) -> tuple[str, int, str] | None:
    """With no hold given, the decay counts from step 0 over max_steps - warm-up: it reaches
    min_lr warm-up steps before max_steps."""
    floor = _decays_to_min_lr(p)
    if floor is None or p["hold_steps"] is not None or p["hold_ratio"] is not None:
        return floor
    warm = p["warmup_steps"] or int((p["warmup_ratio"] or 0) * p["max_steps"])
    end = p["max_steps"] - warm
    return ("max_steps", end - (p["last_epoch"] + 1), "min_lr") if end > warm else None


def _nemo(name: str, cls: str, summary: str, params: tuple[Param, ...], example: str,
          **more: Any) -> Kind:
    more.setdefault("check", _check)
    more.setdefault("events", events.events)
    return register(Kind(
        name=f"nemo.{name}", framework_class=cls, summary=summary,
        params=params + (_last_epoch(),), kernel=f"{KERNELS}:{name}", horizon=_horizon,
        example=example, framework="nemo", **more))


WARMUP_POLICY = _nemo(
    "warmup_policy", "WarmupPolicy",
    "linear warm-up lr x (step + 1) / (warmup + 1), then the lr; min_lr after max_steps",
    (*_warmup(), _max_steps(False), _min_lr()),
    "--warmup-steps 100 --max-steps 1000")

WARMUP_HOLD_POLICY = _nemo(
    "warmup_hold_policy", "WarmupHoldPolicy",
    "WarmupPolicy with a hold after the warm-up; the lr until max_steps, then min_lr",
    (*_warmup(), *_hold(), _max_steps(False), _min_lr()),
    "--warmup-steps 100 --hold-steps 300 --max-steps 1000")

SQUARE_ANNEALING = _nemo(
    "square_annealing", "SquareAnnealing",
    "warm-up, then lr x ((max - step) / max) ** 2 over the steps after the warm-up, at least "
    "min_lr (default 1e-5)",
    (_max_steps(True), _min_lr(1e-5), *_warmup()),
    "--max-steps 1000 --warmup-steps 100", floor=_clamped_decay)

SQUARE_ROOT_ANNEALING = _nemo(
    "square_root_annealing", "SquareRootAnnealing",
    "warm-up, then lr x ((max_steps - step) / max_steps) ** 0.5 counted from step 0 (not from "
    "the warm-up's end), at least min_lr",
    (_max_steps(True), _min_lr(), *_warmup()),
    "--max-steps 1000 --warmup-steps 100", floor=_clamped_decay)

COSINE_ANNEALING = _nemo(
    "cosine_annealing", "CosineAnnealing",
    "warm-up, cosine from the lr to min_lr at max_steps; with constant_steps, Megatron's "
    "warm-up from 0 and cosine to min_lr at max_steps - constant_steps, then min_lr",
    (_max_steps(True), _min_lr(), *_warmup(),
     *_constant("steps at min_lr at the end of the run (> 0: Megatron's warm-up and cosine)")),
    "--max-steps 1000 --warmup-steps 100 --constant-steps 0,300", floor=_decays_to_min_lr)

NOAM_ANNEALING = _nemo(
    "noam_annealing", "NoamAnnealing",
    "Noam: lr x d_model ** -0.5 x min(step ** -0.5, step x warmup ** -1.5), at least min_lr "
    "after the warm-up",
    (Param("d_model", "int", "the model width: the lr is scaled by d_model ** -0.5", min=1),
     *_warmup(), _max_steps(False), _min_lr()),
    "--d-model 256 --warmup-steps 1000")

NOAM_HOLD_ANNEALING = _nemo(
    "noam_hold_annealing", "NoamHoldAnnealing",
    "warm-up, hold, then lr x warmup ** rate / (step - hold) ** rate, at least min_lr",
    (_max_steps(True),
     Param("decay_rate", "float", "the decay's power (0.5: Noam, 1.0: Squeezeformer)",
           default=0.5),
     _min_lr(), *_warmup(), *_hold()),
    "--max-steps 2000 --warmup-steps 100 --hold-steps 400 --decay-rate 0.5,1.0")

WARMUP_HOLD_ANNEAL_ONE_MINUS_SQUARE_ROOT = _nemo(
    "warmup_hold_anneal_one_minus_square_root", "WarmupHoldAnnealOneMinusSquareRoot",
    "warm-up, hold, then lr x (1 - sqrt((step - hold end) / (max - hold end))), at least "
    "min_lr",
    (_max_steps(True), _min_lr(), *_warmup(), *_hold()),
    "--max-steps 1000 --warmup-steps 100 --hold-steps 400", floor=_clamped_decay)

WARMUP_HOLD_ANNEAL_LINEAR = _nemo(
    "warmup_hold_anneal_linear", "WarmupHoldAnnealLinear",
    "warm-up, hold, then linear from the lr to min_lr at max_steps",
    (_max_steps(True), _min_lr(), *_warmup(), *_hold()),
    "--max-steps 1000 --warmup-steps 100 --hold-steps 400", floor=_decays_to_min_lr)

WARMUP_ANNEALING = _nemo(
    "warmup_annealing", "WarmupAnnealing",
    "warm-up, then linear from the lr to min_lr at max_steps",
    (_max_steps(True), _min_lr(), *_warmup()),
    "--max-steps 1000 --warmup-steps 100", floor=_decays_to_min_lr)

INVERSE_SQUARE_ROOT_ANNEALING = _nemo(
    "inverse_square_root_annealing", "InverseSquareRootAnnealing",
    "warm-up, then lr / ((step + 1) / (warmup + 1)) ** 0.5; min_lr after max_steps",
    (_max_steps(True), _min_lr(), *_warmup()),
    "--max-steps 1000 --warmup-steps 100")


def _t5_check(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    if p["constant_steps"] is None:
        return [("constant_steps", "is required: T5InverseSquareRootAnnealing computes 1 / "
                                   "constant_steps ** 0.5 even when constant_ratio is given "
                                   "(NeMo raises TypeError)")]
    return _check(p)


T5_INVERSE_SQUARE_ROOT_ANNEALING = _nemo(
    "t5_inverse_square_root_annealing", "T5InverseSquareRootAnnealing",
    "T5: 1 / constant_steps ** 0.5 until constant_steps, then 1 / step ** 0.5 (the optimizer's "
    "lr is ignored); min_lr after max_steps",
    (_max_steps(True), _min_lr(),
     Param("constant_steps", "int", "steps at 1 / constant_steps ** 0.5", default=None, min=1),
     Param("constant_ratio", "float", "in NeMo's signature but unusable: with constant_steps "
           "NeMo asserts one or the other, alone it fails on 1 / None ** 0.5", default=None,
           min=0)),
    "--max-steps 20000 --constant-steps 1000", check=_t5_check, uses_base_lr=False)


def _poly() -> tuple[Param, ...]:
    return (Param("power", "float", "the decay's power: (1 - p) ** power", default=1.0),
            Param("cycle", "bool", "restart the decay every max_steps - warm-up (math.ceil "
                  "of the step over it)", default=False))


POLYNOMIAL_DECAY_ANNEALING = _nemo(
    "polynomial_decay_annealing", "PolynomialDecayAnnealing",
    "warm-up, then (lr - min_lr) x (1 - p) ** power + min_lr, p the fraction of the steps "
    "after the warm-up",
    (_max_steps(True), _min_lr(), *_poly(), *_warmup()),
    "--max-steps 1000 --warmup-steps 100 --power 1,2", floor=_decays_to_min_lr)

POLYNOMIAL_HOLD_DECAY_ANNEALING = _nemo(
    "polynomial_hold_decay_annealing", "PolynomialHoldDecayAnnealing",
    "warm-up, hold, then the polynomial decay from the hold's end (from step 0 when no hold "
    "is given) over max_steps - max(warm-up, hold end)",
    (_max_steps(True), _min_lr(), *_poly(), *_warmup(), *_hold()),
    "--max-steps 1000 --warmup-ratio 0.05 --hold-ratio 0.45 --power 2", floor=_poly_hold_floor)
