"""``lrplot lint`` and :mod:`lrplot.lint`: every rule with a config that triggers it and one that
does not, warnings located in YAML and on the command line, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import lrplot
from lrplot import compute, lint, schedules, yamlio
from lrplot.cli import main
from lrplot.spec import from_document

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "configs" / "article.yaml"


@pytest.fixture(scope="module")
def ARTICLE(tmp_path_factory):
    """The article's config without its acknowledgements (``lint: {ignore: ...}``): its quirks
    are the linter's reference cases."""
    path = tmp_path_factory.mktemp("article") / "article.yaml"
    path.write_text("".join(line for line in CONFIG.read_text().splitlines(True)
                            if "lint: {ignore:" not in line))
    return path


# rule -> (a curve that triggers it, a similar curve that does not). Each curve is a config's
# curve mapping; ``steps`` is the length of the training run.
CASES: dict[str, tuple[dict, dict]] = {
    "duplicate-milestone": (
        {"type": "multistep", "milestones": [200, 300, 320, 340, 200], "gamma": 0.8, "steps": 400},
        {"type": "multistep", "milestones": [200, 300, 320, 340], "gamma": 0.8, "steps": 400}),
    "milestone-zero": (
        {"type": "multistep", "milestones": [0, 50], "steps": 100},
        {"type": "multistep", "milestones": [10, 50], "steps": 100}),
    "milestone-beyond-run": (
        {"type": "multistep", "milestones": [50, 100], "steps": 100},
        {"type": "multistep", "milestones": [50, 99], "steps": 100}),
    "step-size-beyond-run": (
        {"type": "step", "step_size": 100, "steps": 100},
        {"type": "step", "step_size": 99, "steps": 100}),
    "cosine-past-t-max": (
        {"type": "cosine", "T_max": 150, "steps": 400},
        {"type": "cosine", "T_max": 399, "steps": 400}),
    "cosine-past-training-steps": (
        {"type": "hf.cosine", "num_warmup_steps": 10, "num_training_steps": 100, "steps": 150},
        {"type": "hf.cosine", "num_warmup_steps": 10, "num_training_steps": 150, "steps": 150}),
    "floor-not-reached": (
        {"type": "cosine", "T_max": 500, "eta_min": 0.001, "steps": 400},
        {"type": "cosine", "T_max": 399, "eta_min": 0.001, "steps": 400}),
    "log-warmup-zero-lrs": (
        {"type": "deepspeed.warmup", "warmup_num_steps": 100, "steps": 200},
        {"type": "deepspeed.warmup", "warmup_num_steps": 100, "warmup_type": "linear",
         "steps": 200}),
    "decay-ends-before-run": (
        {"type": "deepspeed.warmup_decay", "total_num_steps": 100, "warmup_num_steps": 10,
         "warmup_type": "linear", "steps": 200},
        {"type": "deepspeed.warmup_decay", "total_num_steps": 199, "warmup_num_steps": 10,
         "warmup_type": "linear", "steps": 200}),
    "warmup-longer-than-run": (  # Ultralytics keeps the last epoch out of the warm-up
        {"type": "ultralytics.yolo", "nb": 50, "epochs": 3, "warmup_epochs": 3.0},
        {"type": "ultralytics.yolo", "nb": 50, "epochs": 4, "warmup_epochs": 3.0}),
    "warmup-floor-dominates": (  # YOLOv5: max(round(3 x 20), 100) = 100 iterations
        {"type": "ultralytics.yolov5", "nb": 20, "epochs": 30},
        {"type": "ultralytics.yolov5", "nb": 40, "epochs": 30}),
    "lr-drops-at-decay-end": (
        {"type": "megatron.param_scheduler", "lr_decay_steps": 100, "lr_warmup_steps": 10,
         "lr_decay_style": "inverse-square-root", "min_lr": 0.001, "steps": 200},
        {"type": "megatron.param_scheduler", "lr_decay_steps": 200, "lr_warmup_steps": 10,
         "lr_decay_style": "inverse-square-root", "min_lr": 0.001, "steps": 201}),
    "megatron-run-ends-before-decay": (
        {"type": "megatron.param_scheduler", "lr_decay_steps": 400, "lr_warmup_steps": 40,
         "increment": 4, "lr_decay_style": "cosine", "steps": 91},
        {"type": "megatron.param_scheduler", "lr_decay_steps": 400, "lr_warmup_steps": 40,
         "increment": 4, "lr_decay_style": "cosine", "steps": 101}),
    "nemo-decay-from-step-0": (
        {"type": "nemo.polynomial_hold_decay_annealing", "max_steps": 200,
         "warmup_steps": 20, "steps": 201},
        {"type": "nemo.polynomial_hold_decay_annealing", "max_steps": 200,
         "warmup_steps": 20, "hold_steps": 0, "steps": 201}),
    "nemo-min-lr-above-lr": (
        {"type": "nemo.warmup_annealing", "max_steps": 200, "min_lr": 0.5, "steps": 201},
        {"type": "nemo.warmup_annealing", "max_steps": 200, "min_lr": 0.001, "steps": 201}),
    "nanogpt-warmup-skipped": (
        {"type": "nanogpt.cosine", "warmup_iters": 100, "decay_lr": False, "steps": 1001},
        {"type": "nanogpt.cosine", "warmup_iters": 0, "decay_lr": False, "steps": 1001}),
    "nanogpt-decay-ends-early": (
        {"type": "nanogpt.cosine", "warmup_iters": 100, "lr_decay_iters": 800, "steps": 1001},
        {"type": "nanogpt.cosine", "warmup_iters": 100, "lr_decay_iters": 1000, "steps": 1001}),
    "torchtitan-warmup-capped": (
        {"type": "torchtitan.wsd", "training_steps": 100, "warmup_steps": 200, "steps": 100},
        {"type": "torchtitan.wsd", "training_steps": 100, "warmup_steps": 20, "steps": 100}),
    "torchtitan-past-schedule-end": (
        {"type": "torchtitan.wsd", "training_steps": 100, "total_steps": 80,
         "warmup_steps": 10, "steps": 100},
        {"type": "torchtitan.wsd", "training_steps": 100, "total_steps": 100,
         "warmup_steps": 10, "steps": 100}),
    "onecycle-overrun": (
        {"type": "onecycle", "max_lr": 0.1, "total_steps": 100, "steps": 101},
        {"type": "onecycle", "max_lr": 0.1, "total_steps": 100, "steps": 100}),
    "onecycle-floor-not-reached": (
        {"type": "onecycle", "max_lr": 0.1, "total_steps": 1000, "steps": 100},
        {"type": "onecycle", "max_lr": 0.1, "total_steps": 100, "steps": 100}),
    "stepped-per-iteration": (
        {"type": "multistep", "milestones": [30, 60, 90], "steps": 100_000},
        {"type": "multistep", "milestones": [30_000, 60_000, 90_000], "steps": 100_000}),
    "boundary-beyond-run": (
        {"type": "keras.piecewise_constant_decay", "boundaries": [50, 99],
         "values": [0.1, 0.01, 0.001], "steps": 100},
        {"type": "keras.piecewise_constant_decay", "boundaries": [50, 98],
         "values": [0.1, 0.01, 0.001], "steps": 100}),
    "sequential-repeated-milestone": (
        {"type": "sequential", "milestones": [10, 10],
         "schedulers": [{"type": "linear", "total_iters": 10}, {"type": "constant"},
                        {"type": "cosine", "T_max": 90}], "steps": 100},
        {"type": "sequential", "milestones": [10, 50],
         "schedulers": [{"type": "linear", "total_iters": 10},
                        {"type": "constant", "factor": 1.0, "total_iters": 1},
                        {"type": "cosine", "T_max": 50}], "steps": 100}),
    "handover-jump": (
        {"type": "sequential", "milestones": [10],
         "schedulers": [{"type": "linear", "start_factor": 0.1, "end_factor": 0.5,
                         "total_iters": 10}, {"type": "cosine", "T_max": 90}], "steps": 100},
        {"type": "sequential", "milestones": [10],
         "schedulers": [{"type": "linear", "start_factor": 0.1, "total_iters": 10},
                        {"type": "cosine", "T_max": 90}], "steps": 100}),
    "mmengine-zero-length-warmup": (
        {"type": "mmengine.param_scheduler", "steps_per_epoch": 10, "steps": 121,
         "schedulers": [{"type": "mmengine.linear", "start_factor": 0.001, "end": 1},
                        {"type": "mmengine.multistep", "milestones": [8, 11], "end": 12}]},
        {"type": "mmengine.param_scheduler", "steps_per_epoch": 10, "steps": 121,
         "schedulers": [{"type": "mmengine.linear", "start_factor": 0.001, "end": 1,
                         "convert_to_iter_based": True},
                        {"type": "mmengine.multistep", "milestones": [8, 11], "end": 12}]}),
    "mmengine-cosine-short-of-eta-min": (
        {"type": "mmengine.cosine", "end": 100, "eta_min": 0.001, "steps": 101},
        {"type": "mmengine.cosine", "end": 100, "T_max": 99, "eta_min": 0.001, "steps": 101}),
    "mmengine-window-past-run": (
        {"type": "mmengine.param_scheduler", "steps_per_epoch": 10, "steps": 101,
         "schedulers": [{"type": "mmengine.poly", "end": 12}]},
        {"type": "mmengine.param_scheduler", "steps_per_epoch": 10, "steps": 121,
         "schedulers": [{"type": "mmengine.poly", "end": 12}]}),
    "steps-beyond-max-iter": (
        {"type": "detectron2.solver", "max_iter": 1000, "solver_steps": [600, 1200],
         "warmup_iters": 10, "steps": 1000},
        {"type": "detectron2.solver", "max_iter": 1000, "solver_steps": [600, 900],
         "warmup_iters": 10, "steps": 1000}),
    "warmup-longer-than-first-step": (
        {"type": "detectron2.solver", "max_iter": 1000, "solver_steps": [100, 800],
         "warmup_iters": 200, "steps": 1000},
        {"type": "detectron2.solver", "max_iter": 1000, "solver_steps": [300, 800],
         "warmup_iters": 200, "steps": 1000}),
    "where-epsilon-moves-steps": (
        {"type": "detectron2.solver", "max_iter": 1_080_000, "solver_steps": [720_000, 960_000],
         "steps": 2},
        {"type": "detectron2.solver", "max_iter": 270_000, "solver_steps": [210_000, 250_000],
         "steps": 2}),
}

