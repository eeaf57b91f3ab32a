"""The linter against real recipes: standard setups from the frameworks' docs and examples
(tests/lint_clean, each with its source) must lint clean, and common mistakes
(tests/lint_mistakes, each with the rule it expects) must warn — a linter that warns on the
standard recipe teaches people to ignore it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lrplot import compute, lint, yamlio
from lrplot.spec import from_document

HERE = Path(__file__).resolve().parent
CLEAN = sorted((HERE / "lint_clean").glob("*.yaml"))
MISTAKES = sorted((HERE / "lint_mistakes").glob("*.yaml"))


def _warnings(path: Path) -> list[lint.LintWarning]:
    doc = yamlio.load(str(path))
    return lint.check(from_document(doc), doc, evaluate=compute.chunks)


def test_the_corpora_cover_every_framework():
    frameworks = {re.search(r"type: (\w+)", path.read_text()).group(1).split(".")[0]
                  for path in CLEAN}
    assert {"hf", "keras", "optax", "timm", "cosine", "step", "multistep", "onecycle"} <= \
        frameworks
    assert len(MISTAKES) >= 10


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.stem)
def test_standard_recipes_lint_clean(path):
    assert "# source:" in path.read_text(), "say where the recipe comes from"
    assert _warnings(path) == []


@pytest.mark.parametrize("path", MISTAKES, ids=lambda p: p.stem)
def test_mistakes_warn(path):
    expected = re.search(r"^# expect: ([a-z-]+)$", path.read_text(), re.M).group(1)
    assert expected in [w.rule for w in _warnings(path)]


@pytest.mark.parametrize("kind, param", [
    ("hf.cosine", "num_training_steps"), ("hf.linear", "num_training_steps"),
    ("cosine", "T_max"), ("polynomial", "total_iters"), ("keras.cosine_decay", "decay_steps"),
    ("optax.cosine_decay", "decay_steps")])
def test_one_rule_for_every_framework_run_length_equals_schedule_length(kind, param):
    """steps = the schedule's length is clean; one step short warns, and the advice is the
    schedule as long as the run (never steps - 1)."""
    extra = {"num_warmup_steps": 10} if kind.startswith("hf.") else {}

    def lint_at(steps):
        text = f"steps: {steps}\ncurves:\n  - {{type: {kind}, {param}: 100" + "".join(
            f", {k}: {v}" for k, v in extra.items()) + "}\n"
        doc = yamlio.loads(text, "f.yaml")
        return lint.check(from_document(doc), doc, evaluate=compute.chunks)

    assert lint_at(100) == []
    (w,) = lint_at(90)
    assert w.rule == "floor-not-reached" and f"set {param}: 90 " in w.fix


def test_a_scheduler_stepped_per_epoch_is_linted_in_epochs():
    """interval: epoch steps the scheduler once per epoch: T_max = epochs is the standard
    recipe there too, and epoch-sized parameters are no per-iteration mistake."""
    text = ("steps_per_epoch: 200\nsteps: 6000\ncurves:\n"
            "  - {type: cosine, T_max: 30, interval: epoch}\n"
            "  - {type: multistep, milestones: [10, 20], interval: epoch}\n")
    doc = yamlio.loads(text, "f.yaml")
    assert lint.check(from_document(doc), doc, evaluate=compute.chunks) == []
    late = text.replace("T_max: 30", "T_max: 20")
    doc = yamlio.loads(late, "f.yaml")
    (w,) = lint.check(from_document(doc), doc, evaluate=compute.chunks)
    assert w.rule == "cosine-past-t-max" and "T_max: 30" in w.fix
