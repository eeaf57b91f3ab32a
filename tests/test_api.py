"""The Python API, as documented in lrplot/api.py: schedule, load, series, plot, save."""

from __future__ import annotations

import csv
import doctest
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

import lrplot
import lrplot.api
from lrplot.compute import PanelSeries, Series
from lrplot.spec import FigureSpec, SpecError

DATA = Path(__file__).parent / "data"
COSINE_SWEEP = {"curves": [{"type": "cosine", "T_max": 50, "sweep": {"eta_min": [0, 0.01]}}]}


def test_docstring_example_runs():
    result = doctest.testmod(lrplot.api, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4
    assert result.failed == 0


def test_public_names():
    """Real functions of the package (help(), dir(), IDEs and mypy see them), with the
    parameters of the functions in lrplot.api that do the work."""
    import inspect
    import pydoc

    assert set(lrplot.__all__) >= {"__version__", "load", "plot", "save", "schedule", "series"}
    for name in ("load", "plot", "save", "schedule", "series"):
        public, work = getattr(lrplot, name), getattr(lrplot.api, name)
        assert inspect.isfunction(public) and public.__module__ == "lrplot"
        assert name in dir(lrplot) and public.__doc__
        assert list(inspect.signature(public).parameters) == \
            list(inspect.signature(work).parameters), name
    text = pydoc.render_doc(lrplot, renderer=pydoc.plaintext)
    for name in ("schedule(kind", "plot(what", "save(what", "load(config", "series(spec"):
        assert name in text
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        lrplot.nope  # noqa: B018


SERIES_TWICE = """
import lrplot
spec = lrplot.load({"steps": 3, "curves": [{"type": "cosine", "T_max": 5}]})
first = lrplot.series(spec)    # imports the submodules that compute series ...
second = lrplot.series(spec)   # ... none of which may replace the function lrplot.series
assert callable(lrplot.series) and lrplot.series.__module__ == "lrplot", lrplot.series
print(len(first), len(second))
"""


def test_lrplot_series_stays_the_function():
    done = subprocess.run([sys.executable, "-c", SERIES_TWICE], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "1"]


# -- schedule --------------------------------------------------------------------------------------


def test_schedule_docstring_values():
    lr = lrplot.schedule("step", steps=6, step_size=2, gamma=0.5)
    assert isinstance(lr, np.ndarray) and lr.dtype == np.float64
    assert lr.tolist() == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]


def test_schedule_lr0_is_base_lr_at_construction():
    for kind, params in [("exponential", {"gamma": 0.9}), ("step", {"step_size": 3}),
                         ("multistep", {"milestones": [3]}), ("cosine", {"T_max": 3})]:
        lr = lrplot.schedule(kind, steps=5, base_lr=0.7, **params)
        assert lr[0] == 0.7 and len(lr) == 5, kind


def test_schedule_class_name_and_framework_spelling():
    short = lrplot.schedule("cosine", steps=20, T_max=7, eta_min=0.01)
    assert np.array_equal(lrplot.schedule("CosineAnnealingLR", steps=20, T_max=7, eta_min=0.01),
                          short)
    assert np.array_equal(lrplot.schedule("cosine", steps=20, t_max=7, eta_min=0.01), short)


def test_schedule_follows_torch_semantics():
    # The cosine rises again after T_max; multistep's duplicate milestones compound.
    cos = lrplot.schedule("cosine", steps=9, T_max=4)
    assert cos[4] == pytest.approx(0.0, abs=1e-15) and cos[8] == pytest.approx(0.1)
    multi = lrplot.schedule("multistep", steps=4, milestones=[2, 2], gamma=0.5)
    assert multi.tolist() == [0.1, 0.1, 0.025, 0.025]


def test_schedule_default_steps_is_the_kind_horizon():
    assert len(lrplot.schedule("cosine", T_max=150)) == 301
    assert len(lrplot.schedule("step", step_size=10)) == 50


@pytest.mark.parametrize("kind, params, needles", [
    ("cosine", {"T_max": 0}, ["T_max", "an integer >= 1", "got 0"]),
    ("cosine", {}, ["T_max", "needs T_max"]),
    ("exponential", {"gamma": float("nan")}, ["gamma", "a finite number > 0"]),
    ("exponential", {"gamma": "0.5"}, ["gamma", "got the string '0.5'"]),
    ("multistep", {"milestones": 5}, ["milestones", "a list of integers >= 0"]),
    ("cosine", {"T_max": 5, "t_mx": 1}, ["t_mx", "did you mean 't_max'?"]),
    ("cosin", {"T_max": 5}, ["'cosin'", "did you mean 'cosine'?"]),
])
def test_schedule_invalid_values_raise_spec_error_naming_the_parameter(kind, params, needles):
    with pytest.raises(SpecError) as info:
        lrplot.schedule(kind, steps=5, **params)
    for needle in needles:
        assert needle in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("extra", [{"steps": 0}, {"base_lr": 0}, {"base_lr": -0.1}])
def test_schedule_invalid_steps_or_base_lr(extra):
    args = {"steps": 5, **extra}
    with pytest.raises(SpecError, match=next(iter(extra))):
        lrplot.schedule("cosine", T_max=5, **args)


# -- load ------------------------------------------------------------------------------------------


def test_load_mapping_path_and_str_agree(tmp_path):
    from_path = lrplot.load(DATA / "figure.yaml")
    from_str = lrplot.load(str(DATA / "figure.yaml"))
    assert isinstance(from_path, FigureSpec)
    assert from_path == from_str
    assert [c.label for c in from_path.curves] == [c.label for c in from_str.curves]