# More triggers of the rules that cover several kinds or several shapes.
MORE_TRIGGERS = [
    ("floor-not-reached", {"type": "nanogpt.cosine", "warmup_iters": 100,
                           "lr_decay_iters": 8000, "steps": 6001}),
    ("where-epsilon-moves-steps", {
        "type": "detectron2.lr_multiplier", "max_iter": 1_080_000, "steps": 2, "multiplier": [
            {"type": "detectron2.warmup", "warmup_factor": 0.001, "warmup_length": 1000 / 1080000,
             "scheduler": [{"type": "detectron2.multistep", "values": [1.0, 0.1],
                            "milestones": [720_000], "num_updates": 1_080_000}]}]}),
    ("warmup-longer-than-run", {"type": "ultralytics.yolov5", "nb": 30, "epochs": 3}),
    ("warmup-longer-than-run", {"type": "ultralytics.yolo", "nb": 30, "epochs": 1,
                                "warmup_epochs": 0.5}),
    ("stepped-per-iteration", {"type": "step", "step_size": 30, "gamma": 0.5, "steps": 10_000}),
    ("stepped-per-iteration", {"type": "exponential", "gamma": 0.9, "steps": 10_000}),
    ("stepped-per-iteration", {"type": "cosine", "T_max": 10, "steps": 1000}),
    ("floor-not-reached", {"type": "polynomial", "total_iters": 200, "steps": 100}),
    ("floor-not-reached", {"type": "nemo.cosine_annealing", "max_steps": 200, "steps": 150}),
    ("floor-not-reached", {"type": "nemo.cosine_annealing", "max_steps": 200,
                           "constant_steps": 50, "steps": 120}),
    ("nemo-decay-from-step-0", {"type": "nemo.warmup_hold_anneal_linear", "max_steps": 100,
                                "warmup_ratio": 0.1, "steps": 101}),
    ("nemo-decay-from-step-0", {"type": "nemo.square_root_annealing", "max_steps": 100,
                                "warmup_steps": 30, "steps": 101}),
    ("floor-not-reached", {"type": "timm.cosine", "t_initial": 300, "steps": 200}),
    ("floor-not-reached", {"type": "timm.poly", "t_initial": 300, "warmup_t": 5,
                           "warmup_prefix": True, "steps": 300}),
    ("floor-not-reached", {"type": "linear", "start_factor": 1.0, "end_factor": 0.1,
                           "total_iters": 200, "steps": 100}),
    ("floor-not-reached", {"type": "hf.linear", "num_warmup_steps": 10,
                           "num_training_steps": 200, "steps": 100}),
    ("floor-not-reached", {"type": "keras.cosine_decay", "decay_steps": 200, "steps": 100}),
    ("floor-not-reached", {"type": "keras.cosine_decay", "decay_steps": 90, "warmup_target": 0.2,
                           "warmup_steps": 20, "steps": 100}),
    ("floor-not-reached", {"type": "keras.polynomial_decay", "decay_steps": 200, "steps": 100}),
    ("floor-not-reached", {"type": "optax.cosine_decay", "decay_steps": 200, "steps": 100}),
    ("floor-not-reached", {"type": "optax.warmup_cosine_decay", "init_value": 0.0,
                           "peak_value": 0.1, "warmup_steps": 10, "decay_steps": 200,
                           "steps": 100}),
    ("floor-not-reached", {"type": "optax.linear", "end_value": 0.0, "transition_steps": 90,
                           "transition_begin": 20, "steps": 100}),
]

