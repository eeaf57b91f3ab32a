"""The ``lrplot`` command line: commands, sweeps, output formats, exit codes and messages.

Everything runs in-process through click's CliRunner; files land in ``tmp_path``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import lrplot
from lrplot.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# One valid invocation per kind: (kind, class name, flags, the lr after 6 steps).
KINDS = [
    ("exponential", "ExponentialLR", ["--gamma", "0.5"],
     [0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125]),
    ("step", "StepLR", ["--step-size", "2", "--gamma", "0.5"],
     [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]),
    ("multistep", "MultiStepLR", ["--milestones", "2,4", "--gamma", "0.5"],
     [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]),
    ("cosine", "CosineAnnealingLR", ["--t-max", "2"],
     None),  # values checked against lrplot.schedule below
]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="lrplot")


def assert_clean_exit(result, code: int) -> None:
    """``code`` as exit status, and no Python exception escaped (so no traceback)."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# -- every command -------------------------------------------------------------------------------


def test_version():
    result = run("--version")
    assert_clean_exit(result, 0)
    assert result.stdout.strip() == f"lrplot, version {lrplot.__version__}"


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "lrplot", "--version"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert lrplot.__version__ in done.stdout


@pytest.mark.parametrize("kind, cls, flags, expected", KINDS, ids=[k[0] for k in KINDS])
def test_kind_command_default_output_in_cwd(tmp_path, monkeypatch, kind, cls, flags, expected):
    monkeypatch.chdir(tmp_path)
    result = run(kind, *flags, "--steps", "6")
    assert_clean_exit(result, 0)
    assert result.stdout == f"{kind}.png\n"
    assert (tmp_path / f"{kind}.png").read_bytes().startswith(PNG_MAGIC)
    assert [p.name for p in tmp_path.iterdir()] == [f"{kind}.png"]  # no temp file left over


