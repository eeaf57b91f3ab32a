"""Property-based fuzzing: no input, however broken, gets a traceback or a hang; every valid
spec gives finite values.

- random YAML documents (structured ones built from lrplot's own vocabulary, raw text from the
  characters YAML cares about, and mutations of the shipped configs) through the validate path
  and, when valid, through ``lrplot compare``;
- random command lines for random kinds (flags, values, junk) through the CLI;
- random *valid* specs drawn from each kind's Param table: their values are finite (or the run
  is refused, naming the step where the schedule overflows).

Every example runs under an alarm: a hang fails the test instead of stalling the suite.
Examples are modest in number and size so that the whole file runs in well under a minute.
"""

from __future__ import annotations

import csv
import json
import math
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

import lrplot
from lrplot import schedules, spec, yamlio
from lrplot.cli import main
from lrplot.cli.config import check_config
from lrplot.params import COMMON_PARAMS, Param

ROOT = Path(__file__).resolve().parents[1]
CONFIG_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "configs").glob("*.yaml"))]
KINDS = schedules.all_kinds()
HANG = 20  # seconds one example may take before it counts as a hang
SMALL = {"LRPLOT_MAX_STEPS": "20000", "LRPLOT_MAX_POINTS": "60000"}  # keep rendering fast

FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                # no shrinking: a failing example is reported as found, so that a hang (which
                # costs HANG seconds per try) cannot turn into minutes of shrinking
                phases=[Phase.explicit, Phase.reuse, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture,
                                       HealthCheck.filter_too_much])


@contextmanager
def no_hang(seconds: int = HANG):
    def alarm(signum, frame):
        # re-armed first: an exception raised where Python swallows it (a __del__, a weakref
        # callback) must not leave the hang running with no alarm left
        signal.alarm(1)
        raise AssertionError(f"no answer after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_clean(result, context) -> None:
    """Exit 0, 1 or 2 with a message; never an exception escaping click, never a traceback."""
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), (context, repr(result.exception),
                                                          result.output)
    assert "Traceback" not in result.output, (context, result.output)
    assert result.exit_code in (0, 1, 2), (context, result.exit_code, result.output)
    if result.exit_code:
        assert result.stderr.strip(), (context, "failed without a message")


# -- random YAML documents --------------------------------------------------------------------

KEYS = sorted({*spec.FIGURE_KEYS, *spec.PANEL_KEYS, *spec.CURVE_KEYS, "gamma", "T_max", "t_max",
               "t-max", "eta_min", "milestones", "step_size", "max_lr", "mode", "schedulers",
               "lr_lambda", "factor", "total_iters", "metric", "metric_file", "path", "<<",
               "titel", "t_mx", "", "1"})
TYPES = [k.name for k in KINDS[:16]] + ["CosineAnnealingLR", "cosin", "data", "hf.cosine", ""]
SCALARS = st.one_of(
    st.integers(-5, 500), st.integers(10**9, 10**13), st.floats(allow_nan=True),
    st.sampled_from(["yes", "no", "on", "off", "3e-4", "1e-3", "nan", ".inf", "0x10", "1_000",
                     "0.95 ** epoch", "epoch +", "__import__('os')", "a, b", "", "~", "[", "{"]),
    st.booleans(), st.none(), st.sampled_from(TYPES))


def mappings(children):
    return st.dictionaries(st.sampled_from(KEYS), children, max_size=6)


DOCS = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), mappings(children),
    st.builds(lambda t, rest: {"type": t, **rest}, st.sampled_from(TYPES), mappings(children))),
    max_leaves=25)


def figure_like(draw) -> str:
    data = draw(st.one_of(
        DOCS,
        st.builds(lambda curves, extra: {"curves": curves, **extra}, st.lists(DOCS, max_size=3),
                  mappings(SCALARS)),
        st.builds(lambda panels: {"panels": panels},
                  st.lists(st.builds(lambda c: {"curves": c}, st.lists(DOCS, max_size=2)),
                           max_size=2))))
    return yaml.safe_dump(data, default_flow_style=draw(st.booleans()), allow_unicode=True)


YAML_CHARS = st.sampled_from(list(":-[]{},#&*!|>'\"%@`?\t\n ") + ["\n  ", "- ", ": ", "&a ", "*a",
                                                                 "!!", "---\n", "type", "cosine",
                                                                 "T_max", "5", "1e9", ".nan"])