# Clean for every rule: the shapes people mean.
CLEAN = [
    {"type": "nanogpt.cosine", "warmup_iters": 100, "lr_decay_iters": 5000, "steps": 5001},
    {"type": "torchtitan.wsd", "training_steps": 1000, "warmup_steps": 100, "decay_ratio": 0.2,
     "steps": 1000},
    {"type": "ultralytics.yolo", "nb": 500},  # default.yaml's run
    {"type": "ultralytics.yolov5", "nb": 500, "group": 0},
    {"type": "exponential", "gamma": 0.98, "steps": 400},
    {"type": "step", "step_size": 50, "gamma": 0.65, "steps": 400},
    {"type": "cosine", "T_max": 150},  # no steps: lrplot's horizon, not the user's run
    {"type": "multistep", "milestones": [200, 200]},  # (duplicates still warn: see below)
    {"type": "linear", "start_factor": 0.1, "total_iters": 10, "steps": 5},  # a warmup: no floor
    {"type": "keras.cosine_decay", "decay_steps": 99, "steps": 100},
    {"type": "nemo.cosine_annealing", "max_steps": 200, "warmup_steps": 20, "min_lr": 1e-4,
     "steps": 200},
    {"type": "nemo.warmup_hold_policy", "max_steps": 200, "warmup_steps": 20, "steps": 200},
    {"type": "nemo.warmup_hold_anneal_one_minus_square_root", "max_steps": 200,
     "warmup_steps": 20, "hold_steps": 60, "steps": 201},
    {"type": "keras.polynomial_decay", "decay_steps": 20, "cycle": True, "steps": 100},
    {"type": "optax.polynomial", "end_value": 0.0, "power": 2.0, "transition_steps": 80,
     "transition_begin": 10, "steps": 100},
]