@pytest.mark.parametrize("kind, cls, flags, expected", KINDS, ids=[k[0] for k in KINDS])
def test_kind_command_values(tmp_path, kind, cls, flags, expected):
    out = tmp_path / "lr.json"
    assert_clean_exit(run(kind, *flags, "--steps", "6", "-o", str(out)), 0)
    [panel] = read_json(out)["panels"]
    [curve] = panel["curves"]
    assert curve["schedule"]["type"] == kind
    if expected is None:  # cosine, T_max=2: down to 0 at step 2, back up to base_lr at step 4
        assert curve["lr"][0] == 0.1
        assert curve["lr"][2] == pytest.approx(0.0, abs=1e-15)
        assert curve["lr"][4] == pytest.approx(0.1)
        assert len(curve["lr"]) == 6
    else:
        assert curve["lr"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("kind, cls, flags, expected", KINDS, ids=[k[1] for k in KINDS])
def test_class_name_alias_is_the_same_schedule(tmp_path, monkeypatch, kind, cls, flags, expected):
    monkeypatch.chdir(tmp_path)
    assert_clean_exit(run(cls, *flags, "--steps", "6", "-o", "alias.csv"), 0)
    assert_clean_exit(run(kind, *flags, "--steps", "6", "-o", "short.csv"), 0)
    assert (tmp_path / "alias.csv").read_text() == (tmp_path / "short.csv").read_text()


def test_class_name_alias_from_the_design(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("CosineAnnealingLR", "--t-max", "150")
    assert_clean_exit(result, 0)
    written = result.stdout.strip()
    assert written == "cosine.png"
    assert (tmp_path / written).read_bytes().startswith(PNG_MAGIC)
    assert "steps: 301" in result.stderr  # 2*T_max+1, the default horizon


def test_compare_default_output_is_config_stem_in_cwd(tmp_path, monkeypatch):
    configs = tmp_path / "configs"
    configs.mkdir()
    write(configs / "decay.yaml", "steps: 20\ncurves: [{type: exponential, gamma: 0.9}]\n")
    write(configs / "cos.yaml", "steps: 20\ncurves: [{type: cosine, T_max: 10}]\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run("compare", str(configs / "decay.yaml"), str(configs / "cos.yaml"))
    assert_clean_exit(result, 0)
    assert result.stdout.splitlines() == ["decay.png", "cos.png"]
    assert sorted(p.name for p in work.iterdir()) == ["cos.png", "decay.png"]
    assert (work / "decay.png").read_bytes().startswith(PNG_MAGIC)
    assert sorted(p.name for p in configs.iterdir()) == ["cos.yaml", "decay.yaml"]


def test_compare_with_output_and_overrides(tmp_path):
    config = write(tmp_path / "fig.yaml",
                   "title: T\nsteps: 20\ncurves: [{type: exponential, gamma: 0.9}]\n")
    out = tmp_path / "fig.json"
    result = run("compare", str(config), "--steps", "7", "--base-lr", "0.5", "-o", str(out))
    assert_clean_exit(result, 0)
    assert result.stdout == f"{out}\n"
    [curve] = read_json(out)["panels"][0]["curves"]
    assert len(curve["lr"]) == 7
    assert curve["lr"][0] == 0.5
    assert curve["schedule"]["base_lr"] == 0.5


def test_compare_output_takes_one_config(tmp_path):
    a = write(tmp_path / "a.yaml", "curves: [{type: cosine, T_max: 5}]\n")
    b = write(tmp_path / "b.yaml", "curves: [{type: cosine, T_max: 6}]\n")
    result = run("compare", str(a), str(b), "-o", str(tmp_path / "x.png"))
    assert_clean_exit(result, 2)
    assert "-o" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_list_shows_every_kind_alias_and_parameter():
    result = run("list")
    assert_clean_exit(result, 0)
    text = result.stdout
    for kind, cls, *_ in KINDS:
        assert re.search(rf"^{kind}\b.*\b{cls}\b", text, re.M), kind
    for flag, key in [("--gamma", "gamma"), ("--step-size", "step_size"),
                      ("--milestones", "milestones"), ("--t-max", "t_max"),
                      ("--eta-min", "eta_min")]:
        assert re.search(rf"^\s+{flag}\s+{key}\s+\S", text, re.M), flag
    assert re.search(r"--t-max\s+t_max\s+an integer >= 1; required", text)
    assert re.search(r"--eta-min\s+eta_min\s+a finite number >= 0; default 0", text)
    assert re.search(r"--milestones\s+milestones\s+a list of integers >= 0; required", text)


# -- help ------------------------------------------------------------------------------------------


HELP_COMMANDS = [[], ["compare"], ["exponential"], ["step"], ["multistep"], ["cosine"],
                 ["CosineAnnealingLR"], ["list"]]


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=lambda c: " ".join(c) or "lrplot")
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_everywhere_with_examples(command, flag):
    result = run(*command, flag)
    assert_clean_exit(result, 0)
    assert result.stdout.startswith("Usage: lrplot")
    assert "Examples:" in result.stdout
    examples = result.stdout.split("Examples:", 1)[1]
    assert re.search(r"^\s+lrplot \S+", examples, re.M)


@pytest.mark.parametrize("command", ["code", "stats", "lint", "validate"])
def test_every_command_that_reads_sources_has_help(command):
    """lrplot code has no options of its own: its help has no empty Options section."""
    result = run(command, "-h")
    assert_clean_exit(result, 0)
    assert result.stdout.startswith(f"Usage: lrplot {command}")


def test_main_help_lists_commands_and_schedules():
    text = run("-h").stdout
    for name in ["compare", "list", "exponential", "step", "multistep", "cosine",
                 "CosineAnnealingLR"]:
        assert name in text


@pytest.mark.parametrize("kind, flags, accepted", [
    ("cosine", ["--t-max", "--eta-min"], ["An integer >= 1; required", "default: 0"]),
    ("multistep", ["--milestones", "--gamma"], ["A list of integers >= 0; required",
                                                "repeat the flag to sweep lists"]),
    ("step", ["--step-size", "--gamma"], ["default: 0.1"]),
])
def test_kind_help_is_generated_from_the_parameter_table(kind, flags, accepted):
    text = " ".join(run(kind, "-h").stdout.split())  # undo line wrapping
    for flag in flags + ["--steps", "--base-lr", "--output", "--title", "--log-y", "--size",
                         "--dpi"]:
        assert flag in text
    for words in accepted:
        assert words in text
    assert f"lrplot {kind} " in text  # its own examples


# -- sweeps ----------------------------------------------------------------------------------------


def curves_of(path: Path) -> list[dict]:
    return [c for p in read_json(path)["panels"] for c in p["curves"]]


@pytest.mark.parametrize("flags", [
    ["--gamma", "0.9,0.95,0.98"],
    ["--gamma", "0.9", "--gamma", "0.95", "--gamma", "0.98"],
    ["--gamma", "0.9,0.95", "--gamma", "0.98"],
], ids=["comma", "repeated", "mixed"])
def test_sweep_one_curve_per_value(tmp_path, flags):
    out = tmp_path / "s.json"
    assert_clean_exit(run("exponential", *flags, "--steps", "5", "-o", str(out)), 0)
    curves = curves_of(out)
    assert [c["label"] for c in curves] == ["gamma=0.9", "gamma=0.95", "gamma=0.98"]
    for curve, gamma in zip(curves, [0.9, 0.95, 0.98]):
        assert curve["schedule"] == {"type": "exponential", "gamma": gamma, "base_lr": 0.1}
        assert curve["lr"] == lrplot.schedule("exponential", steps=5, gamma=gamma).tolist()


def test_two_swept_flags_give_the_cartesian_product(tmp_path):
    out = tmp_path / "s.json"
    result = run("step", "--step-size", "2,3", "--gamma", "0.5", "--gamma", "0.9",
                 "--steps", "8", "-o", str(out))
    assert_clean_exit(result, 0)
    curves = curves_of(out)
    assert [c["label"] for c in curves] == [
        "step_size=2, gamma=0.5", "step_size=2, gamma=0.9",
        "step_size=3, gamma=0.5", "step_size=3, gamma=0.9"]
    for curve in curves:
        params = {k: v for k, v in curve["schedule"].items() if k != "type"}
        assert curve["lr"] == lrplot.schedule("step", steps=8, **params).tolist()


def test_swept_and_fixed_flags(tmp_path):
    out = tmp_path / "s.json"
    assert_clean_exit(run("cosine", "--t-max", "4,8", "--eta-min", "0.01", "--steps", "9",
                          "-o", str(out)), 0)
    curves = curves_of(out)
    assert [c["label"] for c in curves] == ["T_max=4", "T_max=8"]
    assert all(c["schedule"]["eta_min"] == 0.01 for c in curves)


def test_list_parameter_takes_a_comma_list(tmp_path):
    out = tmp_path / "m.json"
    assert_clean_exit(run("multistep", "--milestones", "200,300", "--steps", "400",
                          "-o", str(out)), 0)
    [curve] = curves_of(out)
    assert curve["schedule"] == {"type": "multistep", "milestones": [200, 300], "gamma": 0.1,
                                 "base_lr": 0.1}
    lr = curve["lr"]
    assert lr[199] == 0.1 and lr[200] == pytest.approx(0.01) and lr[300] == pytest.approx(0.001)


def test_repeated_list_flag_sweeps_lists(tmp_path):
    out = tmp_path / "m.json"
    assert_clean_exit(run("multistep", "--milestones", "2,4", "--milestones", "3",
                          "--gamma", "0.5", "--steps", "6", "-o", str(out)), 0)
    curves = curves_of(out)
    assert [c["label"] for c in curves] == ["milestones=[2, 4]", "milestones=[3]"]
    assert [c["schedule"]["milestones"] for c in curves] == [[2, 4], [3]]
    assert curves[0]["lr"] == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    assert curves[1]["lr"] == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05]


def test_duplicate_milestones_compound(tmp_path):
    out = tmp_path / "m.json"
    assert_clean_exit(run("multistep", "--milestones", "2,2", "--gamma", "0.5", "--steps", "4",
                          "-o", str(out)), 0)
    [curve] = curves_of(out)
    assert curve["lr"] == [0.1, 0.1, 0.025, 0.025]


# -- output formats --------------------------------------------------------------------------------


def check_png(path: Path, steps: int) -> None:
    assert path.read_bytes().startswith(PNG_MAGIC)


def check_svg(path: Path, steps: int) -> None:
    root = ET.fromstring(path.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def check_pdf(path: Path, steps: int) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")


def check_csv(path: Path, steps: int) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert rows[0] == ["step", "gamma=0.9", "gamma=0.95"]
    assert len(rows) - 1 == steps
    assert [int(r[0]) for r in rows[1:]] == list(range(steps))
    for column, gamma in ((1, 0.9), (2, 0.95)):
        values = [float(r[column]) for r in rows[1:]]
        assert values == lrplot.schedule("exponential", steps=steps, gamma=gamma).tolist()


def check_json(path: Path, steps: int) -> None:
    document = read_json(path)
    assert set(document) == {"panels"}
    [panel] = document["panels"]
    assert set(panel) == {"title", "curves"}
    assert [set(c) for c in panel["curves"]] == [{"label", "schedule", "lr"}] * 2
    for curve, gamma in zip(panel["curves"], (0.9, 0.95)):
        assert curve["label"] == f"gamma={gamma}"
        assert curve["schedule"] == {"type": "exponential", "gamma": gamma, "base_lr": 0.1}
        assert len(curve["lr"]) == steps
        assert curve["lr"] == lrplot.schedule("exponential", steps=steps, gamma=gamma).tolist()


CHECKS = {"png": check_png, "svg": check_svg, "pdf": check_pdf, "csv": check_csv,
          "json": check_json}


@pytest.mark.parametrize("fmt", list(CHECKS))
def test_every_output_format(tmp_path, fmt):
    out = tmp_path / f"lr.{fmt}"
    result = run("exponential", "--gamma", "0.9,0.95", "--steps", "37", "-o", str(out))
    assert_clean_exit(result, 0)
    assert result.stdout == f"{out}\n"
    CHECKS[fmt](out, 37)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_suffix_is_case_insensitive(tmp_path):
    out = tmp_path / "LR.SVG"
    assert_clean_exit(run("cosine", "--t-max", "5", "-o", str(out)), 0)
    check_svg(out, 0)


def test_json_schedule_holds_defaults_and_base_lr(tmp_path):
    out = tmp_path / "c.json"
    assert_clean_exit(run("cosine", "--t-max", "150", "--base-lr", "0.3", "--steps", "400",
                          "-o", str(out)), 0)
    [curve] = curves_of(out)
    assert curve["schedule"] == {"type": "cosine", "T_max": 150, "eta_min": 0.0, "base_lr": 0.3}
    assert len(curve["lr"]) == 400 and curve["lr"][0] == 0.3


def test_multi_panel_csv_prefixes_columns_with_panel_titles(tmp_path):
    config = write(tmp_path / "f.yaml", """\
steps: 5
panels:
  - title: A
    curves: [{type: exponential, sweep: {gamma: [0.5, 0.9]}}]
  - title: B
    curves: [{type: cosine, T_max: 4, label: "x, y"}]
""")
    out = tmp_path / "f.csv"
    assert_clean_exit(run("compare", str(config), "-o", str(out)), 0)
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == ["step", "A: gamma=0.5", "A: gamma=0.9", "B: x, y"]
    assert len(rows) == 6


def test_size_and_dpi_set_png_pixels(tmp_path):
    out = tmp_path / "s.png"
    assert_clean_exit(run("cosine", "--t-max", "5", "--size", "4x3", "--dpi", "50",
                          "-o", str(out)), 0)
    data = out.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert struct.unpack(">II", data[16:24]) == (200, 150)


def test_title_and_log_y_reach_the_figure(tmp_path):
    out = tmp_path / "t.svg"
    assert_clean_exit(run("exponential", "--gamma", "0.5", "--steps", "10", "--log-y",
                          "--title", "My schedule", "-o", str(out)), 0)
    check_svg(out, 10)
    # Text is drawn as paths, but the SVG keeps each text's source in a comment.
    comments = set(re.findall(r"<!-- (.*?) -->", out.read_text()))
    assert "My schedule" in comments
    assert {"step", "learning rate"} <= comments
    assert r"$\mathdefault{10^{-3}}$" in comments  # a log-axis tick label


def test_base_lr(tmp_path):
    out = tmp_path / "b.json"
    assert_clean_exit(run("step", "--step-size", "2", "--gamma", "0.5", "--base-lr", "1",
                          "--steps", "4", "-o", str(out)), 0)
    assert curves_of(out)[0]["lr"] == [1.0, 1.0, 0.5, 0.5]


# -- the default-horizon note ----------------------------------------------------------------------


NOTE = re.compile(r"^steps: (\d+) \((.*); set steps to change\)$", re.M)


def test_default_horizon_note_on_stderr(tmp_path):
    out = tmp_path / "c.json"
    result = run("cosine", "--t-max", "150", "-o", str(out))
    assert_clean_exit(result, 0)
    assert result.stdout == f"{out}\n"  # the note is not on stdout
    [(steps, why)] = NOTE.findall(result.stderr)
    assert steps == "301" and "T_max" in why
    assert len(curves_of(out)[0]["lr"]) == 301


def test_no_note_when_steps_given(tmp_path):
    result = run("cosine", "--t-max", "150", "--steps", "10", "-o", str(tmp_path / "c.json"))
    assert_clean_exit(result, 0)
    assert result.stdout == f"{tmp_path / 'c.json'}\n"
    assert NOTE.search(result.stderr) is None


def test_compare_note_only_without_steps(tmp_path):
    a = write(tmp_path / "a.yaml", "curves: [{type: exponential, gamma: 0.5}]\n")
    result = run("compare", str(a), "-o", str(tmp_path / "a.json"))
    assert_clean_exit(result, 0)
    [(steps, _)] = NOTE.findall(result.stderr)
    assert len(curves_of(tmp_path / "a.json")[0]["lr"]) == int(steps)
    result = run("compare", str(a), "--steps", "3", "-o", str(tmp_path / "b.json"))
    assert_clean_exit(result, 0)
    assert NOTE.search(result.stderr) is None


# -- errors: exit codes, messages, nothing left behind ---------------------------------------------


BAD_YAML = "curves: [ {type: cosine, T_max: 5}\n"
UNKNOWN_KEY = "curves:\n  - {type: cosine, t_mx: 5}\n"

# (args, what stderr must contain); {cfg} is replaced by a config file with the given text.
USAGE_ERRORS = {
    "bad value": (["cosine", "--t-max", "abc"], ["--t-max", "an integer >= 1", "'abc'"]),
    "out of bounds": (["cosine", "--t-max", "0"], ["--t-max", "an integer >= 1", "got 0"]),
    "fractional int": (["step", "--step-size", "2.5"], ["--step-size", "an integer >= 1"]),
    "nan": (["exponential", "--gamma", "nan"], ["--gamma", "a finite number > 0"]),
    "inf": (["exponential", "--gamma", "inf"], ["--gamma", "a finite number > 0"]),
    "bad list item": (["multistep", "--milestones", "200,x"],
                      ["--milestones", "a list of integers >= 0", "'x'"]),
    "missing required": (["cosine"], ["--t-max", "needs T_max", "an integer >= 1"]),
    "bad steps": (["cosine", "--t-max", "5", "--steps", "0"], ["--steps", "an integer >= 1"]),
    "bad base-lr": (["cosine", "--t-max", "5", "--base-lr", "0"],
                    ["--base-lr", "a finite number > 0"]),
    "unknown kind": (["cosin", "--t-max", "5"],
                     ["'cosin'", "Did you mean 'cosine'?", "lrplot list"]),
    "unknown option": (["cosine", "--t-max", "5", "--bogus", "1"], ["--bogus"]),
    "near-miss option": (["cosine", "--t-mx", "5"], ["--t-mx", "--t-max"]),
    "bad suffix": (["cosine", "--t-max", "5", "-o", "{dir}/lr.txt"],
                   ["lr.txt", ".png", ".svg", ".pdf", ".csv", ".json"]),
    "no suffix": (["cosine", "--t-max", "5", "-o", "{dir}/lr"], ["lr", ".png"]),
    "output is a directory": (["cosine", "--t-max", "5", "-o", "{tmp}/plots.png"],
                              ["plots.png", "is a directory"]),
    "missing directory": (["cosine", "--t-max", "5", "-o", "{dir}/nope/lr.png"],
                          ["does not exist"]),
    "bad size": (["cosine", "--t-max", "5", "--size", "3", "-o", "{dir}/lr.png"],
                 ["--size", "WIDTHxHEIGHT"]),
    "bad dpi": (["cosine", "--t-max", "5", "--dpi", "5", "-o", "{dir}/lr.png"], ["--dpi"]),
    "invalid yaml": (["compare", "{cfg}", "-o", "{dir}/lr.png"],
                     ["c.yaml:2:1", "invalid YAML"]),
    "unknown key": (["compare", "{cfg}", "-o", "{dir}/lr.png"],
                    ["c.yaml:2:20", "t_mx", "did you mean 't_max'?"]),
    "missing config": (["compare", "{dir}/absent.yaml"], ["absent.yaml", "does not exist"]),
}
CONFIG_TEXT = {"invalid yaml": BAD_YAML, "unknown key": UNKNOWN_KEY}


def setup_case(tmp_path: Path, name: str) -> tuple[Path, list[str], list[str]]:
    args, needles = USAGE_ERRORS[name]
    work = tmp_path / "work"
    work.mkdir()
    cfg = tmp_path / "c.yaml"
    write(cfg, CONFIG_TEXT.get(name, ""))
    (tmp_path / "plots.png").mkdir()
    args = [a.replace("{dir}", str(work)).replace("{cfg}", str(cfg)).replace("{tmp}", str(tmp_path))
            for a in args]
    return work, args, needles


@pytest.mark.parametrize("name", list(USAGE_ERRORS))
def test_usage_errors_exit_2_with_a_clear_message(tmp_path, monkeypatch, name):
    work, args, needles = setup_case(tmp_path, name)
    monkeypatch.chdir(work)
    result = run(*args)
    assert_clean_exit(result, 2)
    assert result.stdout == ""
    assert "Error:" in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)
    assert list(work.iterdir()) == []  # nothing written, not even the default NAME.png


@pytest.mark.parametrize("name", ["bad value", "bad suffix", "invalid yaml", "unknown key"])
def test_usage_errors_from_a_real_process_have_no_traceback(tmp_path, name):
    """The installed entry point, not CliRunner: what a user sees."""
    work, args, needles = setup_case(tmp_path, name)
    done = subprocess.run([sys.executable, "-m", "lrplot", *args], capture_output=True,
                          text=True, cwd=work, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert needles[0] in done.stderr


def test_every_problem_in_the_flags_is_reported(tmp_path):
    result = run("step", "--step-size", "0", "--gamma", "-1", "--steps", "0", "--base-lr", "0",
                 "-o", str(tmp_path / "x.png"))
    assert_clean_exit(result, 2)
    lines = result.stderr.splitlines()
    for flag in ["--step-size", "--gamma", "--steps", "--base-lr"]:
        assert any(line.startswith(f"Error: {flag}: expected ") for line in lines), flag
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("args", [
    ["cosine", "--t-max", "0"],
    ["cosin", "--t-max", "5"],
    ["cosine", "--t-max", "5", "--size", "0x0"],
])
def test_error_leaves_an_existing_output_untouched(tmp_path, args):
    out = tmp_path / "lr.png"
    out.write_bytes(b"precious")
    result = run(*args, "-o", str(out))
    assert_clean_exit(result, 2)
    assert out.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["lr.png"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a non-root POSIX user: root can write a read-only directory")
def test_read_only_directory_exits_1(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = run("cosine", "--t-max", "5", "-o", str(locked / "lr.png"))
        assert_clean_exit(result, 1)
        assert "cannot write" in result.stderr and "lr.png" in result.stderr
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_unwritable_output_exits_1():
    """/proc refuses new files even for root."""
    result = run("cosine", "--t-max", "5", "--steps", "4", "-o", "/proc/lrplot-test.png")
    assert_clean_exit(result, 1)
    assert result.stdout == ""
    assert "cannot write /proc/lrplot-test.png" in result.stderr
    assert not os.path.exists("/proc/lrplot-test.png")


def test_compare_error_in_any_config_writes_nothing(tmp_path, monkeypatch):
    good = write(tmp_path / "good.yaml", "curves: [{type: cosine, T_max: 5}]\n")
    bad = write(tmp_path / "bad.yaml", "curves: [{type: cosine, T_max: 0}]\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run("compare", str(good), str(bad))
    assert_clean_exit(result, 2)
    assert list(work.iterdir()) == []


def test_compare_override_errors_name_the_flag(tmp_path):
    config = write(tmp_path / "c.yaml", "title: A\ncurves: [{type: cosine, T_max: 5}]\n")
    result = run("compare", str(config), "--steps", "0", "-o", str(tmp_path / "c.png"))
    assert_clean_exit(result, 2)
    assert "--steps" in result.stderr
    assert "c.yaml:1:1" not in result.stderr


def test_dollar_signs_in_titles_are_literal_text(tmp_path):
    """Titles and labels are user text, not TeX: "$\\foo$" must draw, never crash."""
    out = tmp_path / "t.svg"
    result = run("cosine", "--t-max", "5", "--title", r"$\foo$", "-o", str(out))
    assert_clean_exit(result, 0)
    assert out.read_bytes().startswith(b"<?xml")


def test_render_failure_leaves_no_partial_file(tmp_path, monkeypatch):
    """Whatever the exit code, a failing draw must not leave a new, old-truncated or temp file."""
    from lrplot import render

    def half_written(fig, stream, fmt, *args, **kwargs):
        stream.write(b"<svg")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render, "save", half_written)
    out = tmp_path / "t.svg"
    out.write_bytes(b"precious")
    result = run("cosine", "--t-max", "5", "-o", str(out))
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert out.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["t.svg"]