def test_load_mapping_matches_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("curves:\n  - type: cosine\n    T_max: 50\n    sweep: {eta_min: [0, 0.01]}\n")
    from_yaml, from_mapping = lrplot.load(path), lrplot.load(COSINE_SWEEP)
    assert [(c.kind.name, dict(c.params), c.base_lr, c.steps, c.label)
            for c in from_yaml.curves] == [(c.kind.name, dict(c.params), c.base_lr, c.steps,
                                            c.label) for c in from_mapping.curves]


def test_load_does_not_modify_the_mapping():
    data = json.loads(json.dumps(COSINE_SWEEP))
    lrplot.load(data)
    assert data == COSINE_SWEEP


def test_load_missing_file():
    with pytest.raises(FileNotFoundError):
        lrplot.load(DATA / "absent.yaml")


# -- series ----------------------------------------------------------------------------------------


def test_series():
    panels = lrplot.series(lrplot.load(COSINE_SWEEP))
    assert isinstance(panels, list) and len(panels) == 1
    [panel] = panels
    assert isinstance(panel, PanelSeries) and panel.title == "CosineAnnealingLR"
    assert all(isinstance(s, Series) for s in panel.series)
    assert [s.label for s in panel.series] == ["eta_min=0", "eta_min=0.01"]
    assert [s.schedule for s in panel.series] == [
        {"type": "cosine", "T_max": 50, "eta_min": 0.0, "base_lr": 0.1},
        {"type": "cosine", "T_max": 50, "eta_min": 0.01, "base_lr": 0.1}]
    for s in panel.series:
        assert len(s.lr) == 101  # default horizon 2*T_max+1
        params = {k: v for k, v in s.schedule.items() if k not in ("type", "base_lr")}
        assert np.array_equal(s.lr, lrplot.schedule("cosine", steps=101, **params))
    assert panel.series[1].lr.min() == pytest.approx(0.01)


# -- plot ------------------------------------------------------------------------------------------


def test_plot_returns_a_figure():
    fig = lrplot.plot(lrplot.load(COSINE_SWEEP))
    assert isinstance(fig, Figure)
    [ax] = fig.axes
    assert ax.get_title() == "CosineAnnealingLR"
    assert len(ax.get_lines()) == 2


def test_plot_size_and_dpi():
    fig = lrplot.plot(lrplot.load(COSINE_SWEEP), size=(6, 2), dpi=72)
    assert tuple(fig.get_size_inches()) == (6, 2) and fig.dpi == 72


def test_plot_notebook_display():
    """A Figure shows itself inline in notebooks through its PNG repr."""
    fig = lrplot.plot(lrplot.load(COSINE_SWEEP))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")


# -- save ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ext, magic", [("png", b"\x89PNG\r\n\x1a\n"), ("svg", b"<?xml"),
                                        ("pdf", b"%PDF-"), ("csv", b"step,"),
                                        ("json", b'{"panels": ')])
def test_save_every_format(tmp_path, ext, magic):
    path = str(tmp_path / f"cosine.{ext}")
    assert lrplot.save(lrplot.load(COSINE_SWEEP), path) == path
    assert Path(path).read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [f"cosine.{ext}"]


def test_save_csv_and_json_carry_exact_values(tmp_path):
    spec = lrplot.load(COSINE_SWEEP)
    lrplot.save(spec, str(tmp_path / "a.csv"))
    lrplot.save(spec, str(tmp_path / "a.json"))
    expected = [s.lr.tolist() for s in lrplot.api.series(spec)[0].series]
    rows = list(csv.reader(io.StringIO((tmp_path / "a.csv").read_text())))
    assert rows[0] == ["step", "eta_min=0", "eta_min=0.01"]
    assert [[float(r[1]) for r in rows[1:]], [float(r[2]) for r in rows[1:]]] == expected
    document = json.loads((tmp_path / "a.json").read_text())
    assert [c["lr"] for c in document["panels"][0]["curves"]] == expected


def test_save_size_and_dpi(tmp_path):
    path = tmp_path / "s.png"
    lrplot.save(lrplot.load(COSINE_SWEEP), str(path), size=(2, 1), dpi=40)
    assert path.read_bytes()[16:24] == (80).to_bytes(4, "big") + (40).to_bytes(4, "big")


@pytest.mark.parametrize("name", ["lr.txt", "lr"])
def test_save_unknown_suffix_raises_and_writes_nothing(tmp_path, name):
    with pytest.raises(ValueError, match=r"\.png"):
        lrplot.save(lrplot.load(COSINE_SWEEP), str(tmp_path / name))
    assert list(tmp_path.iterdir()) == []


def test_save_is_atomic_when_drawing_fails(tmp_path, monkeypatch):
    """A failure while drawing leaves the old file intact and no temporary file."""
    from lrplot import render

    def half_written(fig, stream, fmt, *args, **kwargs):
        stream.write(b"<svg")
        raise ValueError("drawing failed")

    monkeypatch.setattr(render, "save", half_written)
    path = tmp_path / "lr.svg"
    path.write_bytes(b"precious")
    spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 5}]})
    with pytest.raises(ValueError, match="drawing failed"):
        lrplot.save(spec, str(path))
    assert path.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["lr.svg"]


def test_save_replaces_an_existing_file(tmp_path):
    path = tmp_path / "lr.json"
    path.write_text("old")
    lrplot.save(lrplot.load(COSINE_SWEEP), str(path))
    assert json.loads(path.read_text())["panels"][0]["title"] == "CosineAnnealingLR"