def _exists(kind: str) -> bool:
    try:
        schedules.get(kind)
    except schedules.UnknownKind:
        return False
    return True


def _lint(curve: dict) -> list[lint.LintWarning]:
    if not _exists(curve["type"]):
        pytest.skip(f"kind {curve['type']} does not exist (yet)")
    text = json.dumps({"curves": [curve]})  # JSON is YAML
    doc = yamlio.loads(text, "case.yaml")
    return lint.check(from_document(doc), doc, evaluate=compute.chunks)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_triggers(name):
    trigger, _ = CASES[name]
    warnings = _lint(trigger)
    assert name in [w.rule for w in warnings], warnings


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_stays_quiet_on_the_fixed_config(name):
    _, clean = CASES[name]
    assert name not in [w.rule for w in _lint(clean)]


@pytest.mark.parametrize("name, curve", MORE_TRIGGERS)
def test_rule_triggers_on_other_kinds(name, curve):
    assert name in [w.rule for w in _lint(curve)]


@pytest.mark.parametrize("curve", CLEAN)
def test_clean_schedules(curve):
    rules = [w.rule for w in _lint(curve)]
    assert set(rules) <= {"duplicate-milestone"}


def test_every_rule_has_cases():
    """A new rule needs a triggering and a clean config in CASES."""
    assert {r.name for r in lint.all_rules()} - set(CASES) == set()