@st.composite
def yaml_texts(draw) -> str:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return figure_like(draw)
    if kind == 1:
        return "".join(draw(st.lists(YAML_CHARS, max_size=60)))
    text = draw(st.sampled_from(CONFIG_TEXTS))  # a real config, damaged
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 12))
        text = text[:at] + draw(st.sampled_from(["", "\t", ":", "- ", "[", "}", "&x", "*x", "'",
                                                 "\n", "yes", "0", "-1", "nan", "!!python/x "
                                                 ])) + text[at + cut:]
    return text


@FUZZ
@given(text=yaml_texts())
def test_random_yaml_never_gets_a_traceback(text, tmp_path_factory, monkeypatch):
    work = tmp_path_factory.mktemp("fuzz")
    path = work / "c.yaml"
    path.write_text(text, encoding="utf-8")
    for name, value in SMALL.items():
        monkeypatch.setenv(name, value)
    with no_hang():
        problems, figure = check_config(str(path))  # the validate path: must not raise
        assert all(isinstance(p, str) and p for p in problems)
        if figure is None:
            assert problems
            event("refused by validate")
            return
        result = CliRunner().invoke(main, ["compare", str(path), "-o", str(work / "out.csv")])
    event(f"valid; compare exits {result.exit_code}")
    assert_clean(result, text)
    assert (work / "out.csv").exists() == (result.exit_code == 0), result.output


# -- random command lines -------------------------------------------------------------------------

VALUES = st.one_of(
    st.integers(-3, 400).map(str), st.floats(-2, 1e4, allow_nan=False).map(repr),
    st.sampled_from(["0", "1", "0.5", "1e9", "1e400", "-1e400", "nan", "inf", "-inf", "", ",",
                     "1,2", "5,0", "0.9,0.95", "yes", "true", "none", "abc", "1:0.5,2:0.1",
                     "0.95 ** epoch", "epoch / 0", "__import__('os')", "triangular", "cos",
                     "[{type: constant}]", "[{type: linear}, {type: cosine, T_max: 5}]",
                     "[{", "8x5", "0x0", "-", "out.csv", "out.json", "out.txt", "dir"]))


