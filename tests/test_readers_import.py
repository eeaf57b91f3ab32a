"""A training config as a curve of an lrplot figure: ``{type: import, path: ..., dataset_size:
...}`` gives the same series as ``lrplot compare`` of the config itself."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from lrplot.cli import main

HF = Path(__file__).resolve().parent / "data" / "foreign" / "hf" / \
    "llamafactory_llama3_lora_sft.yaml"


def series(path: Path, out: Path, *flags: str) -> list[list[float]]:
    result = CliRunner().invoke(main, ["compare", str(path), *flags, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return [c["lr"] for c in json.loads(out.read_text())["panels"][0]["curves"]]


def test_an_imported_config_is_the_same_curve_as_the_config_itself(tmp_path):
    shutil.copy(HF, tmp_path / "mine.yaml")
    figure = tmp_path / "fig.yaml"
    figure.write_text("curves:\n"
                      "  - {type: import, path: mine.yaml, dataset_size: 1091, label: mine}\n"
                      "  - {type: hf.linear, num_warmup_steps: 42, num_training_steps: 411,\n"
                      "     base_lr: 1.0e-4, steps: 412}\n")
    imported, linear = series(figure, tmp_path / "a.json")
    [direct] = series(tmp_path / "mine.yaml", tmp_path / "b.json", "--dataset-size", "1091")
    assert imported == direct and len(linear) == len(direct) == 412


def test_problems_are_located_in_the_figure_and_the_imported_file(tmp_path):
    shutil.copy(HF, tmp_path / "mine.yaml")
    figure = tmp_path / "fig.yaml"
    figure.write_text("curves:\n  - {type: import, path: mine.yaml, dataset_sise: 10}\n")
    result = CliRunner().invoke(main, ["validate", str(figure)])
    assert result.exit_code == 2 and "unknown key 'dataset_sise'" in result.output
    figure.write_text("curves:\n  - {type: import, path: mine.yaml}\n")
    result = CliRunner().invoke(main, ["validate", str(figure)])
    assert result.exit_code == 2
    assert "mine.yaml:31:1: num_train_epochs: 3 needs the optimizer steps per epoch" in \
        result.output and "the keys dataset_size" in result.output
    figure.write_text("curves:\n  - {type: import, path: fig.yaml}\n")
    result = CliRunner().invoke(main, ["validate", str(figure)])
    assert result.exit_code == 2 and "is an lrplot figure, not a training config" in \
        result.output
    figure.write_text("curves:\n  - {type: import, path: missing.yaml}\n")
    result = CliRunner().invoke(main, ["validate", str(figure)])
    assert result.exit_code == 2 and "missing.yaml: no such file" in result.output


def test_an_imported_config_stays_in_the_figures_directory_unless_trusted(tmp_path):
    shutil.copy(HF, tmp_path / "mine.yaml")
    (tmp_path / "sub").mkdir()
    figure = tmp_path / "sub" / "fig.yaml"
    figure.write_text("curves:\n  - {type: import, path: ../mine.yaml, dataset_size: 1091}\n")
    refused = CliRunner().invoke(main, ["compare", str(figure), "-o", str(tmp_path / "a.json")])
    assert refused.exit_code == 2 and "outside the config's directory" in refused.output
    assert not (tmp_path / "a.json").exists()
    (tmp_path / "link.yaml").symlink_to("/etc/passwd")
    shutil.move(tmp_path / "link.yaml", tmp_path / "sub" / "link.yaml")
    figure.write_text("curves:\n  - {type: import, path: link.yaml, dataset_size: 1091}\n")
    leaked = CliRunner().invoke(main, ["validate", str(figure)])
    assert leaked.exit_code == 2 and "root:" not in leaked.output
    figure.write_text("curves:\n  - {type: import, path: ../mine.yaml, dataset_size: 1091}\n")
    trusted = CliRunner().invoke(main, ["compare", str(figure), "--allow-outside",
                                        "-o", str(tmp_path / "a.json")])
    assert trusted.exit_code == 0, trusted.output
