"""lrplot against its alternatives, measured side by side in one run: a table of ratios.

    python benchmarks/run.py             # the full run (several minutes)
    python benchmarks/run.py --quick     # smaller sizes and fewer repetitions (about a minute)
    python benchmarks/run.py --only engine,startup --doc docs/performance.md

Every target of issues 6 and 17 is a row: lrplot's time (or memory, or size) next to the alternative's,
measured in the same run and interleaved round by round (the machine is shared and noisy), as
medians. Whole processes where start-up matters, in-process timings for the engine. The
alternatives are real programs: stepping torch's own scheduler (when torch is importable), plain
numpy + pyplot scripts drawing the same figure, a torch + pyplot script, and numpy's bare
evaluation of the same values (benchmarks/alternatives/). The engine rows put every kind
beside its real implementation stepped 10^6 times in the same run: torch's schedulers,
DeepSpeed's, Megatron-core's and NeMo's classes, torchtitan's LambdaLR, nanoGPT's get_lr (the
oracles of tests/; ``--kinds deepspeed.,megatron.`` runs some of them). ``--doc`` writes the
table into a markdown file between ``<!-- benchmark -->`` markers.

Nothing here is a test: tests check that the fast paths are right, this measures how fast.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
ALTERNATIVES = ROOT / "benchmarks" / "alternatives"
MiB = 1 << 20


# -- measuring -----------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_rss: int  # bytes
    cpu: float  # user + system seconds


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""Processes run as installed programs do: with their bytecode cached (the first run writes it)."""


_MEASURE = """
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print(json.dumps([time.perf_counter() - start, os.waitstatus_to_exitcode(status),
                  usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime]))
"""
"""Forks from a small interpreter (python -S), so that the child's peak memory is its own and
not the benchmark's (a child forked from a big process counts the parent's pages until exec)."""


def run_process(command: list[str], cwd: Path) -> Run:
    """Wall time, CPU time and peak resident memory of one process (its own, via wait4)."""
    done = subprocess.run([sys.executable, "-S", "-c", _MEASURE, *command], cwd=cwd, env=ENV,
                          capture_output=True, text=True)
    try:
        seconds, code, peak, cpu = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError(f"could not measure {' '.join(command)}:\n{done.stderr}") from None
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited {code}:\n{done.stderr}")
    return Run(seconds, peak, cpu)


def interleaved(commands: dict[str, list[str]], rounds: int, cwd: Path,
                warm: bool = True) -> dict[str, list[Run]]:
    """Every command once per round, the order rotating between rounds, after one untimed
    round (bytecode caches, file-system caches)."""
    names = list(commands)
    runs: dict[str, list[Run]] = {name: [] for name in names}
    if warm:
        for name in names:
            run_process(commands[name], cwd)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            runs[name].append(run_process(commands[name], cwd))
    return runs


def median(runs: list[Run], what: str = "seconds") -> float:
    return statistics.median(getattr(r, what) for r in runs)


