"""lrplot against its alternatives, measured side by side in one run: a table of ratios.

    python benchmarks/run.py             # the full run (several minutes)
    python benchmarks/run.py --quick     # smaller sizes and fewer repetitions (about a minute)
    python benchmarks/run.py --only engine,startup --doc docs/performance.md

Every target of issue 6 is a row: lrplot's time (or memory, or size) next to the alternative's,
measured in the same run and interleaved round by round (the machine is shared and noisy), as
medians. Whole processes where start-up matters, in-process timings for the engine. The
alternatives are real programs: stepping torch's own scheduler (when torch is importable), plain
numpy + pyplot scripts drawing the same figure, a torch + pyplot script, and numpy's bare
evaluation of the same values (benchmarks/alternatives/). ``--doc`` writes the table into a
markdown file between ``<!-- benchmark -->`` markers.

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


def timed(function: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``function()`` over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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


# -- 1. engine: lrplot's kernels against stepping torch ------------------------------------------


def engine_cases(n: int) -> dict[str, tuple[str, dict[str, Any]]]:
    """One realistic parameter set per torch kind, for a run of ``n`` steps."""
    return {
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


def _torch_stepper(kind: str, params: dict[str, Any], n: int) -> Callable[[], Any]:
    sys.path.insert(0, str(ROOT / "tests"))
    import torch
    import torch_oracle

    def step_torch():
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


def engine(report: Report, n: int, repeat: int, with_torch: bool) -> float | None:
    """Each torch kind: lrplot against stepping torch's scheduler. Returns torch's time per step
    of ExponentialLR (for the sweep estimate), or None without torch."""
    import numpy as np

    import lrplot
    from lrplot import schedules

    known = {k.name for k in schedules.all_kinds() if k.framework == "torch"}
    cases = engine_cases(n)
    torch_step = None
    covered = {kind for kind, _ in cases.values()}
    for name, (kind, params) in cases.items():
        if kind not in known:
            continue
        evaluate = lambda: lrplot.schedule(kind, steps=n, **params)  # noqa: E731
        lr = evaluate()  # warm: imports, expression parsing
        ours = timed(evaluate, repeat)
        target = 20 if "eta_min" in name else 100  # the recursion only a sequence reproduces
        if not with_torch:
            report.add("Engine", f"{name}, 10^{round(math.log10(n))} steps", seconds(ours),
                       "torch absent", "", f">= {target}x", None)
            continue
        step_torch = _torch_stepper(kind, params, n)
        start = time.perf_counter()
        expected = np.array(step_torch())
        theirs = time.perf_counter() - start
        if kind == "exponential":
            torch_step = theirs / n
        scale = np.maximum(np.abs(expected), 1e-300)
        parity = float(np.max(np.abs(lr - expected) / scale))
        ratio = theirs / ours
        report.add("Engine", f"{name}, 10^{round(math.log10(n))} steps (parity {parity:.0e})",
                   seconds(ours), f"torch {seconds(theirs)}", f"{ratio:.0f}x faster",
                   f">= {target}x", ratio >= target and parity <= 1e-12)
    for kind in sorted(known - covered):
        report.add("Engine", f"{kind}: no benchmark case yet", "", "", "", "", None)
    if "chained" in known:
        loop_stepped(report, n, repeat, with_torch)
    return torch_step


LOOP_CHILDREN = [{"type": "linear", "start_factor": 0.001, "total_iters": 500, "interval": "step"},
                 {"type": "multistep", "milestones": [8, 11], "gamma": 0.1, "interval": "epoch"}]
"""mmdetection's 1x schedule: a warm-up stepped every iteration, MultiStepLR every epoch."""


