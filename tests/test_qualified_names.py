"""Fully qualified framework names (``torch.optim.lr_scheduler.OneCycleLR``) name the same kind
as the short ones, wherever a kind name is accepted: the registry, YAML ``type``, commands."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lrplot import schedules
from lrplot.cli import main
from lrplot.spec import from_mapping


@pytest.mark.parametrize("qualified, short", [
    ("torch.optim.lr_scheduler.OneCycleLR", "onecycle"),
    ("torch.optim.lr_scheduler.ReduceLROnPlateau", "plateau"),
    ("transformers.get_cosine_schedule_with_warmup", "hf.cosine"),
    ("transformers.optimization.get_linear_schedule_with_warmup", "hf.linear"),
    ("timm.scheduler.cosine_lr.CosineLRScheduler", "timm.cosine"),
    ("timm.scheduler.CosineLRScheduler", "timm.cosine"),
    ("keras.optimizers.schedules.CosineDecay", "keras.cosine_decay"),
    ("optax.schedules.cosine_decay_schedule", "optax.cosine_decay"),
])
def test_qualified_names_are_aliases(qualified, short):
    assert schedules.get(qualified) is schedules.get(short)


@pytest.mark.parametrize("name", ["torch.foo.OneCycleLR", "torch.optim.OneCycleLR",
                                  "transformers.trainer.get_cosine_schedule_with_warmup"])
def test_other_module_paths_are_not(name):
    with pytest.raises(schedules.UnknownKind):
        schedules.get(name)


def test_in_yaml_and_on_the_command_line(tmp_path):
    figure = from_mapping({"curves": [{"type": "torch.optim.lr_scheduler.StepLR",
                                       "step_size": 3, "steps": 5}]})
    assert figure.curves[0].kind.name == "step"
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(main, ["torch.optim.lr_scheduler.OneCycleLR", "--max-lr", "0.1",
                                       "--total-steps", "10", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 11