def timed(function: Callable[[], Any], repeat: int, best: bool = False) -> float:
    """Median (or with ``best``, the least) wall time of ``function()`` over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times) if best else statistics.median(times)


def lrplot_command() -> list[str]:
    script = Path(sys.executable).with_name("lrplot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lrplot"]


def torch_available() -> bool:
    try:
        importlib.metadata.version("torch")
        return True
    except importlib.metadata.PackageNotFoundError:
        return False


# -- the table ------------------------------------------------------------------------------------


@dataclass
class Row:
    section: str
    what: str
    lrplot: str
    alternative: str
    ratio: str
    target: str
    met: bool | None  # None: information only

    def cells(self) -> list[str]:
        verdict = {True: "yes", False: "**NO**", None: ""}[self.met]
        return [self.what, self.lrplot, self.alternative, self.ratio, self.target, verdict]


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def add(self, *args: Any) -> None:
        row = Row(*args)
        self.rows.append(row)
        print(" | ".join(row.cells()), flush=True)

    def markdown(self) -> str:
        out = []
        for section in dict.fromkeys(r.section for r in self.rows):
            out += [f"\n**{section}**\n",
                    "| measurement | lrplot | alternative | ratio | target | met |",
                    "|---|---|---|---|---|---|"]
            out += ["| " + " | ".join(r.cells()) + " |" for r in self.rows if r.section == section]
        return "\n".join(out) + "\n"


def seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for package in ("numpy", "matplotlib", "click", "pyyaml", "torch"):
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} absent")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} logical CPUs; {platform.platform()}; Python "
            f"{platform.python_version()}; {', '.join(versions)}; load average {load} (1/5/15 min)")


# -- 1. engine: each kind against stepping its real implementation -------------------------------


@dataclass
class Case:
    """One engine row: lrplot's ``kind`` with ``params`` over ``n`` steps, against ``real(n)``,
    the real implementation stepped ``n`` times (its lr at every step), which needs the module
    ``needs`` (the row says absent without it)."""
    label: str
    kind: str
    params: dict[str, Any]
    real: Callable[[int], Any]
    needs: str
    base_lr: float = 0.1
    target: int = 100
    alternative: str = ""  # the real implementation's name in the table (default: needs')
    shorter: int = 0  # steps fewer than the others' (a kind that cannot run n steps)
    series: str = "lr"  # the series compared: "momentum" for the momentum schedules


def _oracle(module: str, name: str) -> Callable[..., Any]:
    """A function of tests/<module>.py (the oracles the parity tests use), imported when called."""
    def call(*args: Any) -> Any:
        sys.path.insert(0, str(ROOT / "tests"))
        import importlib

        return getattr(importlib.import_module(module), name)(*args)

    return call


def torch_cases(n: int) -> list[Case]:
    """One realistic parameter set per torch kind, stepping torch's own scheduler."""
    cases = {
        "exponential": ("exponential", {"gamma": 0.999995}),
        "step": ("step", {"step_size": n // 30, "gamma": 0.5}),
        "multistep": ("multistep", {"milestones": [3 * n // 10, 6 * n // 10, 8 * n // 10],
                                    "gamma": 0.1}),
        "cosine (T_max = steps)": ("cosine", {"T_max": n}),
        "cosine (T_max = 1000, 500 periods)": ("cosine", {"T_max": 1000}),
        "cosine (eta_min != 0, 500 periods, each sequential)": ("cosine", {"T_max": 1000,
                                                                           "eta_min": 1e-4}),
        "cosine (eta_min != 0, one period: sequential)": ("cosine", {"T_max": n,
                                                                    "eta_min": 1e-4}),
        "constant": ("constant", {"factor": 0.5, "total_iters": 1000}),
        "linear": ("linear", {"start_factor": 0.01, "total_iters": n // 100}),
        "polynomial": ("polynomial", {"total_iters": n, "power": 2.0}),
        "cosine-restarts": ("cosine-restarts", {"T_0": 1000, "T_mult": 2}),
        "lambda": ("lambda", {"lr_lambda": "1 / (1 + epoch / 1000)"}),
        "multiplicative": ("multiplicative", {"lr_lambda": "0.999999"}),
        "cyclic": ("cyclic", {"max_lr": 1.0}),
        "onecycle": ("onecycle", {"max_lr": 1.0, "total_steps": n}),
        "sequential (warm-up, cosine)": ("sequential", {
            "schedulers": [{"type": "linear", "start_factor": 0.01, "total_iters": n // 100},
                           {"type": "cosine", "T_max": n - n // 100}],
            "milestones": [n // 100]}),
        "chained (linear x exponential)": ("chained", {
            "schedulers": [{"type": "linear", "start_factor": 0.01, "total_iters": n // 100},
                           {"type": "exponential", "gamma": 0.999999}]}),
        "plateau": ("plateau", {"metric": "1 / (epoch + 1)"}),
    }
    # the recursion of CosineAnnealingLR with eta_min != 0 only a sequence reproduces: 20x
    return [Case(label, kind, params, _torch_stepper(kind, params), "torch",
                 target=20 if "eta_min" in label else 100)
            for label, (kind, params) in cases.items()] + [
        Case("chained, children per iteration and per epoch (mmdetection 1x, 12 epochs)",
             "chained", {"steps_per_epoch": max(1, n // 12), "schedulers": LOOP_CHILDREN},
             _torch_loop_stepper(max(1, n // 12)), "torch")]


LOOP_CHILDREN = [{"type": "linear", "start_factor": 0.001, "total_iters": 500, "interval": "step"},
                 {"type": "multistep", "milestones": [8, 11], "gamma": 0.1, "interval": "epoch"}]
"""mmdetection's 1x schedule: a warm-up stepped every iteration, MultiStepLR every epoch."""


def _torch_loop_stepper(steps_per_epoch: int) -> Callable[[int], Any]:
    """LOOP_CHILDREN as two torch schedulers on one optimizer, stepped as a training loop does:
    the warm-up after every iteration, MultiStepLR at the end of every epoch."""
    def step_torch(n: int) -> list[float]:
        import torch
        from torch.optim import lr_scheduler

        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        group = optimizer.param_groups[0]
        out = [0.0] * n
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            per_iteration = lr_scheduler.LinearLR(optimizer, start_factor=0.001, total_iters=500)
            per_epoch = lr_scheduler.MultiStepLR(optimizer, milestones=[8, 11], gamma=0.1)
            for i in range(n):
                out[i] = group["lr"]
                per_iteration.step()
                if (i + 1) % steps_per_epoch == 0:
                    per_epoch.step()
        return out

    return step_torch


def _torch_stepper(kind: str, params: dict[str, Any]) -> Callable[[int], Any]:
    def step_torch(n: int) -> list[float]:
        sys.path.insert(0, str(ROOT / "tests"))
        import torch
        import torch_oracle

        param = torch.nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([param], lr=0.1, momentum=0.9)
        group = optimizer.param_groups[0]
        out = [0.0] * n
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scheduler = torch_oracle.build_scheduler(kind, optimizer, params)
            out[0] = group["lr"]
            for i in range(1, n):
                scheduler.step()
                out[i] = group["lr"]
        return out

    return step_torch


def _trainer_case(label: str, kind: str, params: dict[str, Any], oracle: tuple[str, str],
                  needs: str, base_lr: float, alternative: str = "", series: str = "lr") -> Case:
    """A row against ``oracle`` (module and function of tests/): its lrs, or with ``series``
    that series of the dict of series it returns."""
    real = _oracle(*oracle)

    def step_real(n: int) -> Any:
        found = real(kind, n, base_lr, params)
        return found if series == "lr" else found[series]

    return Case(label, kind, params, step_real, needs, base_lr, alternative=alternative,
                series=series)


def deepspeed_cases(n: int) -> list[Case]:
    """Every DeepSpeed kind, stepping its class in deepspeed.runtime.lr_schedules."""
    cases = {
        "deepspeed.warmup (log)": ("deepspeed.warmup", {"warmup_num_steps": n // 100}),
        "deepspeed.warmup (linear)": ("deepspeed.warmup", {"warmup_num_steps": n // 100,
                                                           "warmup_type": "linear"}),
        "deepspeed.warmup_decay": ("deepspeed.warmup_decay", {"total_num_steps": n,
                                                              "warmup_num_steps": n // 100}),
        "deepspeed.warmup_cosine": ("deepspeed.warmup_cosine", {"total_num_steps": n,
                                                                "warmup_num_steps": n // 100}),
        "deepspeed.one_cycle (with decay)": ("deepspeed.one_cycle", {
            "cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": n // 4,
            "decay_step_size": 1000, "decay_lr_rate": 0.01}),
        "deepspeed.range_test": ("deepspeed.range_test", {"lr_range_test_step_size": 1000}),
    }
    return [_trainer_case(label, kind, params, ("frameworks_oracle", "deepspeed_lrs"),
                          "deepspeed", 1e-3) for label, (kind, params) in cases.items()] + [
        _trainer_case("deepspeed.one_cycle (with decay): beta1, the momentum series",
                      "deepspeed.one_cycle", cases["deepspeed.one_cycle (with decay)"][1],
                      ("frameworks_oracle", "deepspeed_series"), "deepspeed", 1e-3,
                      series="momentum")]


def megatron_cases(n: int) -> list[Case]:
    """megatron.param_scheduler in each decay style (and each WSD annealing), stepping
    Megatron-core's OptimizerParamScheduler as its training loop does."""
    common = {"lr_decay_steps": n, "lr_warmup_steps": n // 100, "min_lr": 1e-5}
    cases = {
        "constant": {**common, "lr_decay_style": "constant"},
        "linear": {**common, "lr_decay_style": "linear"},
        "cosine (samples, warm-up fraction)": {
            "lr_decay_steps": n * 512, "lr_warmup_steps": 0.01 * n * 512, "increment": 512,
            "lr_decay_style": "cosine", "min_lr": 1e-5},
        "inverse-square-root": {**common, "lr_decay_style": "inverse-square-root"},
        **{f"WSD ({style}, last 20%)": {**common, "lr_decay_style": "WSD",
                                        "wsd_decay_steps": n // 5, "lr_wsd_decay_style": style}
           for style in ("linear", "cosine", "exponential", "minus_sqrt")},
    }
    return [_trainer_case(f"megatron.param_scheduler {label}", "megatron.param_scheduler",
                          params, ("frameworks_oracle", "megatron_lrs"), "megatron.core", 1e-3)
            for label, params in cases.items()]


def torchtitan_cases(n: int) -> list[Case]:
    """torchtitan's warmup-stable-decay LambdaLR, built by its LRSchedulersContainer."""
    return [_trainer_case(
        f"torchtitan.wsd ({decay}, decay_ratio 0.2)", "torchtitan.wsd",
        {"training_steps": n, "warmup_steps": n // 50, "decay_ratio": 0.2, "decay_type": decay,
         "min_lr_factor": 0.1}, ("trainers_oracle", "torchtitan_lrs"), "torchtitan", 6e-4)
        for decay in ("cosine",)]  # linear and sqrt: the same closed form, cheaper


def nanogpt_cases(n: int) -> list[Case]:
    """nanoGPT's get_lr, a verbatim copy driven as train.py drives it."""
    return [_trainer_case("nanogpt.cosine (train.py's shape)", "nanogpt.cosine",
                          {"warmup_iters": n // 300, "lr_decay_iters": n},
                          ("trainers_oracle", "nanogpt_lrs"), "", 6e-4, "get_lr")]


def mmengine_cases(n: int) -> list[Case]:
    """Every mmengine lr kind in a realistic shape, and the param_scheduler lists of real
    configs (mmdetection's schedule_1x and YOLOX, an mmseg warm-up and poly), against its real
    schedulers stepped as its runner steps them (tests/mmengine_oracle.py)."""
    it = {"by_epoch": False}
    cases = {
        "LinearLR": ("mmengine.linear", {"start_factor": 0.001, "end": n, **it}),
        "ConstantLR": ("mmengine.constant", {"factor": 0.5, "end": n // 2, **it}),
        "StepLR": ("mmengine.step", {"step_size": n // 10, **it}),
        "MultiStepLR": ("mmengine.multistep", {"milestones": [n // 2, 3 * n // 4], **it}),
        "ExponentialLR": ("mmengine.exponential", {"gamma": 0.999999, **it}),
        "CosineAnnealingLR (eta_min)": ("mmengine.cosine", {"end": n, "eta_min": 1e-5, **it}),
        "PolyLR (eta_min)": ("mmengine.poly", {"end": n, "eta_min": 1e-4, "power": 0.9, **it}),
        "OneCycleLR": ("mmengine.onecycle", {"eta_max": 0.1, "total_steps": n, **it}),
        "CosineRestartLR": ("mmengine.cosine_restart", {
            "periods": [n // 4] * 4, "restart_weights": [1, 0.5, 0.25, 0.1], "eta_min": 1e-5,
            **it}),
        "QuadraticWarmupLR": ("mmengine.quadratic_warmup", {"end": n, **it}),
        "ReduceOnPlateauLR (1000 epochs)": ("mmengine.plateau", {
            "metric": "1 / epoch + 0.001 * epoch", "patience": 2, "steps_per_epoch": n // 1000}),
        "param_scheduler: schedule_1x (warm-up by iteration, MultiStepLR by epoch)": (
            "mmengine.param_scheduler", {"steps_per_epoch": n // 12, "schedulers": [
                {"type": "LinearLR", "start_factor": 0.001, "end": 500, **it},
                {"type": "MultiStepLR", "milestones": [8, 11], "end": 12}]}),
        "param_scheduler: YOLOX (quadratic and cosine converted, constant)": (
            "mmengine.param_scheduler", {"steps_per_epoch": n // 300, "schedulers": [
                {"type": "QuadraticWarmupLR", "end": 5, "convert_to_iter_based": True},
                {"type": "CosineAnnealingLR", "eta_min": 5e-4, "begin": 5, "T_max": 285,
                 "end": 285, "convert_to_iter_based": True},
                {"type": "ConstantLR", "factor": 1.0, "begin": 285, "end": 300}]}),
        "param_scheduler: mmseg (warm-up, then PolyLR)": ("mmengine.param_scheduler", {
            "schedulers": [{"type": "LinearLR", "start_factor": 1e-6, "end": 1500, **it},
                           {"type": "PolyLR", "eta_min": 1e-4, "power": 0.9, "begin": 1500,
                            "end": n, **it}]}),
        "param_scheduler: LinearLR and PolyLR both over the whole run, by iteration": (
            "mmengine.param_scheduler", {"schedulers": [
                {"type": "LinearLR", "start_factor": 0.001, "end": n, **it},
                {"type": "PolyLR", "eta_min": 1e-4, "power": 0.9, "end": n, **it}]}),
    }
    rows = [_trainer_case(f"mmengine {label}", kind, params,
                          ("mmengine_oracle", "lrs"), "mmengine", 0.01)
            for label, (kind, params) in cases.items()]
    # the momentum twins run the lr kinds' kernel on the momentum: one of each operation kind
    # (a factor, an affine step, a factor per epoch, a plateau decision) and a list of both
    twins = {
        "LinearMomentum": ("mmengine.linear_momentum", {"start_factor": 0.9, "end": n, **it}),
        "CosineAnnealingMomentum (eta_min)": ("mmengine.cosine_momentum", {
            "end": n, "eta_min": 0.85, **it}),
        "StepMomentum": ("mmengine.step_momentum", {"step_size": n // 10, "gamma": 0.9, **it}),
        "ReduceOnPlateauMomentum (1000 epochs)": ("mmengine.plateau_momentum", {
            "metric": "1 / epoch + 0.001 * epoch", "patience": 2, "min_value": 0.5,
            "steps_per_epoch": n // 1000}),
        "param_scheduler: cyclic lr and momentum (mmdet3d's cyclic-40e shape): the momentum": (
            "mmengine.param_scheduler", {"schedulers": [
                {"type": f"mmengine.{name}", "T_max": end - begin, "eta_min": eta_min,
                 "begin": begin, "end": end, **it}
                for name, eta_min, begin, end in (
                    ("CosineAnnealingLR", 0.1, 0, 2 * n // 5),
                    ("CosineAnnealingLR", 1e-4, 2 * n // 5, n),
                    ("CosineAnnealingMomentum", 0.85 / 0.95, 0, 2 * n // 5),
                    ("CosineAnnealingMomentum", 1.0, 2 * n // 5, n))]}),
    }
    return rows + [_trainer_case(f"mmengine {label}", kind, params,
                                 ("mmengine_oracle", "series"), "mmengine", 0.01,
                                 series="momentum")
                   for label, (kind, params) in twins.items()]


def nemo_cases(n: int) -> list[Case]:
    """Each of NeMo's own schedulers with a warm-up (and a hold where it has one), stepping its
    class in nemo/core/optim/lr_scheduler.py (loaded alone by the oracle)."""
    warm, hold = {"warmup_steps": n // 100}, {"hold_steps": n // 5}
    cases = {
        "warmup_policy": warm, "warmup_hold_policy": {**warm, **hold},
        "square_annealing": warm, "square_root_annealing": warm,
        "cosine_annealing": {**warm, "min_lr": 1e-5},
        "cosine_annealing (constant_steps)": {**warm, "constant_steps": n // 4, "min_lr": 1e-5},
        "noam_annealing": {"d_model": 512, **warm, "min_lr": 1e-6},
        "noam_hold_annealing": {**warm, **hold},
        "warmup_hold_anneal_one_minus_square_root": {**warm, **hold},
        "warmup_hold_anneal_linear": {**warm, **hold}, "warmup_annealing": warm,
        "inverse_square_root_annealing": warm,
        "t5_inverse_square_root_annealing": {"constant_steps": n // 100},
        "polynomial_decay_annealing": {**warm, "power": 2.0},
        "polynomial_hold_decay_annealing": {**warm, **hold, "power": 2.0},
    }
    return [_trainer_case(f"nemo.{label}", f"nemo.{label.split(' ')[0]}",
                          {"max_steps": n - 1, **params}, ("frameworks_oracle", "nemo_lrs"),
                          "nemo", 1e-3) for label, params in cases.items()]


def detectron2_cases(n: int) -> list[Case]:
    """Every detectron2 kind, stepping fvcore's param scheduler through detectron2's
    LRMultiplier over a torch optimizer (its code ported in tests/detectron2_port.py). fvcore's
    StepParamScheduler indexes past its values in the last iterations of a run of 10^6: its two
    kinds run a thousandth fewer steps."""
    d = "detectron2."
    marks = {"values": [1.0, 0.1, 0.01], "milestones": [n * 2 // 3, n * 8 // 9],
             "num_updates": n}
    cosine = {"type": d + "cosine", "start_value": 1.0, "end_value": 0.0}
    cases = {
        "constant": (d + "constant", {"value": 0.5}),
        "cosine": (d + "cosine", {"start_value": 1.0, "end_value": 0.01}),
        "exponential": (d + "exponential", {"start_value": 1.0, "decay": 0.02}),
        "linear": (d + "linear", {"start_value": 1.0, "end_value": 0.0}),
        "multistep": (d + "multistep", marks),
        "polynomial": (d + "polynomial", {"base_value": 1.0, "power": 0.9}),
        "step": (d + "step", {"num_updates": n, "values": [1, 0.1, 0.01]}),
        "step_fixed_gamma": (d + "step_fixed_gamma", {"base_value": 1.0, "num_decays": 3,
                                                      "gamma": 0.1, "num_updates": n}),
        "composite (linear 10%, cosine fixed)": (d + "composite", {
            "schedulers": [{"type": d + "linear", "start_value": 0.0, "end_value": 1.0},
                           cosine],
            "lengths": [0.1, 0.9], "interval_scaling": ["rescaled", "fixed"]}),
        "warmup (cosine)": (d + "warmup", {"scheduler": [cosine], "warmup_factor": 0.001,
                                           "warmup_length": 0.01}),
        "lr_multiplier (warm-up, multi-step: coco_schedule.py's shape)": (d + "lr_multiplier", {
            "multiplier": [{"type": d + "warmup", "warmup_factor": 0.001,
                            "warmup_length": 1000 / n,
                            "scheduler": [{"type": d + "multistep", **marks}]}],
            "max_iter": n}),
        "warmup_multistep (legacy WarmupMultiStepLR)": (d + "warmup_multistep", {
            "milestones": [n * 2 // 3, n * 8 // 9]}),
        "warmup_cosine (legacy WarmupCosineLR)": (d + "warmup_cosine", {"max_iters": n}),
        "solver (build_lr_scheduler, WarmupMultiStepLR)": (d + "solver", {
            "max_iter": n, "solver_steps": [n * 2 // 3, n * 8 // 9]}),
        "solver (build_lr_scheduler, WarmupCosineLR)": (d + "solver", {
            "max_iter": n, "lr_scheduler_name": "WarmupCosineLR", "base_lr_end": 2e-4}),
    }
    out = [_trainer_case(f"{d}{label}", kind, params, ("detectron2_port", "detectron2_lrs"),
                         "fvcore", 0.02, "fvcore + LRMultiplier")
           for label, (kind, params) in cases.items()]
    for case in out:
        if case.kind in (d + "step", d + "step_fixed_gamma"):
            case.shorter = n // 1000
            case.label += f" ({n - n // 1000} steps)"
    return out


def ultralytics_cases(n: int) -> list[Case]:
    """The YOLO training loops for ``n`` optimizer steps: Ultralytics' (its warm-up block and
    optimizer-step test compiled from the installed ultralytics) and YOLOv5's (the port of its
    train.py), tests/ultralytics_oracle.py."""
    return [
        _trainer_case("ultralytics.yolo (cos_lr, bias group)", "ultralytics.yolo",
                      {"nb": 1000, "epochs": n // 1000, "batch": 64, "cos_lr": True,
                       "param_group": "bias"}, ("ultralytics_oracle", "ultralytics_lrs"),
                      "ultralytics", 6e-4, "the loop"),
        _trainer_case("ultralytics.yolov5 (biases, batch 64)", "ultralytics.yolov5",
                      {"nb": 2000, "epochs": n // 2000, "batch": 64, "group": 0},
                      ("ultralytics_oracle", "ultralytics_lrs"), "torch", 6e-4,
                      "train.py's loop (port)"),
        _trainer_case("ultralytics.yolo (cos_lr, weights): the momentum warm-up",
                      "ultralytics.yolo", {"nb": 1000, "epochs": n // 1000, "batch": 64,
                                           "cos_lr": True, "param_group": "weight"},
                      ("ultralytics_oracle", "ultralytics_series"), "ultralytics", 6e-4,
                      "the loop", series="momentum"),
        _trainer_case("ultralytics.yolov5 (weights, batch 64): the momentum warm-up",
                      "ultralytics.yolov5", {"nb": 2000, "epochs": n // 2000, "batch": 64,
                                             "group": 1},
                      ("ultralytics_oracle", "ultralytics_series"), "torch", 6e-4,
                      "train.py's loop (port)", series="momentum"),
    ]


FRAMEWORK_CASES: tuple[Callable[[int], list[Case]], ...] = (
    torch_cases, deepspeed_cases, megatron_cases, nemo_cases, torchtitan_cases, nanogpt_cases,
    detectron2_cases, ultralytics_cases, mmengine_cases)
"""The engine's rows, framework by framework: a framework adds its function here."""


def _present(module: str) -> bool:
    import importlib.util

    try:
        return not module or importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


REAL_BUDGET = 20.0
"""Seconds of stepping a real implementation after which a case stops adding rounds (after
three): torchtitan's LambdaLR takes 15 s for 10^6 steps."""


@dataclass
class Timing:
    wall: float
    cpu: float  # this thread's CPU time: what the machine's other jobs do not add to


def clocked(function: Callable[[], Any]) -> tuple[Timing, Any]:
    cpu, start = time.thread_time(), time.perf_counter()
    value = function()
    return Timing(time.perf_counter() - start, time.thread_time() - cpu), value


def compare(case: Case, n: int, rounds: int, calls: int
            ) -> tuple[list[Timing], list[Timing], Any]:
    """lrplot and the real implementation, interleaved: each round times lrplot ``calls`` times
    (keeping the fastest wall and CPU times: the machine's noise only ever adds) and the real
    implementation once, the order alternating from round to round, after one untimed call of
    each; ``rounds`` rounds, or fewer (at least three) once the real side has taken
    :data:`REAL_BUDGET`. Returns both sides' times per round and the real implementation's
    values."""
    import lrplot

    n -= case.shorter

    def ours() -> Any:
        return lrplot.schedule(case.kind, steps=n, base_lr=case.base_lr, series=case.series,
                               **case.params)

    ours()  # imports, expression parsing
    expected = case.real(min(n, 1000))  # the oracle's imports
    mine: list[Timing] = []
    theirs: list[Timing] = []
    for r in range(rounds):
        if r >= 3 and sum(t.wall for t in theirs) > REAL_BUDGET:
            break
        for side in ("ours", "real") if r % 2 == 0 else ("real", "ours"):
            if side == "ours":
                best = [clocked(ours)[0] for _ in range(calls)]
                mine.append(Timing(min(t.wall for t in best), min(t.cpu for t in best)))
            else:
                timing, expected = clocked(lambda: case.real(n))
                theirs.append(timing)
    return mine, theirs, expected


def engine(report: Report, n: int, rounds: int, calls: int, kinds: list[str] | None,
           with_torch: bool) -> float | None:
    """Each kind against its real implementation stepped ``n`` times, in the same run: the ratio
    is the median of the rounds' ratios (each round's two sides measured back to back), with
    their range, and the median ratio of CPU times. On a loaded machine a long run of the real
    implementation waits for the processor more than lrplot's short one, which favours lrplot's
    wall time; its CPU time does not wait, so the target is met only when both ratios meet it.
    Returns torch's time per step of ExponentialLR (for the sweep estimate)."""
    import numpy as np

    import lrplot
    from lrplot import schedules

    steps = f"10^{round(math.log10(n))} steps"
    torch_step = None
    covered = set()
    for cases in FRAMEWORK_CASES:
        for case in cases(n):
            covered.add(case.kind)
            if kinds and not any(case.kind.startswith(k) for k in kinds):
                continue
            target = f">= {case.target}x"
            if not _present(case.needs) or (case.needs == "torch" and not with_torch):
                ours = timed(lambda: lrplot.schedule(case.kind, steps=n, base_lr=case.base_lr,
                                                     **case.params), calls, best=True)
                report.add("Engine", f"{case.label}, {steps}", seconds(ours),
                           f"{case.needs} absent", "", target, None)
                continue
            mine, theirs, expected = compare(case, n, rounds, calls)
            lr = lrplot.schedule(case.kind, steps=n - case.shorter, base_lr=case.base_lr,
                                 series=case.series, **case.params)
            expected = np.asarray(expected, dtype=np.float64)
            parity = float(np.max(np.abs(lr - expected) / np.maximum(np.abs(expected), 1e-300)))
            ratios = sorted(t.wall / o.wall for t, o in zip(theirs, mine))
            ratio = statistics.median(ratios)
            cpu = statistics.median(t.cpu / o.cpu for t, o in zip(theirs, mine))
            if case.kind == "exponential":
                torch_step = statistics.median(t.wall for t in theirs) / n
            real = case.alternative or case.needs.split(".")[0]

            def cell(times: list[Timing]) -> str:
                return (f"{seconds(statistics.median(t.wall for t in times))} "
                        f"(CPU {seconds(statistics.median(t.cpu for t in times))})")

            report.add("Engine", f"{case.label}, {steps} (parity {parity:.0e})", cell(mine),
                       f"{real} {cell(theirs)}",
                       f"{ratio:.0f}x faster ({ratios[0]:.0f}-{ratios[-1]:.0f}x; CPU "
                       f"{cpu:.0f}x)", target,
                       min(ratio, cpu) >= case.target and parity <= 1e-12)
    if not kinds:
        missing: dict[str, int] = {}
        for kind in schedules.all_kinds():
            if kind.name not in covered:
                missing[kind.framework] = missing.get(kind.framework, 0) + 1
        if missing:
            report.add("Engine", "kinds without a case here: " + ", ".join(
                f"{framework} ({count})" for framework, count in sorted(missing.items())),
                "", "", "", "", None)
    return torch_step


def sweep(report: Report, sizes: list[int], values: int, repeat: int, torch_step: float | None
          ) -> None:
    """A sweep of ``values`` parameter values: one broadcast pass against one pass per value
    (and against stepping that many torch schedulers, from the measured time of one)."""
    import lrplot
    import lrplot.compute as series

    gammas = [1 - 10 ** (-6 + 3 * i / values) for i in range(values)]
    for n in sizes:
        spec = lrplot.load({"steps": n, "curves": [{"type": "exponential",
                                                    "sweep": {"gamma": gammas}}]})
        stream = n * values > series.MATERIALIZE_LIMIT  # all of it would not fit in memory

        def together():
            [panel] = series.compute(spec)
            assert panel.series[0].sweep is not None
            if stream:
                for _ in panel.series[0].sweep.blocks():
                    pass
            else:
                for s in panel.series:
                    s.lr

        def one_by_one():
            for curve in spec.curves:
                for _ in series.chunks(curve):
                    pass

        ours, passes = timed(together, repeat), timed(one_by_one, repeat)
        how = "streamed" if stream else "in memory"
        torch_text = "" if torch_step is None else \
            f"; torch ~{seconds(torch_step * n * values)} ({values} x measured)"
        ratio = passes / ours
        report.add("Engine", f"sweep of {values} gamma values, 10^{round(math.log10(n))} steps "
                   f"each ({how})", seconds(ours), f"{values} passes {seconds(passes)}"
                   + torch_text, (f"{ratio:.1f}x faster than {values} passes" if ratio >= 1
                                 else f"{1 / ratio:.1f}x slower than {values} passes")
                   + ("" if torch_step is None else
                      f", {torch_step * n * values / ours:.0f}x faster than torch"),
                   "one broadcast pass", None)


# -- 2. start-up ------------------------------------------------------------------------------------


def startup(report: Report, rounds: int, work: Path) -> None:
    lrplot = lrplot_command()
    config = str(ROOT / "configs" / "article.yaml")
    commands = {
        "baseline": [sys.executable, "-c", "import click, yaml"],
        "lrplot --help": lrplot + ["--help"],
        "lrplot list": lrplot + ["list"],
        "lrplot validate configs/article.yaml": lrplot + ["validate", config],
        "lrplot schema": lrplot + ["schema"],
    }
    available = _subcommands()
    commands = {k: v for k, v in commands.items()
                if k == "baseline" or k == "lrplot --help" or k.split()[1] in available}
    runs = interleaved(commands, rounds, work)
    base = median(runs["baseline"])
    base_cpu = median(runs["baseline"], "cpu")
    for name, measured in runs.items():
        if name == "baseline":
            continue
        ratio = median(measured) / base
        report.add("Start-up (whole processes)", f"`{name}`",
                   f"{seconds(median(measured))} (CPU {seconds(median(measured, 'cpu'))})",
                   f'`python -c "import click, yaml"` {seconds(base)} (CPU {seconds(base_cpu)})',
                   f"{ratio:.2f}x", "<= 1.5x", ratio <= 1.5)
    heavy = _heavy_imports(lrplot, available)
    report.add("Start-up (whole processes)", "numpy / matplotlib imported by help, list, "
               "validate, schema", ", ".join(heavy) or "neither", "", "", "neither", not heavy)


def _subcommands() -> set[str]:
    done = subprocess.run([sys.executable, "-c", "import click; from lrplot.cli import main; "
                           "print(' '.join(main.list_commands(click.Context(main))))"],
                          capture_output=True, text=True)
    return set(done.stdout.split())


def _heavy_imports(lrplot: list[str], available: set[str]) -> list[str]:
    script = ("import sys, runpy; sys.argv = ['lrplot'] + sys.argv[1:]\n"
              "from lrplot.cli import main\n"
              "try:\n    main(sys.argv[1:], prog_name='lrplot')\nexcept SystemExit:\n    pass\n"
              "print('HEAVY', ' '.join(m for m in ('numpy', 'matplotlib') if m in sys.modules), "
              "file=sys.stderr)\n")
    found = set()
    for args in (["--help"], ["list"], ["validate", str(ROOT / "configs" / "article.yaml")],
                 ["schema"]):
        if args[0] != "--help" and args[0] not in available:
            continue
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                              text=True, cwd=ROOT)
        for line in done.stderr.splitlines():
            if line.startswith("HEAVY"):
                found.update(line.split()[1:])
    return sorted(found)


# -- 3. one figure ----------------------------------------------------------------------------------


def one_figure(report: Report, rounds: int, work: Path, with_torch: bool) -> None:
    lrplot = lrplot_command()
    python = sys.executable
    commands = {
        "lrplot cosine": lrplot + ["cosine", "--t-max", "150", "--steps", "400", "-o",
                                   "lrplot-cosine.png"],
        "numpy cosine": [python, str(ALTERNATIVES / "numpy_cosine.py"), "numpy-cosine.png"],
        "lrplot article": lrplot + ["compare", str(ROOT / "configs" / "article.yaml"), "-o",
                                    "lrplot-article.png"],
        "numpy article": [python, str(ALTERNATIVES / "numpy_article.py"), "numpy-article.png"],
    }
    if with_torch:
        commands["torch cosine"] = [python, str(ALTERNATIVES / "torch_cosine.py"),
                                    "torch-cosine.png"]
        commands["torch article"] = [python, str(ALTERNATIVES / "torch_article.py"),
                                     "torch-article.png"]
    runs = interleaved(commands, rounds, work)
    t = {name: median(r) for name, r in runs.items()}
    mem = {name: median(r, "peak_rss") / MiB for name, r in runs.items()}
    section = "One figure (whole processes, PNG)"

    cpu = {name: median(r, "cpu") for name, r in runs.items()}

    def cell(name: str) -> str:
        return f"{seconds(t[name])} (CPU {seconds(cpu[name])}), {mem[name]:.0f} MiB"

    cosine = "`lrplot cosine --t-max 150 --steps 400 -o x.png`"
    ratio = t["lrplot cosine"] / t["numpy cosine"]
    report.add(section, cosine, cell("lrplot cosine"), f"numpy + pyplot {cell('numpy cosine')}",
               f"{ratio:.2f}x the time", "<= 0.8x", ratio <= 0.8)
    if with_torch:
        ratio = t["torch cosine"] / t["lrplot cosine"]
        report.add(section, cosine, cell("lrplot cosine"), f"torch + pyplot {cell('torch cosine')}",
                   f"{ratio:.1f}x faster", ">= 5x", ratio >= 5)
    article = "`lrplot compare configs/article.yaml` (2x2)"
    if with_torch:
        ratio = t["torch article"] / t["lrplot article"]
        report.add(section, article, cell("lrplot article"),
                   f"torch + pyplot {cell('torch article')}", f"{ratio:.1f}x faster", ">= 3.5x",
                   ratio >= 3.5)
    ratio = t["lrplot article"] / t["numpy article"]
    report.add(section, article, cell("lrplot article"), f"numpy + pyplot {cell('numpy article')}",
               f"{ratio:.2f}x the time", "", None)


# -- 4. scale: long runs to PNG and SVG, CSV and JSON -----------------------------------------------


def scale_cases(n: int) -> dict[str, list[str]]:
    """lrplot flags for the long-run kinds (matching alternatives/numpy_eval.py)."""
    return {
        "cosine": ["cosine", "--t-max", str(n)],
        "step": ["step", "--step-size", str(n // 10), "--gamma", "0.5"],
        "cyclic": ["cyclic", "--max-lr", "1", "--step-size-up", str(max(1, n // 20_000))],
        "onecycle": ["onecycle", "--max-lr", "1", "--total-steps", str(n)],
    }


def scale(report: Report, n: int, rounds: int, work: Path) -> None:
    lrplot = lrplot_command()
    exponent = round(math.log10(n))
    section = f"Scale: 10^{exponent} steps (whole processes)"
    for kind, flags in scale_cases(n).items():
        commands = {
            "png": lrplot + flags + ["--steps", str(n), "-o", f"{kind}.png"],
            "svg": lrplot + flags + ["--steps", str(n), "-o", f"{kind}.svg"],
            "html": lrplot + flags + ["--steps", str(n), "-o", f"{kind}.html"],
            "numpy": [sys.executable, str(ALTERNATIVES / "numpy_eval.py"), kind, str(n)],
        }
        runs = interleaved(commands, rounds, work)
        base = median(runs["numpy"])
        name = {"cyclic": "cyclic, 10^4 cycles"}.get(kind, kind)
        for fmt in ("png", "svg"):
            t, rss = median(runs[fmt]), median(runs[fmt], "peak_rss") / MiB
            ratio = t / base
            extra = ""
            if fmt == "svg":
                size = (work / f"{kind}.svg").stat().st_size
                extra = f", {size / 1000:.0f} kB"
            report.add(section, f"{name} -> {fmt.upper()}", f"{seconds(t)}, {rss:.0f} MiB{extra}",
                       f"numpy evaluates {seconds(base)}", f"{ratio:.2f}x the time",
                       "<= 2x, <= 300 MiB" + (", <= 200 kB" if fmt == "svg" else ""),
                       ratio <= 2 and rss <= 300 and (fmt == "png" or size <= 200_000))
        # the interactive page: envelopes at three zoom levels in one pass, against the PNG's one
        t, png = median(runs["html"]), median(runs["png"])
        rss = median(runs["html"], "peak_rss") / MiB
        size = (work / f"{kind}.html").stat().st_size
        report.add(section, f"{name} -> HTML", f"{seconds(t)}, {rss:.0f} MiB, {size / 1e6:.2f} MB",
                   f"the PNG takes {seconds(png)}", f"{t / png:.2f}x the PNG's time",
                   "<= 1.5x the PNG, <= 300 MiB, <= 3 MB",
                   t <= 1.5 * png and rss <= 300 and size <= 3_000_000)
    for fmt in ("csv", "json"):
        command = lrplot + ["cosine", "--t-max", "1000", "--steps", str(n), "-o", f"long.{fmt}"]
        runs = interleaved({fmt: command}, 1, work, warm=False)
        path = work / f"long.{fmt}"
        size = path.stat().st_size
        path.unlink()
        rss = median(runs[fmt], "peak_rss") / MiB
        report.add(section, f"cosine -> {fmt.upper()} ({size / 1e9:.2f} GB)",
                   f"{seconds(median(runs[fmt]))}, {rss:.0f} MiB", "", "", "streamed, <= 300 MiB",
                   rss <= 300)


def bounded(report: Report, sizes: list[int], repeat: int) -> None:
    """Drawing time and SVG size do not grow with the number of steps (in-process): the figures
    are built first (evaluation and envelope), then their PNG drawing is timed, interleaved."""
    import lrplot
    import lrplot.compute as series
    from lrplot import render

    section = "Bounded output (in-process: drawing after the envelope, SVG size)"
    for kind, flags in (("cyclic", {"max_lr": 1.0}), ("cosine", {})):
        figures, sizes_kb = [], []
        for n in sizes:
            params = {"step_size_up": max(1, n // 20_000)} if kind == "cyclic" else {"T_max": n}
            spec = lrplot.load({"steps": n, "curves": [{"type": kind, **flags, **params}]})
            fig = render.figure(series.compute(spec), title=spec.title)
            figures.append(fig)
            svg = io.BytesIO()
            render.save(fig, svg, "svg")
            sizes_kb.append(len(svg.getvalue()) / 1000)
        times: list[list[float]] = [[] for _ in figures]
        for r in range(repeat):
            order = list(range(len(figures)))
            for i in order[r % len(order):] + order[:r % len(order)]:
                start = time.perf_counter()
                render.save(figures[i], io.BytesIO(), "png")
                times[i].append(time.perf_counter() - start)
        draw = [statistics.median(t) for t in times]
        label = "cyclic, 10^4 cycles" if kind == "cyclic" else "cosine"
        steps = ", ".join(f"10^{round(math.log10(n))}" for n in sizes)
        ratio = draw[-1] / draw[0]
        report.add(section, f"{label}: PNG drawing time at {steps} steps",
                   " / ".join(seconds(d) for d in draw), "",
                   f"{ratio:.2f}x (largest / smallest)", "flat (<= 1.5x)", ratio <= 1.5)
        report.add(section, f"{label}: SVG size at {steps} steps",
                   " / ".join(f"{s:.0f} kB" for s in sizes_kb), "", "", "<= 200 kB",
                   max(sizes_kb) <= 200)


# -- main ---------------------------------------------------------------------------------------------

SECTIONS = ("engine", "startup", "figure", "scale", "bounded")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes (10^5 engine steps, 10^7 long runs), fewer rounds")
    parser.add_argument("--only", help="comma list of sections: " + ", ".join(SECTIONS))
    parser.add_argument("--rounds", type=int, help="repetitions per measurement")
    parser.add_argument("--doc", type=Path,
                        help="write the table into this markdown file, between <!-- benchmark --> "
                             "markers")
    parser.add_argument("--marker", default="benchmark",
                        help="with --doc: the markers' name, <!-- NAME --> (several tables in one "
                             "file: the engine rows of some --kinds in their own section)")
    parser.add_argument("--no-torch", action="store_true", help="skip torch even if installed")
    parser.add_argument("--kinds", help="engine: only the kinds starting with these (comma "
                        "list: deepspeed.,megatron.,exponential)")
    parser.add_argument("--real-rounds", type=int, help="engine: rounds of the real "
                        "implementation, each interleaved with lrplot's (default 5, quick 3)")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else set(SECTIONS)
    if only - set(SECTIONS):
        parser.error(f"--only: unknown sections {sorted(only - set(SECTIONS))}")
    quick = args.quick
    rounds = args.rounds or (3 if quick else 7)
    with_torch = torch_available() and not args.no_torch
    info = machine()
    print(f"machine: {info}\n", flush=True)
    report = Report()
    work = Path(tempfile.mkdtemp(prefix="lrplot-bench-"))
    started = time.perf_counter()
    try:
        if "startup" in only:
            startup(report, max(rounds, 5) * 2, work)
        if "figure" in only:
            one_figure(report, rounds, work, with_torch)
        if "engine" in only:
            n = 10**5 if quick else 10**6
            torch_step = engine(report, n, args.real_rounds or (3 if quick else 5), rounds,
                                args.kinds.split(",") if args.kinds else None, with_torch)
            if not args.kinds:
                sweep(report, [10**3, 10**4, n], 100, max(1, rounds // 2), torch_step)
        if "bounded" in only:
            bounded(report, [10**6, 10**7] if quick else [10**6, 10**7, 10**8], max(rounds, 7))
        if "scale" in only:
            scale(report, 10**7 if quick else 10**8, 1 if quick else 3, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    command = "python benchmarks/run.py" + (" --quick" if quick else "") + \
        (f" --only {args.only}" if args.only else "") + \
        (f" --kinds {args.kinds}" if args.kinds else "") + \
        (f" --real-rounds {args.real_rounds}" if args.real_rounds else "")
    after = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    text = (f"`{command}` ({elapsed / 60:.1f} min, {rounds} rounds; medians)\n\n"
            f"Machine: {info}; at the end: {after}\n" + report.markdown())
    print("\n" + text)
    if args.doc:
        _write_doc(args.doc, text, args.marker)


def _write_doc(path: Path, text: str, name: str = "benchmark") -> None:
    marker = f"<!-- {name} -->"
    content = path.read_text() if path.exists() else f"{marker}\n{marker}\n"
    head, _, rest = content.partition(marker)
    _, _, tail = rest.partition(marker)
    path.write_text(f"{head}{marker}\n{text}{marker}{tail}")


if __name__ == "__main__":
    main()