def test_every_rule_names_kinds_or_is_ahead_of_them():
    for r in lint.all_rules():
        assert r.kinds and r.summary


def test_article_lints_with_the_duplicate_milestone_warning(ARTICLE):
    doc = yamlio.load(str(ARTICLE))
    warnings = lint.check(from_document(doc), doc, evaluate=compute.chunks)
    duplicate = [w for w in warnings if w.rule == "duplicate-milestone"]
    assert len(duplicate) == 1
    w = duplicate[0]
    # the second 200 of [200, 300, 320, 340, 200], at its line and column
    line = next(i for i, text in enumerate(ARTICLE.read_text().splitlines(), 1)
                if "milestones:" in text)
    column = ARTICLE.read_text().splitlines()[line - 1].rindex("200") + 1
    assert w.where == f"{ARTICLE}:{line}:{column}: panels[2].curves[0].milestones[4]"
    assert "gamma**2 = 0.64 at step 200" in w.message
    assert "[200, 300, 320, 340]" in w.fix


def test_sweep_values_are_located_in_the_sweep(ARTICLE):
    doc = yamlio.load(str(ARTICLE))
    cosine = [w for w in lint.check(from_document(doc), doc, evaluate=compute.chunks)
              if w.rule == "cosine-past-t-max"]
    assert [w.where.split(": ")[-1] for w in cosine] == [
        "panels[3].curves[0].sweep.T_max[0]", "panels[3].curves[0].sweep.T_max[1]",
        "panels[3].curves[0].sweep.T_max[2]"]


def test_a_sweep_repeating_one_finding_reports_it_once():
    curve = {"type": "multistep", "milestones": [5, 5], "sweep": {"gamma": [0.5, 0.8]},
             "steps": 10}
    assert [w.rule for w in _lint(curve)].count("duplicate-milestone") == 2  # messages differ
    curve = {"type": "multistep", "milestones": [0, 5], "sweep": {"gamma": [0.5, 0.5001]},
             "steps": 10}
    assert [w.rule for w in _lint(curve)].count("milestone-zero") == 2


def test_a_parameter_is_located_at_its_key():
    text = "steps: 100\ncurves:\n  - {type: step, step_size: 200}\n"
    doc = yamlio.loads(text, "f.yaml")
    (w,) = lint.check(from_document(doc), doc, evaluate=compute.chunks)
    assert w.where == "f.yaml:3:18: curves[0].step_size"


def test_spelling_of_the_key_is_the_authors():
    text = "curves:\n  - type: cosine\n    t_max: 10\n    steps: 30\n"
    doc = yamlio.loads(text, "f.yaml")
    (w,) = lint.check(from_document(doc), doc, evaluate=compute.chunks)
    assert w.where == "f.yaml:3:5: curves[0].t_max"


def test_refused_sequential_milestones_are_errors_not_warnings():
    if not _exists("sequential"):
        pytest.skip("no sequential")
    from lrplot.spec import SpecError

    for milestones in ([0], [50, 10]):
        curve = {"type": "sequential", "milestones": milestones, "steps": 100,
                 "schedulers": [{"type": "linear"}, {"type": "cosine", "T_max": 9}] +
                 ([{"type": "constant"}] if len(milestones) == 2 else [])}
        with pytest.raises(SpecError):
            _lint(curve)


def test_python_api_from_a_mapping_locates_by_key_path():
    spec = lrplot.load({"curves": [{"type": "step", "step_size": 100, "steps": 50}]})
    (w,) = lint.check(spec, evaluate=compute.chunks)
    assert w.rule == "step-size-beyond-run" and w.where == "--step-size"


# -- the command ----------------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_lint_article_exits_0_with_warnings(ARTICLE):
    result = run("lint", str(ARTICLE))
    assert result.exit_code == 0
    assert "panels[2].curves[0].milestones[4]: warning: milestone 200 is listed twice" \
        in result.stdout
    assert "fix: list each step once" in result.stdout
    assert "4 warnings" in result.stderr