def flag_text(p: Param, value) -> str:
    """A valid value as the command line writes it."""
    if p.type == "schedulers":
        return yaml.safe_dump(value, default_flow_style=True).strip()
    if p.type == "int_float_map":
        return ",".join(f"{k}:{v!r}" for k, v in value.items())
    if isinstance(value, list):
        return ",".join(repr(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else repr(value)


@st.composite
def command_lines(draw) -> list[str]:
    """Mostly plausible command lines (so that many succeed), with junk mixed in."""
    kind = draw(st.sampled_from(KINDS))
    args = [draw(st.sampled_from([kind.name, *kind.aliases]))]
    for p in kind.params:
        if p.type in ("path", "text") or not (p.required or draw(st.integers(0, 2)) == 0):
            continue
        if draw(st.integers(0, 5)) == 0:
            args += [p.flag, draw(VALUES)]  # junk
        elif draw(st.integers(0, 19)):  # now and then, a required flag is left out
            args += [p.flag, flag_text(p, draw(values_of(p)))]
    junk = ["--steps", "--base-lr", "--title", "--log-y", "--size", "--dpi", "--t-mx", "-o",
            *(p.flag for p in kind.params)]
    for _ in range(draw(st.integers(0, 2))):
        flag = draw(st.sampled_from(junk))
        args.append(flag)
        if flag != "--log-y" and draw(st.integers(0, 9)):
            args.append(draw(VALUES))
    if draw(st.booleans()):
        args += ["--steps", str(draw(st.integers(1, 500)))]
    if "-o" not in args:
        args += ["-o", draw(st.sampled_from(["out.csv", "out.json"]))]
    return args


@FUZZ
@given(args=command_lines())
def test_random_command_lines_never_get_a_traceback(args, tmp_path_factory, monkeypatch):
    work = tmp_path_factory.mktemp("flags")
    (work / "dir").mkdir()
    monkeypatch.chdir(work)
    before = sorted(p.name for p in work.iterdir())
    with no_hang():
        result = CliRunner().invoke(main, args, env=SMALL)
    event(f"exit {result.exit_code}")
    assert_clean(result, args)
    if result.exit_code:
        assert sorted(p.name for p in work.iterdir()) == before, (args, result.output)
    elif (work / "out.json").exists():  # what was written holds finite numbers only
        document = json.loads((work / "out.json").read_text())
        for panel in document["panels"]:
            for curve in panel["curves"]:
                assert all(math.isfinite(v) for v in curve["lr"]), (args, curve["label"])
    elif (work / "out.csv").exists():
        rows = list(csv.reader((work / "out.csv").read_text().splitlines()))[1:]
        assert all(math.isfinite(float(cell)) for row in rows for cell in row if cell), args


# -- random valid specs -----------------------------------------------------------------------

EXPRESSIONS = ["0.95 ** epoch", "min(1.0, (epoch + 1) / 10)", "1 / (1 + epoch)", "0.5",
               "cos(pi * epoch / 100) * 0.5 + 0.5", "max(0.1, 1 - epoch / 50)"]
CHILDREN = [{"type": "constant", "factor": 0.5, "total_iters": 3},
            {"type": "linear", "start_factor": 0.1, "total_iters": 5},
            {"type": "cosine", "T_max": 20}, {"type": "exponential", "gamma": 0.9},
            {"type": "step", "step_size": 7, "gamma": 0.5}]


def values_of(p: Param):
    """Values the declaration accepts (bounded magnitudes: big enough to matter, small enough
    that a few hundred steps stay representable)."""
    scalar = p.type.removesuffix("_list")
    if scalar in ("float", "int"):
        low = -100.0 if p.min is None else p.min
        high = low + 100.0 if p.max is None else p.max
        if scalar == "int":
            lo = math.ceil(low) + (1 if p.min_exclusive and low == math.ceil(low) else 0)
            hi = math.floor(high) - (1 if p.max_exclusive and high == math.floor(high) else 0)
            base = st.integers(lo, max(lo, min(hi, lo + 300)))
        else:
            base = st.floats(low, high, exclude_min=p.min_exclusive, exclude_max=p.max_exclusive,
                             allow_nan=False, allow_infinity=False)
        if p.type == "int_float_map":
            return st.dictionaries(st.integers(0, 300), base, max_size=3)
        return st.lists(base, max_size=4) if p.is_list else base
    if p.type == "int_float_map":
        return st.dictionaries(st.integers(0, 300), st.floats(0, 2), max_size=3)
    if p.type == "schedulers":
        return st.lists(st.sampled_from(CHILDREN), min_size=1, max_size=3)
    return {"bool": st.booleans(), "choice": st.sampled_from(list(p.choices) or [None]),
            "expr": st.sampled_from(EXPRESSIONS)}.get(scalar, st.nothing())


@st.composite
def valid_curves(draw):
    kind = draw(st.sampled_from(KINDS))
    curve = {"type": kind.name, "steps": draw(st.integers(1, 300)),
             "base_lr": draw(st.floats(1e-6, 10))}
    for p in kind.params:
        if p.type in ("path", "text"):
            continue  # files and free text: covered by their own tests
        if p.required or draw(st.booleans()):
            curve[p.key] = draw(values_of(p))
    return kind, curve


@FUZZ
@given(drawn=valid_curves())
def test_random_valid_specs_give_finite_values(drawn):
    kind, curve = drawn
    with no_hang():
        try:
            figure = lrplot.load({"curves": [curve]})
        except spec.SpecError:
            event("refused")
            return  # cross-parameter rules (and required files) refuse some combinations
        event("valid")
        import numpy as np

        for c in figure.curves:
            try:
                values = c.lr()
            except spec.SpecError as exc:  # refused while computing: the step is named
                assert "step" in str(exc) or "epoch" in str(exc), str(exc)
                event("refused while computing")
                continue
            assert values.shape == (c.steps,)
            assert np.isfinite(values).all(), (curve, values)


def test_the_fuzzers_cover_every_kind():
    covered = {k.name for k in KINDS}
    assert covered == {k.name for k in schedules.all_kinds()}
    assert all(p.name for p in COMMON_PARAMS)


@pytest.mark.parametrize("text", CONFIG_TEXTS[:1])
def test_the_alarm_guard_itself_works(text):
    with pytest.raises(AssertionError, match="a hang"), no_hang(1):
        while True:
            yamlio.loads(text)
