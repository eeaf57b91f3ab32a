"""A command line that forgives order and speaks plainly: options anywhere, drawing commands
that lint (and -q, --lint-ignore), lrplot list FRAMEWORK, a short --help, --format against the
suffix of -o, and a hint for a value given without its flag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lrplot.cli import main

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "configs" / "article.yaml"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("args", [
    ["lint", "--strict", str(ARTICLE)],
    ["lint", "--format", "json", "--strict", "cosine", "--t-max", "10", "--steps", "10"],
    ["stats", "--format", "json", "cosine", "--t-max", "150"],
    ["stats", "--below=0.05", "--format", "csv", str(ARTICLE)],
    ["code", "--steps", "20", "cosine", "--t-max", "10"],
])
def test_options_before_the_kind_or_config(args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    if "json" in args:
        json.loads(result.stdout)


def test_options_without_a_kind_or_config_say_what_is_missing():
    result = run("lint", "--strict")
    assert result.exit_code == 2
    assert "give a KIND (with its flags) or CONFIG files" in result.stderr


def test_drawing_commands_lint_on_stderr(tmp_path):
    out = tmp_path / "m.svg"
    args = ["multistep", "--milestones", "200,300,320,340,200", "--gamma", "0.8", "--steps",
            "400", "-o", str(out)]
    result = run(*args)
    assert result.exit_code == 0 and out.exists()
    assert "--milestones: warning: milestone 200 is listed twice" in result.stderr
    assert "warning" not in result.stdout
    assert result.stdout == f"{out}\n"


def test_quiet_silences_notes_and_warnings(tmp_path):
    out = tmp_path / "m.svg"
    result = run("multistep", "--milestones", "200,200", "-q", "-o", str(out))
    assert result.exit_code == 0 and result.stderr == "" and out.exists()
    loud = run("multistep", "--milestones", "200,200", "-o", str(out))
    assert "steps:" in loud.stderr and "warning" in loud.stderr


def test_lint_ignore_acknowledges_one_rule(tmp_path):
    out = tmp_path / "m.svg"
    base = ["multistep", "--milestones", "0,200,200", "--steps", "400", "-o", str(out)]
    result = run(*base, "--lint-ignore", "duplicate-milestone")
    assert "[duplicate-milestone]" not in result.stderr
    assert "[milestone-zero]" in result.stderr
    result = run(*base, "--lint-ignore", "duplicate-milestone,milestone-zero")
    assert "warning" not in result.stderr
    bad = run(*base, "--lint-ignore", "duplicate-milestones")
    assert bad.exit_code == 2
    assert "did you mean 'duplicate-milestone'?" in bad.stderr


def test_compare_of_the_article_prints_no_warnings(tmp_path):
    result = run("compare", str(ARTICLE), "-o", str(tmp_path / "a.svg"))
    assert result.exit_code == 0 and "warning" not in result.stderr


@pytest.mark.parametrize("name, expected", [
    ("hf", "hf.cosine "), ("transformers", "hf.linear "), ("torch", "CosineAnnealingLR"),
    ("pytorch", "exponential "), ("keras", "keras.cosine_decay "), ("optax", "optax.sgdr "),
    ("timm", "timm.cosine "), ("cosine", "--t-max")])
def test_list_one_framework(name, expected):
    result = run("list", name)
    assert result.exit_code == 0 and expected in result.stdout
    assert len(result.stdout) < len(run("list").stdout) / 2


def test_list_hf_lists_only_transformers():
    text = run("list", "hf").stdout
    assert "timm." not in text and "ExponentialLR" not in text


def test_list_unknown_framework_suggests():
    result = run("list", "pytorh")
    assert result.exit_code == 2 and "Did you mean 'pytorch'?" in result.stderr


def test_top_level_help_is_short_and_points_to_list():
    text = run("--help").stdout
    assert len(text.splitlines()) <= 60
    assert "lrplot list FRAMEWORK" in text
    assert "hf.cosine" in text and "exponential" in text


@pytest.mark.parametrize("output, fmt, written", [
    ("out", "svg", "<svg"), ("out.data", "csv", "step,"), ("out.svg", "svg", "<svg")])
def test_format_for_a_name_without_its_suffix(tmp_path, output, fmt, written):
    out = tmp_path / output
    result = run("cosine", "--t-max", "10", "-o", str(out), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert written in out.read_text()[:400]


@pytest.mark.parametrize("output, fmt", [("out.jpeg", "png"), ("out.svg", "png"),
                                         ("out.tif", "pdf"), ("out.csv", "json")])
def test_format_disagreeing_with_the_suffix_is_refused(tmp_path, output, fmt):
    out = tmp_path / output
    result = run("cosine", "--t-max", "10", "-o", str(out), "--format", fmt)
    assert result.exit_code == 2 and not out.exists()
    assert f"-o {out}" in result.stderr and "--format" in result.stderr


@pytest.mark.parametrize("args, hint", [
    (["cosine", "150"], "did you mean --t-max 150?"),
    (["step", "30", "--gamma", "0.5"], "did you mean --step-size 30?"),
    (["multistep", "30,60", "0.5"], "did you mean --gamma 0.5?"),
    (["stats", "cosine", "150"], "did you mean --t-max 150?"),
    (["cosine", "--t-max", "5", "figure.yaml"], "'lrplot compare figure.yaml'"),
])
def test_a_value_without_its_flag_gets_the_flag(args, hint):
    result = run(*args)
    assert result.exit_code == 2
    assert hint in result.stderr and "Traceback" not in result.output


def test_lint_command_takes_lint_ignore_and_lists_the_rules():
    args = ["multistep", "--milestones", "2,2,50", "--steps", "40"]
    result = run("lint", "--lint-ignore", "duplicate-milestone", *args)
    assert "[duplicate-milestone]" not in result.stdout
    assert "[milestone-beyond-run]" in result.stdout
    bad = run("lint", "--lint-ignore", "nope", *args)
    assert bad.exit_code == 2 and "unknown lint rule 'nope'" in bad.stderr
    from lrplot import lint

    text = run("lint", "--help").stdout
    assert all(name in text for name in lint.rule_names())
