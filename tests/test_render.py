"""The renderer: deterministic bytes, no pyplot, cheap imports, and what the figure contains."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lrplot
import lrplot.api

DATA = Path(__file__).parent / "data"
FIGURE = DATA / "figure.yaml"  # three panels, sweeps, a figure title
SMALL = DATA / "determinism.yaml"  # two panels, a sweep, log y: cheap to render in subprocesses

# Renders SMALL through the public API in a fresh interpreter, to all three figure formats, and
# reports which matplotlib modules that pulled in.
RENDER_SCRIPT = """
import json, sys
import lrplot
spec = lrplot.load(sys.argv[1])
for ext in sys.argv[3].split(","):
    lrplot.save(spec, sys.argv[2] + "/fig." + ext)
print(json.dumps(sorted(m for m in sys.modules if m.startswith("matplotlib"))))
"""


def _start_render(out: Path, formats: str = "svg,pdf,png", **env: str) -> subprocess.Popen:
    out.mkdir()
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("MATPLOTLIBRC", "SOURCE_DATE_EPOCH")}
    environment.update(env)
    return subprocess.Popen([sys.executable, "-c", RENDER_SCRIPT, str(SMALL), str(out), formats],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=environment)


@pytest.fixture(scope="module")
def renders(tmp_path_factory) -> dict[str, tuple[Path, list[str]]]:
    """Three independent renders, run in parallel: two hash seeds, and one with a user rc file."""
    root = tmp_path_factory.mktemp("renders")
    rc = root / "matplotlibrc"
    rc.write_text("font.family: serif\nlines.linestyle: --\nlegend.loc: upper left\n")
    jobs = {
        "seed1": _start_render(root / "seed1", PYTHONHASHSEED="1"),
        "seed2": _start_render(root / "seed2", PYTHONHASHSEED="2"),
        "userrc": _start_render(root / "userrc", "svg", PYTHONHASHSEED="3",
                                MATPLOTLIBRC=str(rc)),
    }
    results = {}
    for name, job in jobs.items():
        stdout, stderr = job.communicate()
        assert job.returncode == 0, stderr
        results[name] = (root / name, json.loads(stdout))
    return results


@pytest.mark.parametrize("ext", ["svg", "pdf", "png"])
def test_same_input_same_bytes_across_processes_and_hash_seeds(renders, ext):
    first, second = renders["seed1"][0], renders["seed2"][0]
    a, b = (first / f"fig.{ext}").read_bytes(), (second / f"fig.{ext}").read_bytes()
    assert len(a) > 1000
    assert a == b


def test_outputs_carry_no_date(renders):
    svg = (renders["seed1"][0] / "fig.svg").read_text()
    pdf = (renders["seed1"][0] / "fig.pdf").read_bytes()
    assert "<dc:date>" not in svg
    assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf


def test_rendering_uses_no_pyplot(renders):
    for _, modules in renders.values():
        assert "matplotlib" in modules  # it did draw
        assert "matplotlib.pyplot" not in modules
        assert not [m for m in modules if m.startswith("matplotlib.backends.backend_")
                    and m != "matplotlib.backends.backend_agg"
                    and not m.startswith("matplotlib.backends.backend_pdf")
                    and not m.startswith("matplotlib.backends.backend_svg")
                    and m != "matplotlib.backends.backend_mixed"], modules


def test_user_matplotlibrc_does_not_change_the_figure(renders):
    ours = (renders["seed1"][0] / "fig.svg").read_bytes()
    theirs = (renders["userrc"][0] / "fig.svg").read_bytes()
    assert ours == theirs


def test_same_bytes_twice_in_one_process(tmp_path):
    """No counter or cache carried from one figure to the next (SVG ids, font subsets)."""
    spec = lrplot.load({"title": "twice", "steps": 30, "curves": [
        {"type": "exponential", "sweep": {"gamma": [0.8, 0.9]}}]})
    for ext in ("svg", "pdf"):
        lrplot.save(spec, str(tmp_path / f"a.{ext}"))
        lrplot.save(spec, str(tmp_path / f"b.{ext}"))
        assert (tmp_path / f"a.{ext}").read_bytes() == (tmp_path / f"b.{ext}").read_bytes(), ext


# -- cheap commands stay cheap ---------------------------------------------------------------------

IMPORT_SCRIPT = """
import json, sys
from lrplot.cli import main
try:
    main(sys.argv[1:], prog_name="lrplot")
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "heavy": sorted(m for m in ("numpy", "matplotlib")
                                                 if m in sys.modules)}), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["list"], ["--version"], ["cosine", "-h"],
                                  ["compare", "--help"]], ids=" ".join)
def test_help_and_list_import_neither_numpy_nor_matplotlib(args):
    done = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT, *args], capture_output=True,
                          text=True, check=False)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None)
    assert done.stdout  # it did print help / the list
    assert report["heavy"] == []


