"""``lrplot stats ... --at N``: the lr at a step, answered directly."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
from click.testing import CliRunner

import lrplot
from lrplot import stats
from lrplot.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_lr_at_equals_the_series_at_that_step():
    result = run("stats", "hf.cosine", "--num-warmup-steps", "500", "--num-training-steps",
                 "10000", "--steps", "10000", "--at", "0,1000,5000", "--at", "9999",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    (curve,) = json.loads(result.stdout)["curves"]
    lr = lrplot.schedule("hf.cosine", steps=10000, num_warmup_steps=500,
                         num_training_steps=10000)
    assert curve["lr_at"] == {str(s): float(lr[s]) for s in (0, 1000, 5000, 9999)}


def test_lr_at_across_chunks_matches_whole_series():
    lr = np.linspace(1.0, 0.0, 1000)
    numbers = stats.summarize([lr[:300], lr[300:700], lr[700:]], at=(299, 300, 999, 5))
    assert numbers["lr_at"] == ((299, lr[299]), (300, lr[300]), (999, lr[999]), (5, lr[5]))


def test_lr_at_in_table_and_csv():
    table = run("stats", "cosine", "--t-max", "100", "--steps", "200", "--at", "50")
    assert "lr@50" in table.stdout.splitlines()[0]
    rows = list(csv.DictReader(io.StringIO(run(
        "stats", "cosine", "--t-max", "100", "--steps", "200", "--at", "50,100",
        "--format", "csv").stdout)))
    assert float(rows[0]["lr@50"]) == float(lrplot.schedule("cosine", steps=200, T_max=100)[50])
    assert float(rows[0]["lr@100"]) == 0.0


def test_a_step_past_the_run_is_refused():
    result = run("stats", "cosine", "--t-max", "100", "--steps", "200", "--at", "200")
    assert result.exit_code == 2
    assert "--at 200: past the last step" in result.stderr and "--steps 201" in result.stderr
    bad = run("stats", "cosine", "--t-max", "100", "--at", "-3")
    assert bad.exit_code == 2 and "--at" in bad.stderr
