"""YAML config semantics, through ``lrplot.load`` and through ``lrplot compare``.

Fixtures: ``tests/data/figure.yaml`` (cascading defaults), ``errors.yaml`` (five problems at
known positions), ``bomb.yaml`` (a "billion laughs" alias bomb).
"""

from __future__ import annotations

import json
import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from click.testing import CliRunner

import lrplot
from lrplot import compute, schedules
from lrplot.cli import main
from lrplot.spec import SpecError
from lrplot.yamlio import YamlError

DATA = Path(__file__).parent / "data"


def known() -> str:
    """What an unknown-type error lists: torch's kinds by name, other frameworks' by prefix."""
    kinds = schedules.all_kinds()
    return ", ".join([k.name for k in kinds if not k.namespace]
                     + list(dict.fromkeys(f"{k.namespace}.*" for k in kinds if k.namespace)))


# file:line:col: key.path: message
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): "
                     r"(?P<path>[A-Za-z_]\w*(?:\[\d+\]|\.\w+)*): (?P<message>.+)$")


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="lrplot")


def compare(config: Path, out: Path):
    result = run("compare", str(config), "-o", str(out))
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    return result


def errors(result) -> list[str]:
    """The error lines of a failed run, without the ``Error: `` prefix."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("Error: ") for line in lines), lines
    return [line.removeprefix("Error: ") for line in lines]


def config(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def yaml_error(tmp_path: Path, text: str) -> list[str]:
    """Load ``text`` through the CLI, expect exit 2 and no output file; return the errors."""
    path = config(tmp_path, text)
    out = tmp_path / "out.json"
    lines = errors(compare(path, out))
    assert not out.exists()
    return lines


def spec_problems(data) -> list[str]:
    with pytest.raises(SpecError) as info:
        lrplot.load(data)
    return [str(p) for p in info.value.problems]


# -- structure: panels, curves, cascading defaults -------------------------------------------------


def test_top_level_curves_make_one_panel():
    spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 5},
                                   {"type": "cosine", "T_max": 8}]})
    assert len(spec.panels) == 1
    assert spec.panels[0].title == "CosineAnnealingLR"  # one kind: its class name
    assert [c.params["T_max"] for c in spec.curves] == [5, 8]
    assert spec.title is None and spec.log_y is False


def test_panels_keep_their_order_and_titles():
    spec = lrplot.load(DATA / "figure.yaml")
    assert spec.title == "Cascade"
    assert [p.title for p in spec.panels] == ["figure defaults", "panel overrides",
                                              "CosineAnnealingLR"]
    assert [len(p.curves) for p in spec.panels] == [1, 2, 3]


def test_mixed_kinds_panel_has_no_default_title():
    spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 5},
                                   {"type": "exponential", "gamma": 0.9}]})
    assert spec.panels[0].title is None


def test_defaults_cascade_figure_panel_curve():
    first, second, third = lrplot.load(DATA / "figure.yaml").panels
    [exp] = first.curves
    assert (exp.steps, exp.base_lr) == (40, 0.2)  # figure level
    panel_level, own = second.curves
    assert (panel_level.steps, panel_level.base_lr) == (20, 0.3)  # panel overrides figure
    assert (own.steps, own.base_lr) == (10, 0.05)  # curve overrides panel
    assert all((c.steps, c.base_lr) == (40, 0.2) for c in third.curves)  # back to the figure


def test_cascaded_defaults_reach_the_numbers(tmp_path):
    out = tmp_path / "figure.json"
    result = compare(DATA / "figure.yaml", out)
    assert result.exit_code == 0, result.output
    assert not re.search(r"^steps: \d+ ", result.stderr, re.M)  # all have steps: no note
    panels = json.loads(out.read_text())["panels"]
    [exp] = panels[0]["curves"]
    assert len(exp["lr"]) == 40 and exp["lr"][0] == 0.2
    assert exp["lr"] == lrplot.schedule("exponential", steps=40, base_lr=0.2, gamma=0.9).tolist()
    panel_level, own = panels[1]["curves"]
    assert len(panel_level["lr"]) == 20 and panel_level["lr"][0] == 0.3
    assert own["lr"] == [0.05] * 5 + [0.025] * 5
    assert own["schedule"] == {"type": "step", "step_size": 5, "gamma": 0.5, "base_lr": 0.05}


def test_curves_without_steps_share_the_longest_horizon():
    spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 5},
                                   {"type": "cosine", "T_max": 10},
                                   {"type": "cosine", "T_max": 3, "steps": 4}]})
    assert [c.steps for c in spec.curves] == [21, 21, 4]
    assert len(spec.notes) == 1 and spec.notes[0].startswith("steps: 21 ")


def test_base_lr_defaults_to_0_1():
    [curve] = lrplot.load({"curves": [{"type": "exponential", "gamma": 0.5}]}).curves
    assert curve.base_lr == 0.1


def test_spec_is_frozen():
    spec = lrplot.load({"curves": [{"type": "exponential", "gamma": 0.5}]})
    with pytest.raises(FrozenInstanceError):
        spec.title = "changed"  # type: ignore[misc]


def test_kind_class_names_accepted_in_yaml():
    spec = lrplot.load(DATA / "figure.yaml")
    assert [c.kind.name for c in spec.panels[1].curves] == ["step", "step"]
    assert spec.panels[2].curves[2].kind.name == "cosine"


# -- sweeps and labels -----------------------------------------------------------------------------


def test_sweep_makes_one_curve_per_value():
    spec = lrplot.load({"steps": 5, "curves": [
        {"type": "exponential", "sweep": {"gamma": [0.9, 0.95, 0.98]}}]})
    assert [c.label for c in spec.curves] == ["gamma=0.9", "gamma=0.95", "gamma=0.98"]
    assert [c.params["gamma"] for c in spec.curves] == [0.9, 0.95, 0.98]


def test_two_sweeps_give_the_product():
    spec = lrplot.load({"steps": 5, "curves": [
        {"type": "cosine", "sweep": {"T_max": [5, 10], "eta_min": [0, 0.01]}}]})
    assert [c.label for c in spec.curves] == [
        "T_max=5, eta_min=0", "T_max=5, eta_min=0.01",
        "T_max=10, eta_min=0", "T_max=10, eta_min=0.01"]


def test_sweep_of_lists():
    spec = lrplot.load({"steps": 6, "curves": [
        {"type": "multistep", "gamma": 0.5, "sweep": {"milestones": [[2, 4], [3]]}}]})
    assert [c.label for c in spec.curves] == ["milestones=[2, 4]", "milestones=[3]"]
    assert compute.values(spec.curves[1]).tolist() == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05]


def test_explicit_label_and_label_with_sweep():
    spec = lrplot.load({"steps": 5, "curves": [
        {"type": "multistep", "milestones": [2], "label": "article"},
        {"type": "exponential", "label": "mine", "sweep": {"gamma": [0.5, 0.9]}}]})
    assert [c.label for c in spec.curves] == ["article", "mine (gamma=0.5)", "mine (gamma=0.9)"]


def test_default_label_describes_the_schedule():
    [curve] = lrplot.load({"curves": [{"type": "step", "step_size": 50, "gamma": 0.5}]}).curves
    assert curve.label == "StepLR(step_size=50, gamma=0.5)"


def test_sweep_in_yaml_through_the_cli(tmp_path):
    path = config(tmp_path, "steps: 4\ncurves:\n  - type: exponential\n"
                            "    sweep: {gamma: [0.5, 0.25]}\n")
    out = tmp_path / "s.json"
    assert compare(path, out).exit_code == 0
    got = [(c["label"], c["lr"]) for c in json.loads(out.read_text())["panels"][0]["curves"]]
    assert got == [("gamma=0.5", [0.1, 0.05, 0.025, 0.0125]),
                   ("gamma=0.25", [0.1, 0.025, 0.00625, 0.0015625])]


@pytest.mark.parametrize("data, needles", [
    ({"curves": [{"type": "exponential", "gamma": 0.5, "sweep": {"gamma": [0.1]}}]},
     ["curves[0].sweep.gamma", "both set and swept"]),
    ({"curves": [{"type": "exponential", "sweep": {"gama": [0.1]}}]},
     ["curves[0].sweep.gama", "cannot sweep 'gama'", "did you mean 'gamma'?"]),
    ({"curves": [{"type": "exponential", "sweep": {"gamma": 0.5}}]},
     ["curves[0].sweep.gamma", "non-empty list"]),
    ({"curves": [{"type": "exponential", "sweep": {"gamma": [0.5, -1]}}]},
     ["curves[0].sweep.gamma[1]", "a finite number > 0", "got -1"]),
])
def test_bad_sweeps(data, needles):
    text = "\n".join(spec_problems(data))
    for needle in needles:
        assert needle in text


# -- parameter spellings and YAML 1.2 scalars ------------------------------------------------------


@pytest.mark.parametrize("key", ["T_max", "t_max"])
def test_t_max_both_spellings(key):
    [curve] = lrplot.load({"steps": 3, "curves": [{"type": "cosine", key: 7}]}).curves
    assert curve.params == {"T_max": 7, "eta_min": 0.0}


@pytest.mark.parametrize("key", ["T_max", "t_max"])
def test_t_max_both_spellings_in_sweeps(key):
    spec = lrplot.load({"steps": 3, "curves": [{"type": "cosine", "sweep": {key: [7, 9]}}]})
    assert [c.params["T_max"] for c in spec.curves] == [7, 9]
    assert [c.label for c in spec.curves] == ["T_max=7", "T_max=9"]


def test_both_spellings_together_is_an_error(tmp_path):
    [line] = yaml_error(tmp_path, "curves:\n  - {type: cosine, T_max: 5, t_max: 6}\n")
    assert line.startswith(f"{tmp_path / 'c.yaml'}:2:30: curves[0].t_max: ")
    assert "T_max given twice" in line


def test_yaml_1_2_numbers(tmp_path):
    path = config(tmp_path, "steps: 1e1\nbase_lr: 3e-4\ncurves:\n"
                            "  - {type: cosine, T_max: 0x5, eta_min: 1e-5}\n"
                            "  - {type: exponential, gamma: .5}\n"
                            "  - {type: exponential, gamma: 1E-3}\n")
    spec = lrplot.load(path)
    cos, half, small = spec.curves
    assert cos.base_lr == 3e-4 and isinstance(cos.base_lr, float)
    assert cos.steps == 10 and isinstance(cos.steps, int)
    assert cos.params == {"T_max": 5, "eta_min": 1e-5}
    assert half.params["gamma"] == 0.5
    assert small.params["gamma"] == 1e-3


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n"])
def test_yaml_1_1_booleans_are_strings(tmp_path, word):
    path = config(tmp_path, f"title: {word}\ncurves:\n"
                            f"  - {{type: exponential, gamma: 0.5, label: {word}}}\n")
    spec = lrplot.load(path)
    assert spec.title == word
    assert spec.curves[0].label == word


@pytest.mark.parametrize("word", ["yes", "no", "on", "off"])
def test_number_param_given_a_yaml_1_1_boolean_is_an_error(tmp_path, word):
    [line] = yaml_error(tmp_path, f"curves:\n  - {{type: exponential, gamma: {word}}}\n")
    assert line.startswith(f"{tmp_path / 'c.yaml'}:2:25: curves[0].gamma: expected a finite "
                           "number > 0")
    assert line.endswith(f"got the string '{word}'")


def test_log_y_must_be_a_real_boolean(tmp_path):
    [line] = yaml_error(tmp_path, "log_y: yes\ncurves: [{type: cosine, T_max: 5}]\n")
    assert line.endswith("log_y: expected true or false, got the string 'yes'")
    spec = lrplot.load(config(tmp_path, "log_y: true\ncurves: [{type: cosine, T_max: 5}]\n"))
    assert spec.log_y is True


def test_quoted_number_is_a_string(tmp_path):
    [line] = yaml_error(tmp_path, "curves:\n  - {type: exponential, gamma: '0.5'}\n")
    assert "got the string '0.5'" in line


# -- errors: location, did-you-mean, several at once -----------------------------------------------


def test_several_problems_reported_together_with_locations(tmp_path):
    path = DATA / "errors.yaml"
    lines = errors(compare(path, tmp_path / "out.png"))
    expected = [  # (line, column, key path, what the message must say)
        (2, 1, "steps", ["expected an integer >= 1", "got 0"]),
        (7, 29, "panels[0].curves[0].gamma", ["a finite number > 0", "got the string 'yes'"]),
        (8, 10, "panels[0].curves[1].type", ["unknown schedule type 'cosin'",
                                             "did you mean 'cosine'?", f"(known: {known()};"]),
        (12, 9, "panels[1].curves[0].step_size", ["expected an integer >= 1", "got 0"]),
        (13, 9, "panels[1].curves[0].gammma", ["unknown parameter 'gammma' for step",
                                               "did you mean 'gamma'?", "accepted: step_size, "
                                               "gamma, type, label, steps, base_lr, sweep"]),
    ]
    assert len(lines) == len(expected), lines
    for line, (row, col, key, needles) in zip(lines, expected):
        match = LOCATED.match(line)
        assert match, line
        assert (match["file"], int(match["line"]), int(match["col"]), match["path"]) == \
            (str(path), row, col, key)
        for needle in needles:
            assert needle in match["message"], (needle, line)
    assert not (tmp_path / "out.png").exists()


def test_several_problems_through_the_api():
    with pytest.raises(SpecError) as info:
        lrplot.load(DATA / "errors.yaml")
    problems = info.value.problems
    assert len(problems) == 5
    assert [p.where.split(": ")[-1] for p in problems] == [
        "steps", "panels[0].curves[0].gamma", "panels[0].curves[1].type",
        "panels[1].curves[0].step_size", "panels[1].curves[0].gammma"]
    assert str(info.value) == "\n".join(str(p) for p in problems)


def test_mapping_errors_name_the_key_path():
    [problem] = spec_problems({"panels": [{"curves": [{"type": "cosine", "T_max": 5}]},
                                          {"curves": [{"type": "cosine", "T_max": -1}]}]})
    assert problem.startswith("panels[1].curves[0].T_max: expected an integer >= 1")
    assert problem.endswith("got -1")


@pytest.mark.parametrize("text, key, near", [
    ("curves:\n  - {type: cosine, t_mx: 5}\n", "curves[0].t_mx", "t_max"),
    ("titel: x\ncurves: [{type: cosine, T_max: 5}]\n", "titel", "title"),
    ("panel:\n  - curves: [{type: cosine, T_max: 5}]\n", "panel", "panels"),
    ("panels:\n  - curvs: [{type: cosine, T_max: 5}]\n", "panels[0].curvs", "curves"),
    ("curves:\n  - {type: cosine, T_max: 5, lable: x}\n", "curves[0].lable", "label"),
])
def test_unknown_key_with_did_you_mean(tmp_path, text, key, near):
    lines = yaml_error(tmp_path, text)
    [line] = [line for line in lines if f": {key}: " in line]
    match = LOCATED.match(line)
    assert match and match["path"] == key
    assert f"did you mean {near!r}?" in line
    assert "accepted: " in line


def test_unknown_key_points_at_the_key(tmp_path):
    lines = yaml_error(tmp_path, "curves:\n  - {type: cosine, t_mx: 5}\n")
    assert lines[0].startswith(f"{tmp_path / 'c.yaml'}:2:20: curves[0].t_mx: unknown parameter "
                               "'t_mx' for cosine; did you mean 't_max'? (accepted: t_max, "
                               "eta_min, ")


@pytest.mark.parametrize("name, near", [("cosin", "cosine"), ("exponental", "exponential"),
                                        ("CosineAnnealing", "CosineAnnealingLR")])
def test_unknown_type_with_did_you_mean(tmp_path, name, near):
    [line] = yaml_error(tmp_path, f"curves:\n  - type: {name}\n    T_max: 5\n")
    assert line.startswith(f"{tmp_path / 'c.yaml'}:2:5: curves[0].type: "
                           f"unknown schedule type {name!r}; did you mean {near!r}?")
    assert f"(known: {known()}; 'lrplot list' shows every one)" in line


def test_missing_type(tmp_path):
    [line] = yaml_error(tmp_path, "curves:\n  - {T_max: 5}\n")
    assert LOCATED.match(line)["path"] == "curves[0]"
    assert "needs 'type'" in line and "cosine" in line and "'lrplot list'" in line
    assert "names a schedule" not in line


@pytest.mark.parametrize("key", ["kind", "name", "scheduler"])
def test_missing_type_names_the_misnamed_key(tmp_path, key):
    [line] = yaml_error(tmp_path, f"curves:\n  - {{{key}: hf.cosine, num_training_steps: 5}}\n")
    assert line.endswith(f"'{key}: hf.cosine' names a schedule: write it as 'type'")


def test_panels_and_curves_together(tmp_path):
    [line] = yaml_error(tmp_path, "curves: [{type: cosine, T_max: 5}]\npanels: []\n")
    assert "exactly one of 'panels'" in line


@pytest.mark.parametrize("text", ["curves: []\n", "curves: 5\n", "curves: [5]\n",
                                  "panels: [{title: x}]\n"])
def test_wrong_shapes_are_errors(tmp_path, text):
    lines = yaml_error(tmp_path, text)
    assert all(line.startswith(f"{tmp_path / 'c.yaml'}:1:") for line in lines), lines


# -- YAML-level problems ---------------------------------------------------------------------------


def test_duplicate_key_names_the_key_and_both_lines(tmp_path):
    text = "curves:\n  - type: cosine\n    T_max: 5\n    T_max: 6\n"
    [line] = yaml_error(tmp_path, text)
    assert line.startswith(f"{tmp_path / 'c.yaml'}:4:5: ")
    assert "duplicate key 'T_max'" in line and "line 3" in line
    with pytest.raises(YamlError) as info:
        lrplot.load(config(tmp_path, text))
    assert (info.value.mark.line, info.value.mark.column) == (4, 5)


def test_duplicate_top_level_key(tmp_path):
    [line] = yaml_error(tmp_path, "steps: 5\nsteps: 6\ncurves: [{type: cosine, T_max: 5}]\n")
    assert line.startswith(f"{tmp_path / 'c.yaml'}:2:1: ") and "duplicate key 'steps'" in line


@pytest.mark.parametrize("text, key", [
    ("curves:\n  - type: cosine\n    T_max: 5\n    T_max: 6\n", "curves[0].T_max"),
    ("curves:\n  - {type: exponential, gamma: .nan}\n", "curves[0].gamma"),
], ids=["duplicate", "nan"])
def test_yaml_level_errors_have_the_key_path(tmp_path, text, key):
    [line] = yaml_error(tmp_path, text)
    match = LOCATED.match(line)
    assert match and match["path"] == key, line


@pytest.mark.parametrize("text, line_col", [
    ("curves:\n\t- {type: cosine, T_max: 5}\n", "2:1"),
    ("curves:\n  - type: cosine\n\tT_max: 5\n", "3:1"),
])
def test_tabs_are_reported_with_a_position(tmp_path, text, line_col):
    [line] = yaml_error(tmp_path, text)
    assert line.startswith(f"{tmp_path / 'c.yaml'}:{line_col}: invalid YAML: ")
    assert "'\\t'" in line


@pytest.mark.parametrize("text, line_col", [
    ("curves: [ {type: cosine, T_max: 5}\n", "2:1"),
    ("curves:\n  - {type: cosine, T_max: 5\n", "3:1"),
    ("title: x\n  steps: 5\ncurves: []\n", "2:8"),
])
def test_syntax_errors_are_reported_with_a_position(tmp_path, text, line_col):
    [line] = yaml_error(tmp_path, text)
    assert re.match(rf"^{re.escape(str(tmp_path / 'c.yaml'))}:\d+:\d+: invalid YAML: \S", line)
    assert f":{line_col}: " in line


def test_syntax_error_through_the_api(tmp_path):
    with pytest.raises(YamlError) as info:
        lrplot.load(config(tmp_path, "curves: [ {type: cosine, T_max: 5}\n"))
    assert info.value.mark.line == 2
    assert "invalid YAML" in str(info.value)


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.mkdir [{target}]",
    "!!python/object:argparse.Namespace {{}}",
    "!!python/name:os.system",
    "!custom 1",
    "!!binary aGVsbG8=",
])
def test_python_and_unknown_tags_are_refused(tmp_path, tag):
    target = tmp_path / "pwned"
    value = tag.format(target=json.dumps(str(target)))
    lines = yaml_error(tmp_path, f"title: {value}\ncurves: [{{type: cosine, T_max: 5}}]\n")
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / 'c.yaml'}:1:8: title: tag ")
    assert "not allowed" in lines[0]
    assert not target.exists()  # nothing was constructed, let alone called


def test_alias_bomb_is_refused(tmp_path):
    path = DATA / "bomb.yaml"
    lines = errors(compare(path, tmp_path / "out.png"))
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:")
    assert "expands to more than" in lines[0] and "aliases" in lines[0]
    assert not (tmp_path / "out.png").exists()


def test_modest_aliases_are_fine(tmp_path):
    spec = lrplot.load(config(tmp_path, "steps: 3\ncurves:\n  - &c {type: cosine, T_max: 5}\n"
                                        "  - *c\n"))
    assert [c.params for c in spec.curves] == [{"T_max": 5, "eta_min": 0.0}] * 2


def test_recursive_alias_is_refused(tmp_path):
    lines = yaml_error(tmp_path, "a: &a [*a]\ncurves: [{type: cosine, T_max: 5}]\n")
    assert lines[0].startswith(f"{tmp_path / 'c.yaml'}:1:")


def test_deep_nesting_is_refused(tmp_path):
    lines = yaml_error(tmp_path, "curves: " + "[" * 500 + "]" * 500 + "\n")
    assert lines[0].startswith(f"{tmp_path / 'c.yaml'}:1:")


def test_non_utf8_config_is_a_usage_error(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_bytes(b"title: caf\xe9\ncurves: [{type: cosine, T_max: 5}]\n")
    [line] = errors(compare(path, tmp_path / "out.json"))
    assert str(path) in line and "UTF-8" in line


def test_empty_config_names_the_file(tmp_path):
    lines = yaml_error(tmp_path, "# nothing here\n")
    assert all(line.startswith(str(tmp_path / "c.yaml")) for line in lines), lines


@pytest.mark.parametrize("spelling", [".nan", ".NaN", ".inf", "-.inf", "+.Inf"])
def test_nan_and_inf_are_refused(tmp_path, spelling):
    [line] = yaml_error(tmp_path, f"curves:\n  - {{type: exponential, gamma: {spelling}}}\n")
    assert line.startswith(f"{tmp_path / 'c.yaml'}:2:")
    assert "not a finite number" in line


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_nan_and_inf_refused_in_mappings(value):
    [problem] = spec_problems({"curves": [{"type": "exponential", "gamma": value}]})
    assert problem.startswith("curves[0].gamma: expected a finite number > 0")


def test_errors_go_to_stderr_and_exit_2_from_a_config_on_disk(tmp_path):
    result = compare(DATA / "errors.yaml", tmp_path / "x.svg")
    assert result.exit_code == 2 and result.stdout == ""
