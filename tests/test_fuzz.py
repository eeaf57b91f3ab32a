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
from lrplot import compute, schedules, spec, yamlio
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
                values = compute.values(c)
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


# -- hostile text: labels and titles ----------------------------------------------------------------

LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
HOSTILE_TEXT = st.lists(st.one_of(
    st.text(alphabet=st.characters(max_codepoint=0x30ff, exclude_categories=["Cs"]), max_size=8),
    st.sampled_from([*LINE_BREAKS, "\r\n", "\x00", "\x1b[31m", "\x7f", "\\", "'''", '"""', "#",
                     "import os; os.system('touch pwned')", "__import__('os')", "</text>",
                     "<![CDATA[", "&amp;", "]]>", "$\\frac{1}{0}$", "${", "{}", "%s", "\t"])),
    max_size=6).map("".join)


def _quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar: every character escaped, so that any string
    (line breaks, controls) reaches lrplot exactly."""
    return '"' + "".join(f"\\U{ord(c):08x}" for c in text) + '"'


@settings(FUZZ, max_examples=60)
@given(label=HOSTILE_TEXT, title=HOSTILE_TEXT)
def test_hostile_labels_never_change_the_emitted_code(label, title, tmp_path_factory):
    import ast

    work = tmp_path_factory.mktemp("code")

    def code(label_text: str, title_text: str) -> str:
        path = work / "c.yaml"
        path.write_text(f"title: {_quoted(title_text)}\ncurves: [{{type: cosine, T_max: 5, "
                        f"steps: 4, label: {_quoted(label_text)}}}]\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["code", str(path)])
        assert_clean(result, (label, title))
        return result.stdout if result.exit_code == 0 else ""

    with no_hang():
        emitted = code(label, title)
        if not emitted:
            event("refused")
            return
        benign = code("x", "x")
    def shape(source: str) -> str:  # the program without its string data (labels are data)
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                node.value = ""
        return ast.dump(tree)

    assert shape(emitted) == shape(benign), (label, emitted)
    assert len(emitted.splitlines()) == len(benign.splitlines())


@settings(FUZZ, max_examples=25)
@given(label=HOSTILE_TEXT, title=HOSTILE_TEXT)
def test_hostile_titles_give_well_formed_svg(label, title, tmp_path_factory):
    import xml.dom.minidom

    work = tmp_path_factory.mktemp("svg")
    path = work / "c.yaml"
    path.write_text(f"title: {_quoted(title)}\ncurves: [{{type: cosine, T_max: 5, steps: 8, "
                    f"label: {_quoted(label)}}}]\n", encoding="utf-8")
    with no_hang():
        result = CliRunner().invoke(main, ["compare", str(path), "-o", str(work / "o.svg")])
    assert_clean(result, (label, title))
    if result.exit_code == 0:
        xml.dom.minidom.parse(str(work / "o.svg"))  # raises on a control character
        event("drawn")


# -- hostile data files -----------------------------------------------------------------------------

CELLS = st.one_of(
    st.sampled_from(["0", "1", "0.1", "1e-3", "nan", "inf", "-inf", "1e19", "1e400", "-1", "",
                     " ", "x", "SECRET-TOKEN", '"', '"a,b"', "1.5", "0x10", "1_0", "\ufeff"]),
    st.integers(0, 10**20).map(str), st.floats().map(repr),
    st.text(max_size=5))


@st.composite
def csv_bytes(draw) -> bytes:
    header = draw(st.sampled_from([["step", "lr"], ["lr"], ["Wall time", "Step", "Value"],
                                   ["epoch", "loss"], ["a", "b", "c"], [], ["step", "lr", "lr"]]))
    rows = draw(st.lists(st.lists(CELLS, max_size=4), max_size=12))
    text = "\n".join(",".join(row) for row in [header, *rows]) + draw(st.sampled_from(["", "\n"]))
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 4)) == 0:  # a byte that is not UTF-8, somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\r"])) + data[at:]
    return data


@settings(FUZZ, max_examples=80)
@given(data=csv_bytes(), key=st.sampled_from(["data", "plateau"]),
       command=st.sampled_from(["validate", "compare", "stats"]))
def test_hostile_data_files_are_refused_cleanly_and_briefly(data, key, command,
                                                            tmp_path_factory):
    work = tmp_path_factory.mktemp("data")
    (work / "log.csv").write_bytes(data)
    curve = "{type: data, path: log.csv}" if key == "data" else \
        "{type: plateau, metric_file: log.csv}"
    (work / "c.yaml").write_text(f"curves: [{curve}]\n")
    args = [command, str(work / "c.yaml")] + (["-o", str(work / "o.csv")]
                                              if command == "compare" else [])
    with no_hang():
        result = CliRunner().invoke(main, args, env=SMALL)
    event(f"{command} exits {result.exit_code}")
    assert_clean(result, data)
    if result.exit_code:
        for line in result.stderr.splitlines():  # excerpts only, never the file
            assert len(line) < 400 + len(str(work)), line


# -- hostile expressions ----------------------------------------------------------------------------

@st.composite
def deep_expressions(draw) -> str:
    """Nesting near and beyond every depth limit, within the length cap."""
    depth = draw(st.integers(0, 260))
    opener, closer = draw(st.sampled_from([("-", ""), ("(", ")"), ("(-", ")"), ("abs(", ")"),
                                           ("+", ""), ("not ", ""), ("min(1,", ")"),
                                           ("1+(", ")"), ("2**(", ")")]))
    core = draw(st.sampled_from(["x", "epoch", "0.5", "1/(epoch-3)", "epoch ** 99"]))
    return (opener * depth + core + closer * depth)[:draw(st.integers(1, 520))]


@settings(FUZZ, max_examples=80)
@given(expression=deep_expressions(),
       where=st.sampled_from(["flag", "yaml", "api", "child"]))
def test_deep_expressions_never_get_a_traceback(expression, where, tmp_path_factory):
    work = tmp_path_factory.mktemp("expr")
    with no_hang():
        if where == "api":
            try:
                lrplot.schedule("lambda", steps=6, lr_lambda=expression)
            except spec.SpecError:
                event("refused")
            return
        if where == "flag":
            args = ["lambda", "--lr-lambda", expression, "--steps", "6"]
        else:
            quoted = _quoted(expression)
            curve = f"{{type: lambda, lr_lambda: {quoted}}}" if where == "yaml" else \
                f"{{type: sequential, milestones: [3], schedulers: [{{type: lambda, " \
                f"lr_lambda: {quoted}}}, {{type: cosine, T_max: 5}}]}}"
            (work / "c.yaml").write_text(f"steps: 6\ncurves: [{curve}]\n")
            args = ["compare", str(work / "c.yaml")]
        result = CliRunner().invoke(main, [*args, "-o", str(work / "o.csv")])
    event(f"{where}: exit {result.exit_code}")
    assert_clean(result, expression)


# -- hostile output targets -------------------------------------------------------------------------

TARGETS = ["new", "regular-0600", "symlink", "dangling-symlink", "directory", "fifo", "null",
           "full", "socket", "config"]


@settings(FUZZ, max_examples=60)
@given(target=st.sampled_from(TARGETS), fmt=st.sampled_from(["csv", "json", "svg", "png"]),
       command=st.sampled_from(["kind", "compare", "schema"]))
def test_hostile_output_targets_are_never_replaced(target, fmt, command, tmp_path_factory):
    import os
    import socket
    import stat
    import threading

    work = tmp_path_factory.mktemp("target")
    (work / "c.yaml").write_text("curves: [{type: cosine, T_max: 5, steps: 6}]\n")
    out = work / "out"
    server = None
    if target == "regular-0600":
        out.write_text("old")
        out.chmod(0o600)
    elif target in ("symlink", "dangling-symlink"):
        if target == "symlink":
            (work / "real").write_text("old")
        out.symlink_to("real")
    elif target == "directory":
        out.mkdir()
    elif target == "fifo":
        os.mkfifo(out)
        threading.Thread(target=out.read_bytes, daemon=True).start()
    elif target in ("null", "full"):
        try:
            os.mknod(out, 0o666 | stat.S_IFCHR, os.makedev(1, 3 if target == "null" else 7))
        except PermissionError:
            return
    elif target == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(out))
    elif target == "config":
        out = work / "c.yaml"
    kind_before = stat.S_IFMT(os.lstat(out).st_mode) if os.path.lexists(out) else None
    args = {"kind": ["cosine", "--t-max", "5", "--steps", "6"],
            "compare": ["compare", str(work / "c.yaml")], "schema": ["schema"]}[command]
    args = args + ["-o", str(out)] + (["--format", fmt] if command != "schema" else [])
    try:
        with no_hang():
            result = CliRunner().invoke(main, args)
    finally:
        if server is not None:
            server.close()
    event(f"{target}: exit {result.exit_code}")
    assert_clean(result, args)
    if kind_before is not None:
        assert stat.S_IFMT(os.lstat(out).st_mode) == kind_before, (target, result.output)
    if target == "regular-0600":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    if target == "config" and command == "compare":  # the input of this very command
        assert out.read_text().startswith("curves:"), result.output
    assert not [p.name for p in work.iterdir() if p.name.startswith(".lrplot-")]


# -- limits from the environment ---------------------------------------------------------------------

LIMIT_VALUES = st.sampled_from(["", "1", "2", "10", "1e3", "1e15", "1e400", "0", "-1", "1.5",
                                "nan", "inf", "lots", " 5 ", "1_000", "0x10"])


@settings(FUZZ, max_examples=60)
@given(limits=st.dictionaries(st.sampled_from(
    ["LRPLOT_MAX_STEPS", "LRPLOT_MAX_POINTS", "LRPLOT_MAX_CURVES", "LRPLOT_MAX_TEXT",
     "LRPLOT_MAX_PANELS", "LRPLOT_MAX_PIXELS", "LRPLOT_MAX_DATA_ROWS",
     "LRPLOT_MAX_CONFIG_BYTES"]), LIMIT_VALUES, max_size=3),
    fmt=st.sampled_from(["csv", "png"]))
def test_any_limit_setting_gives_a_clean_answer(limits, fmt, tmp_path_factory):
    work = tmp_path_factory.mktemp("limits")
    (work / "m.csv").write_text("loss\n1.0\n0.9\n0.95\n")
    (work / "c.yaml").write_text(
        "title: a title\npanels:\n  - curves: [{type: exponential, sweep: {gamma: [0.9, 0.8]}, "
        "steps: 20, label: some label}]\n  - curves: [{type: plateau, metric_file: m.csv}]\n")
    with no_hang():
        result = CliRunner().invoke(main, ["compare", str(work / "c.yaml"), "-o",
                                           str(work / f"o.{fmt}")], env=limits)
    event(f"exit {result.exit_code}")
    assert_clean(result, limits)
    assert (work / f"o.{fmt}").exists() == (result.exit_code == 0)
