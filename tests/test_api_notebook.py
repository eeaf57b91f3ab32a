"""The Python API where people work: any input to plot/save, drawing into the caller's Axes,
display in a real Jupyter kernel and with pyplot, extra series by name, and types mypy sees."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

import lrplot
from lrplot.spec import SpecError

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "configs" / "article.yaml"
CURVE = {"type": "cosine", "T_max": 150, "steps": 400}


# -- what plot and save accept -------------------------------------------------------------------


def _lines(fig) -> list[np.ndarray]:
    return [line.get_ydata() for ax in fig.axes for line in ax.get_lines()]


def test_plot_takes_a_kind_a_mapping_a_path_or_a_spec(tmp_path):
    by_kind = lrplot.plot("cosine", T_max=150, steps=400)
    by_mapping = lrplot.plot({"curves": [CURVE]})
    by_spec = lrplot.plot(lrplot.load({"curves": [CURVE]}))
    config = tmp_path / "c.yaml"
    config.write_text("curves:\n  - {type: cosine, T_max: 150, steps: 400}\n")
    by_path, by_str = lrplot.plot(config), lrplot.plot(str(config))
    expected = lrplot.schedule("cosine", steps=400, T_max=150)
    for fig in (by_kind, by_mapping, by_spec, by_path, by_str):
        assert isinstance(fig, Figure)
        (line,) = _lines(fig)
        assert np.array_equal(line, expected)


def test_plot_figure_options_and_sweeps():
    fig = lrplot.plot("exponential", sweep={"gamma": [0.9, 0.99]}, steps=50, title="decay",
                      log_y=True)
    (ax,) = fig.axes
    assert fig.get_suptitle() == "decay" and ax.get_yscale() == "log"
    assert len(ax.get_lines()) == 2


def test_save_takes_the_same(tmp_path):
    lrplot.save("cosine", tmp_path / "a.csv", T_max=10, steps=20)
    lrplot.save({"curves": [{"type": "cosine", "T_max": 10, "steps": 20}]}, tmp_path / "b.csv")
    lrplot.save(ARTICLE, tmp_path / "article.svg")
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    assert (tmp_path / "article.svg").read_bytes().startswith(b"<?xml")


def test_parameters_go_with_a_kind_only():
    with pytest.raises(TypeError, match="go with a kind name"):
        lrplot.plot({"curves": [CURVE]}, T_max=5)
    with pytest.raises(TypeError, match="expected a kind name"):
        lrplot.plot(42)
    with pytest.raises(SpecError, match="did you mean 'cosine'"):
        lrplot.plot("cosin", T_max=5)


# -- extra series by name -----------------------------------------------------------------------


def test_schedule_returns_the_momentum_by_name():
    torch = pytest.importorskip("torch")
    momentum = lrplot.schedule("onecycle", steps=50, max_lr=0.5, total_steps=50,
                               series="momentum")
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.5, total_steps=50)
    expected = [optimizer.param_groups[0]["momentum"]]
    for _ in range(49):
        optimizer.step()
        scheduler.step()
        expected.append(optimizer.param_groups[0]["momentum"])
    assert np.allclose(momentum, expected, rtol=1e-12, atol=0)
    assert not np.allclose(momentum, lrplot.schedule("onecycle", steps=50, max_lr=0.5,
                                                     total_steps=50))


@pytest.mark.parametrize("kind, params, series, message", [
    ("cosine", {"T_max": 5}, "momentum", "cosine does not compute the momentum"),
    ("onecycle", {"max_lr": 0.1, "total_steps": 9}, "metric", "does not compute the metric"),
    ("cosine", {"T_max": 5}, "momentom", "expected a list of lr, momentum, metric"),
])
def test_schedule_refuses_a_series_the_kind_does_not_compute(kind, params, series, message):
    with pytest.raises(SpecError, match=message):
        lrplot.schedule(kind, steps=5, series=series, **params)


# -- into the caller's Axes ---------------------------------------------------------------------


def _snapshot(fig, ax) -> dict:
    import matplotlib

    return {"size": tuple(fig.get_size_inches()), "dpi": fig.dpi,
            "layout": type(fig.get_layout_engine()).__name__,
            "axes": [(a.get_title(), len(a.get_lines()), a.get_facecolor(), a.get_xlim(),
                      a.get_ylim(), a.spines["top"].get_visible()) for a in fig.axes if a is not ax],
            "rc": dict(matplotlib.rcParams)}


def test_ax_draws_into_the_callers_axes_and_touches_nothing_else():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from lrplot import render

    fig = Figure(figsize=(9, 3))
    FigureCanvasAgg(fig)
    loss, target = fig.subplots(1, 2)
    loss.plot(np.linspace(1, 0, 400), label="loss")
    loss.set_title("loss")
    before = _snapshot(fig, target)
    returned = lrplot.plot({"annotate": True, "curves": [
        {"type": "multistep", "milestones": [100, 300], "steps": 400},
        {"type": "cosine", "T_max": 400, "steps": 400}]}, ax=target)
    assert returned is target
    assert _snapshot(fig, target) == before
    # lrplot's look on its Axes: its colours, labels, legend, grid, spines, annotations
    colors = render._style()["axes.prop_cycle"].by_key()["color"]
    import matplotlib.colors as mcolors

    assert [mcolors.to_hex(line.get_color()) for line in target.get_lines()[:2]] == \
        [mcolors.to_hex("#" + c if not c.startswith("#") else c) for c in colors[:2]]
    assert target.get_xlabel() == "step" and target.get_ylabel() == "learning rate"
    assert target.get_legend() is not None
    assert not target.spines["top"].get_visible()
    assert target.xaxis.get_gridlines()[0].get_visible()
    assert any("milestone" in t.get_text() for t in target.texts)
    fig.canvas.draw()  # it renders


def test_ax_one_per_panel():
    fig = Figure()
    axes = fig.subplots(2, 2)
    assert lrplot.plot(ARTICLE, ax=axes) is axes
    # a long title wraps at a space (before " ("): compare the words
    assert [" ".join(a.get_title().split()) for a in axes.flat] == [
        "ExponentialLR", "StepLR (step_size=50)", "MultiStepLR", "CosineAnnealingLR (eta_min=0)"]
    with pytest.raises(ValueError, match="4 panels"):
        lrplot.plot(ARTICLE, ax=axes[0, 0])
    with pytest.raises(TypeError, match="with ax= the figure is yours"):
        lrplot.plot(ARTICLE, ax=axes, size=(4, 4))


# -- showing it ---------------------------------------------------------------------------------


def _python(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": os.pathsep.join(
        [str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)


def test_the_figure_shows_itself_as_png():
    fig = lrplot.plot("cosine", T_max=10)
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG")
    stream = io.BytesIO()
    lrplot.save("cosine", stream, format="png", T_max=10)
    assert png[16:24] == stream.getvalue()[16:24]  # the same width and height as save draws


def test_pyplot_users_get_a_pyplot_figure_and_fig_show_never_raises():
    done = _python("""
        import sys, warnings
        import lrplot
        fig = lrplot.plot("cosine", T_max=10)
        assert "matplotlib.pyplot" not in sys.modules     # no pyplot unless asked for
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")               # Agg: "cannot be shown"
            fig.show()                                    # matplotlib's own would raise
        import matplotlib.pyplot as plt
        assert plt.gcf() is fig
        other = lrplot.plot("step", step_size=3)          # pyplot in use: pyplot's figure
        assert plt.gcf() is other and len(plt.get_fignums()) == 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            plt.show()
        print("ok")
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_saving_never_leaves_figures_in_pyplot():
    done = _python("""
        import io
        import matplotlib.pyplot as plt
        import lrplot
        for i in range(3):
            lrplot.save("cosine", io.BytesIO(), format="svg", T_max=10)
        print(plt.get_fignums())
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


NOTEBOOK = [
    # a fresh kernel, no %matplotlib, no pyplot: the figure as the cell's value
    'import lrplot\nlrplot.plot("cosine", T_max=150, steps=400)',
    # assigned: nothing to show (as for any object)
    'fig = lrplot.plot("cosine", T_max=150)',
    # display() of it
    'from IPython.display import display\ndisplay(fig)',
    # pyplot in use: shown once, whether it is the cell's value or not
    'import matplotlib.pyplot as plt\nfig2 = lrplot.plot("step", step_size=30)\nfig2',
    'fig3 = lrplot.plot("step", step_size=30)',
    # into the user's Axes, next to their loss
    'f, (a, b) = plt.subplots(1, 2)\na.plot([3, 2, 1])\n_ = lrplot.plot("cosine", ax=b, T_max=9)',
    # fig.show() in a notebook
    'lrplot.plot("exponential", gamma=0.9).show()',
]
EXPECTED_IMAGES = [1, 0, 1, 1, 1, 1, 1]


def test_a_real_kernel_shows_figures_inline_with_no_setup():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in NOTEBOOK])
    env_path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = env_path  # the kernel imports this checkout's lrplot
    os.environ.pop("MPLBACKEND", None)
    try:
        nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(ROOT)}}).execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    images = []
    for cell in notebook.cells:
        outputs = cell.outputs
        assert not [o for o in outputs if o.output_type == "error"], outputs
        images.append(sum("image/png" in o.get("data", {}) for o in outputs))
    assert images == EXPECTED_IMAGES
    first = next(o for o in notebook.cells[0].outputs if "image/png" in o.get("data", {}))
    assert "Figure size" not in str(first.get("data", {}).get("image/png", ""))


# -- types --------------------------------------------------------------------------------------

TYPED = """
import matplotlib.pyplot as plt
import lrplot

reveal_type(lrplot.schedule("cosine", steps=10, T_max=5))
reveal_type(lrplot.plot("cosine", T_max=5))
_, ax = plt.subplots()
reveal_type(lrplot.plot("cosine", ax=ax, T_max=5))
reveal_type(lrplot.load({"curves": []}))
reveal_type(lrplot.series(lrplot.load({"curves": []})))
reveal_type(lrplot.save("cosine", "lr.svg", T_max=5))
"""
REVEALED = ["numpy.ndarray[tuple[int], numpy.dtype[numpy.float64]]", "lrplot.figure.Figure",
            "matplotlib.axes._axes.Axes", "lrplot.figspec.FigureSpec",
            "list[lrplot.compute.PanelSeries]", "str"]


def test_mypy_sees_the_api_with_real_types(tmp_path):
    pytest.importorskip("mypy")
    snippet = tmp_path / "use_lrplot.py"
    snippet.write_text(TYPED)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-incremental",
         "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
        env={**os.environ, "MYPYPATH": str(ROOT)})  # this checkout, not an installed copy
    revealed = re.findall(r'Revealed type is "(.*)"', done.stdout)
    assert revealed == REVEALED, done.stdout + done.stderr
    assert all("Any" not in r for r in revealed)
    assert done.returncode == 0, done.stdout