def loop_stepped(report: Report, n: int, repeat: int, with_torch: bool) -> None:
    """A chained schedule whose children the training loop steps at their own intervals,
    against the two torch schedulers stepped that way (scheduler steps only, no optimizer)."""
    import numpy as np

    import lrplot

    spe = max(1, n // 12)  # twelve epochs
    name = f"chained, children per iteration and per epoch (mmdetection 1x), " \
           f"10^{round(math.log10(n))} steps"
    evaluate = lambda: lrplot.schedule("chained", steps=n, steps_per_epoch=spe,  # noqa: E731
                                       schedulers=LOOP_CHILDREN)
    lr = evaluate()
    ours = timed(evaluate, repeat)
    if not with_torch:
        report.add("Engine", name, seconds(ours), "torch absent", "", ">= 100x", None)
        return
    import torch
    from torch.optim import lr_scheduler

    def step_torch() -> list[float]:
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
                if (i + 1) % spe == 0:
                    per_epoch.step()
        return out

    start = time.perf_counter()
    expected = np.array(step_torch())
    theirs = time.perf_counter() - start
    parity = float(np.max(np.abs(lr - expected) / np.maximum(np.abs(expected), 1e-300)))
    ratio = theirs / ours
    report.add("Engine", f"{name} (parity {parity:.0e})", seconds(ours),
               f"torch {seconds(theirs)}", f"{ratio:.0f}x faster", ">= 100x",
               ratio >= 100 and parity <= 1e-12)


def family_cases(n: int) -> dict[str, tuple[str, dict[str, Any], str]]:
    """One realistic parameter set per kind of the trainer families, for ``n`` steps, with the
    oracle (tests/frameworks_oracle.py) that steps the real implementation."""
    return {
        "WarmupLR (log)": ("deepspeed.warmup", {"warmup_num_steps": n // 100}, "deepspeed"),
        "WarmupDecayLR": ("deepspeed.warmup_decay", {"total_num_steps": n,
                                                     "warmup_num_steps": n // 100}, "deepspeed"),
        "WarmupCosineLR": ("deepspeed.warmup_cosine", {"total_num_steps": n,
                                                       "warmup_num_steps": n // 100},
                           "deepspeed"),
        "OneCycle (decay)": ("deepspeed.one_cycle", {
            "cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": n // 4,
            "decay_step_size": 1000, "decay_lr_rate": 0.01}, "deepspeed"),
        "LRRangeTest": ("deepspeed.range_test", {"lr_range_test_step_size": 1000}, "deepspeed"),
        "Megatron cosine (samples, warm-up fraction)": ("megatron.param_scheduler", {
            "lr_decay_steps": n * 512, "lr_warmup_steps": 0.01 * n * 512, "increment": 512,
            "lr_decay_style": "cosine", "min_lr": 1e-5}, "megatron"),
        "Megatron WSD (exponential)": ("megatron.param_scheduler", {
            "lr_decay_steps": n, "lr_warmup_steps": n // 100, "lr_decay_style": "WSD",
            "wsd_decay_steps": n // 5}, "megatron"),
        "Megatron inverse-square-root": ("megatron.param_scheduler", {
            "lr_decay_steps": n, "lr_warmup_steps": n // 100,
            "lr_decay_style": "inverse-square-root"}, "megatron"),
    }


def families(report: Report, n: int, repeat: int) -> None:
    """DeepSpeed's and Megatron-core's kinds: lrplot against stepping the real scheduler (each
    family skipped when its library is not installed)."""
    import importlib.util

    import numpy as np

    import lrplot

    sys.path.insert(0, str(ROOT / "tests"))
    import frameworks_oracle

    modules = {"deepspeed": "deepspeed", "megatron": "megatron.core"}
    for name, (kind, params, family) in family_cases(n).items():
        evaluate = lambda: lrplot.schedule(kind, steps=n, base_lr=1e-3, **params)  # noqa: E731
        lr = evaluate()
        ours = timed(evaluate, repeat)
        label = f"{name}, 10^{round(math.log10(n))} steps"
        try:
            present = importlib.util.find_spec(modules[family]) is not None
        except ModuleNotFoundError:
            present = False
        if not present:
            report.add("Families", label, seconds(ours), f"{family} absent", "", ">= 100x", None)
            continue
        oracle = getattr(frameworks_oracle, f"{family}_lrs")
        start = time.perf_counter()
        expected = np.asarray(oracle(kind, n, 1e-3, params))
        theirs = time.perf_counter() - start
        scale = np.maximum(np.abs(expected), 1e-300)
        parity = float(np.max(np.abs(lr - expected) / scale))
        ratio = theirs / ours
        report.add("Families", f"{label} (parity {parity:.0e})", seconds(ours),
                   f"{family} {seconds(theirs)}", f"{ratio:.0f}x faster", ">= 100x",
                   ratio >= 100 and parity <= 1e-12)


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

def trainers(report: Report, n: int, repeat: int) -> None:
    """The schedules that live in trainers against their own code stepped ``n`` times:
    torchtitan's LambdaLR (when torchtitan is installed) and nanoGPT's get_lr loop (a verbatim
    copy, tests/trainers_oracle.py)."""
    import numpy as np

    import lrplot

    sys.path.insert(0, str(ROOT / "tests"))
    import trainers_oracle as oracle

    cases = {
        "torchtitan.wsd (cosine, decay_ratio 0.2)": (
            "torchtitan.wsd", {"training_steps": n, "warmup_steps": n // 50, "decay_ratio": 0.2,
                               "decay_type": "cosine", "min_lr_factor": 0.1},
            oracle.torchtitan_lrs),
        "nanogpt.cosine (train.py defaults)": (
            "nanogpt.cosine", {"warmup_iters": n // 300, "lr_decay_iters": n},
            oracle.nanogpt_lrs),
    }
    for name, (kind, params, real) in cases.items():
        label = f"{name}, 10^{round(math.log10(n))} steps"
        evaluate = lambda: lrplot.schedule(kind, steps=n, base_lr=6e-4, **params)  # noqa: E731
        lr = evaluate()
        ours = timed(evaluate, repeat)
        try:
            start = time.perf_counter()
            expected = real(kind, n, 6e-4, params)
            theirs = time.perf_counter() - start
        except ImportError:
            report.add("Trainers", label, seconds(ours), "absent", "", ">= 100x", None)
            continue
        parity = float(np.max(np.abs(lr - expected) / np.maximum(np.abs(expected), 1e-300)))
        ratio = theirs / ours
        report.add("Trainers", f"{label} (parity {parity:.0e})", seconds(ours),
                   f"real {seconds(theirs)}", f"{ratio:.0f}x faster", ">= 100x",
                   ratio >= 100 and parity <= 1e-12)


SECTIONS = ("engine", "families", "startup", "figure", "scale", "bounded", "trainers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes (10^5 engine steps, 10^7 long runs), fewer rounds")
    parser.add_argument("--only", help="comma list of sections: " + ", ".join(SECTIONS))
    parser.add_argument("--rounds", type=int, help="repetitions per measurement")
    parser.add_argument("--doc", type=Path,
                        help="write the table into this markdown file, between <!-- benchmark --> "
                             "markers")
    parser.add_argument("--no-torch", action="store_true", help="skip torch even if installed")
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
            torch_step = engine(report, n, rounds, with_torch)
            sweep(report, [10**3, 10**4, n], 100, max(1, rounds // 2), torch_step)
        if "families" in only:
            families(report, 10**5 if quick else 10**6, rounds)
        if "trainers" in only:
            trainers(report, 10**5 if quick else 10**6, rounds)
        if "bounded" in only:
            bounded(report, [10**6, 10**7] if quick else [10**6, 10**7, 10**8], max(rounds, 7))
        if "scale" in only:
            scale(report, 10**7 if quick else 10**8, 1 if quick else 3, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    command = "python benchmarks/run.py" + (" --quick" if quick else "") + \
        (f" --only {args.only}" if args.only else "")
    text = (f"`{command}` ({elapsed / 60:.1f} min, {rounds} rounds; medians)\n\n"
            f"Machine: {info}\n" + report.markdown())
    print("\n" + text)
    if args.doc:
        _write_doc(args.doc, text)


def _write_doc(path: Path, text: str) -> None:
    marker = "<!-- benchmark -->"
    content = path.read_text() if path.exists() else f"{marker}\n{marker}\n"
    head, _, rest = content.partition(marker)
    _, _, tail = rest.partition(marker)
    path.write_text(f"{head}{marker}\n{text}{marker}{tail}")


if __name__ == "__main__":
    main()