def test_cli_strict_exits_1_when_there_are_warnings(ARTICLE):
    assert run("lint", str(ARTICLE), "--strict").exit_code == 1
    clean = run("lint", "cosine", "--t-max", "399", "--steps", "400", "--strict")
    assert clean.exit_code == 0 and clean.stdout == "" and "no warnings" in clean.stderr


def test_cli_flags_are_the_location():
    result = run("lint", "multistep", "--milestones", "30,60,90", "--steps", "100000")
    assert result.stdout.startswith("--milestones: warning: every milestone is in the first")
    result = run("lint", "cosine", "--t-max", "100,150", "--steps", "400")
    assert "--t-max (T_max=100): warning" in result.stdout
    assert "--t-max (T_max=150): warning" in result.stdout


def test_cli_json(ARTICLE):
    result = run("lint", str(ARTICLE), "--format", "json")
    warnings = json.loads(result.stdout)["warnings"]
    assert warnings[0]["rule"] == "duplicate-milestone"
    assert set(warnings[0]) == {"rule", "where", "curve", "message", "fix"}


def test_compare_prints_the_warnings_on_stderr(tmp_path, ARTICLE):
    out = tmp_path / "a.svg"
    result = run("compare", str(ARTICLE), "-o", str(out))
    assert result.exit_code == 0
    assert "warning: milestone 200 is listed twice" in result.stderr
    assert "warning" not in result.stdout
    assert out.exists()


def test_the_article_acknowledges_its_quirks_and_lints_clean():
    """configs/article.yaml keeps its deliberate quirks and says so: compare prints no warning,
    and the README's CI recipe (lint configs/*.yaml --strict) passes on every config."""
    assert run("lint", "--strict", *map(str, sorted((ROOT / "configs").glob("*.yaml")))) \
        .exit_code == 0
    doc = yamlio.load(str(CONFIG))
    spec = from_document(doc)
    assert lint.check(spec, doc, evaluate=compute.chunks) == []
    assert [c.lint_ignore for c in spec.panels[2].curves] == [("duplicate-milestone",)]


def test_acknowledgement_silences_only_its_rule_on_its_curve():
    text = ("steps: 400\ncurves:\n"
            "  - {type: multistep, milestones: [200, 200, 500], lint: {ignore: [duplicate-milestone]}}\n"
            "  - {type: multistep, milestones: [200, 200]}\n")
    doc = yamlio.loads(text, "f.yaml")
    warnings = lint.check(from_document(doc), doc, evaluate=compute.chunks)
    assert sorted((w.rule, w.where.split(": ")[-1]) for w in warnings) == [
        ("duplicate-milestone", "curves[1].milestones[1]"),
        ("milestone-beyond-run", "curves[0].milestones[2]")]
    assert lint.check(from_document(doc), doc, ignore=["duplicate-milestone"],
                      evaluate=compute.chunks)[0].rule == \
        "milestone-beyond-run"


@pytest.mark.parametrize("value, message", [
    ("{ignore: [duplicate-milestones]}", "did you mean 'duplicate-milestone'?"),
    ("[duplicate-milestone]", "expected a mapping such as {ignore: [duplicate-milestone]}"),
    ("{skip: [duplicate-milestone]}", "unknown key 'skip' (accepted: ignore)"),
])
def test_a_bad_acknowledgement_is_refused_where_it_is_written(value, message):
    from lrplot.spec import SpecError

    text = f"curves:\n  - {{type: multistep, milestones: [2, 2], lint: {value}}}\n"
    with pytest.raises(SpecError) as info:
        from_document(yamlio.loads(text, "f.yaml"))
    assert "f.yaml:2:" in str(info.value) and message in str(info.value)


def test_the_schema_knows_the_acknowledgement():
    import jsonschema

    from lrplot import schema

    validator = jsonschema.Draft7Validator(schema.generate())
    good = {"curves": [{"type": "multistep", "milestones": [2, 2],
                        "lint": {"ignore": ["duplicate-milestone"]}}]}
    bad = {"curves": [{"type": "multistep", "milestones": [2, 2],
                       "lint": {"ignore": ["no-such-rule"]}}]}
    assert not list(validator.iter_errors(good))
    assert list(validator.iter_errors(bad))
