"""Lint rules for NeMo's schedulers. Loaded by :mod:`lrplot.lint` (``Framework.lint``)."""

from __future__ import annotations

from typing import Iterator

from lrplot.lint import Context, Finding, rule

HOLD_KINDS = ("nemo.warmup_hold_anneal_one_minus_square_root", "nemo.warmup_hold_anneal_linear",
              "nemo.polynomial_hold_decay_annealing")


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _warmup(p: dict) -> int:
    if p.get("warmup_steps") is not None:
        return p["warmup_steps"]
    if p.get("warmup_ratio") is not None and p.get("max_steps") is not None:
        return int(p["warmup_ratio"] * p["max_steps"])
    return 0


@rule("nemo-decay-from-step-0", *HOLD_KINDS, "nemo.square_root_annealing",
      summary="a NeMo decay that counts from step 0 drops at once at the warm-up's end")
def _decay_from_step_0(ctx: Context) -> Iterator[Finding]:
    p = dict(ctx.p)
    warm = _warmup(p)
    held = p.get("hold_steps") is not None or p.get("hold_ratio") is not None
    if warm <= 0 or held or warm + 1 > p["max_steps"]:
        return
    lr = ctx.at(warm, warm + 1)
    if len(lr) < 2 or not lr[warm + 1] < 0.99 * lr[warm]:
        return
    cls = ctx.curve.kind.framework_class
    fix = ("set hold_steps: 0: the decay then starts at the warm-up's end"
           if ctx.curve.kind.name in HOLD_KINDS else
           "use a scheduler that decays from the warm-up's end (CosineAnnealing, "
           "SquareAnnealing, PolynomialDecayAnnealing) or no warm-up")
    yield Finding(
        f"{cls} with a warm-up and no hold counts its decay from step 0, not from the "
        f"warm-up's end: at step {warm + 1} the lr drops at once from {_fmt(lr[warm])} to "
        f"{_fmt(lr[warm + 1])}",
        fix, ("warmup_steps" if p.get("warmup_steps") is not None else "warmup_ratio",))


@rule("nemo-min-lr-above-lr", "nemo.warmup_policy", "nemo.warmup_hold_policy",
      "nemo.square_annealing", "nemo.square_root_annealing", "nemo.warmup_annealing",
      "nemo.inverse_square_root_annealing", "nemo.polynomial_decay_annealing",
      "nemo.noam_hold_annealing", *HOLD_KINDS,
      summary="min_lr above the optimizer's lr: NeMo's decay rises, or the lr jumps up to it")
def _min_lr_above_lr(ctx: Context) -> Iterator[Finding]:
    floor = ctx.p["min_lr"]
    if not floor > ctx.base_lr:
        return
    yield Finding(
        f"min_lr {_fmt(floor)} is above the lr {_fmt(ctx.base_lr)}: NeMo's min_lr is an "
        "absolute lr, not a fraction, so the schedule climbs to it (or jumps to it past "
        "max_steps) instead of decaying",
        f"set min_lr below the lr, e.g. {_fmt(ctx.base_lr / 100)}", ("min_lr",))