def test_import_lrplot_is_cheap():
    done = subprocess.run(
        [sys.executable, "-c", "import sys, lrplot; lrplot.__version__; "
                               "print([m for m in ('numpy', 'matplotlib', 'click') "
                               "if m in sys.modules])"],
        capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


DEFERRED_SCRIPT = """
import sys
from lrplot import _matplotlib
_matplotlib.import_for_command()
import matplotlib.dviread, fontTools
deferred = "toUnicode" not in vars(sys.modules["fontTools.agl"])  # not loaded yet
print(deferred, fontTools.agl.toUnicode("Aacute") == "\\u00c1",
      matplotlib.dviread.fontTools is fontTools)
"""


def test_the_command_defers_the_glyph_list_and_still_finds_it_on_use():
    done = subprocess.run([sys.executable, "-c", DEFERRED_SCRIPT], capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["True", "True", "True"]


GC_SCRIPT = """
import gc, sys
collections = []
gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info))
if sys.argv[1] == "off":
    gc.disable()
from lrplot import _matplotlib
collections.clear()
_matplotlib.import_for_command()
print(len(collections), gc.isenabled(), gc.get_freeze_count() > 10_000)
"""


@pytest.mark.parametrize("before", ["on", "off"])
def test_the_command_imports_without_collecting_then_freezes_what_it_imported(before):
    """No garbage collection while matplotlib and numpy are imported; afterwards the collector
    is as it was, and skips what the imports left (frozen)."""
    done = subprocess.run([sys.executable, "-c", GC_SCRIPT, before], capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["0", str(before == "on"), "True"]


def test_the_paused_collector_collects_nothing_then_resumes_as_it_was():
    import gc

    from lrplot import gc_pause

    collections = []

    def record(phase, info):
        if phase == "start":
            collections.append(info)

    gc.callbacks.append(record)
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            with gc_pause.paused():
                assert not gc.isenabled()
                cycles = [[] for _ in range(100_000)]
                for c in cycles:
                    c.append(c)
            assert gc.isenabled() is enabled
            assert collections == [] and gc.get_freeze_count() >= 100_000
            gc.unfreeze()
            del cycles
    finally:
        gc.callbacks.remove(record)
        gc.unfreeze()
        gc.enable()


# -- what the figure contains ----------------------------------------------------------------------


def visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def test_one_axes_per_panel_with_titles_and_labels():
    spec = lrplot.load(FIGURE)
    fig = lrplot.plot(spec)
    axes = visible_axes(fig)
    assert len(axes) == 3
    assert len(fig.axes) == 4  # a 2x2 grid, the spare one hidden
    assert [ax.get_title() for ax in axes] == ["figure defaults", "panel overrides",
                                               "CosineAnnealingLR"]
    assert all(ax.get_xlabel() == "step" for ax in axes)
    assert all(ax.get_ylabel() == "learning rate" for ax in axes)
    assert fig._suptitle is not None and fig._suptitle.get_text() == "Cascade"


def test_each_curve_is_a_line_with_its_numbers_and_label():
    spec = lrplot.load(FIGURE)
    fig = lrplot.plot(spec)
    for ax, panel in zip(visible_axes(fig), lrplot.api.series(spec)):
        lines = ax.get_lines()
        assert len(lines) == len(panel.series)
        for line, series in zip(lines, panel.series):
            assert line.get_label() == series.label
            np.testing.assert_array_equal(line.get_ydata(), series.lr)
            np.testing.assert_array_equal(line.get_xdata(), np.arange(len(series.lr)))
    legend = visible_axes(fig)[2].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "eta_min=0", "eta_min=0.001", "CosineAnnealingLR(T_max=20, eta_min=0.0003)"]


def test_linear_axis_by_default_starting_at_zero():
    fig = lrplot.plot(lrplot.load({"steps": 10, "curves": [{"type": "exponential",
                                                            "gamma": 0.5}]}))
    [ax] = visible_axes(fig)
    assert ax.get_yscale() == "linear"
    assert ax.get_ylim()[0] == 0
    assert ax.get_xlim() == (0, 9)


def test_log_y_sets_a_log_scale_on_every_panel():
    spec = lrplot.load({"log_y": True, "steps": 10, "panels": [
        {"curves": [{"type": "exponential", "gamma": 0.5}]},
        {"curves": [{"type": "cosine", "T_max": 20}]}]})
    assert spec.log_y
    axes = visible_axes(lrplot.plot(spec))
    assert [ax.get_yscale() for ax in axes] == ["log", "log"]


@pytest.mark.parametrize("n, grid", [(1, (1, 1)), (2, (1, 2)), (3, (2, 2)), (5, (2, 3))])
def test_grid_and_default_size(n, grid):
    spec = lrplot.load({"steps": 5, "panels": [
        {"title": f"p{i}", "curves": [{"type": "exponential", "gamma": 0.5, "label": f"p{i}"}]}
        for i in range(n)]})
    fig = lrplot.plot(spec)  # no legend: nothing placed outside, so the size is the default
    rows, cols = grid
    assert len(fig.axes) == rows * cols
    assert [ax.get_title() for ax in visible_axes(fig)] == [f"p{i}" for i in range(n)]
    width, height = fig.get_size_inches()
    assert width == pytest.approx(5.6 * cols) and height == pytest.approx(3.6 * rows)


def test_size_and_dpi():
    fig = lrplot.plot(lrplot.load({"curves": [{"type": "cosine", "T_max": 5}]}), size=(4, 3),
                      dpi=50)
    assert tuple(fig.get_size_inches()) == (4, 3)
    assert fig.dpi == 50
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue()[16:24] == (200).to_bytes(4, "big") + (150).to_bytes(4, "big")


def test_figure_has_its_own_agg_canvas():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = lrplot.plot(lrplot.load({"curves": [{"type": "cosine", "T_max": 5}]}))
    assert isinstance(fig.canvas, FigureCanvasAgg)
