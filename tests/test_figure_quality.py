"""Figures fit to publish, on any valid input: every config in configs/ and docs/, every README
command that draws, and generated figures (1-9 panels, 1-12 curves, every kind, long and short
labels, annotations, log y, momentum and metric axes, parameter groups, 1e2-1e7 steps), each
checked by :mod:`figure_check` (text in the figure and apart, no raw mathtext, no collapsed axes,
legends and labels off the curves, every legend entry's curve visible)."""

from __future__ import annotations

import dataclasses
import os
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

import lrplot
from lrplot import render, schedules
from lrplot import spec as specs
from lrplot.cli import main

sys.path.insert(0, str(Path(__file__).parent))
from figure_check import problems  # noqa: E402

ROOT = Path(__file__).parent.parent
CONFIGS = sorted([*ROOT.glob("configs/*.yaml"), *ROOT.glob("docs/insight/*.yaml")])


def _assert_clean(fig, name: str) -> None:
    found = problems(fig, name)
    keep = os.environ.get("LRPLOT_FAILED_FIGURES")  # a folder to look at failures in
    if found and keep:
        fig.savefig(Path(keep) / f"{abs(hash(name))}.png")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_every_shipped_config_draws_a_clean_figure(config):
    _assert_clean(lrplot.plot(lrplot.load(config)), str(config.relative_to(ROOT)))


def _readme_commands() -> list[str]:
    """README lines that run lrplot to draw a figure (a kind, or compare), in code blocks."""
    text = (ROOT / "README.md").read_text()
    commands = []
    fenced = False
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.lstrip().startswith("```"):  # fences indented in a list too
            fenced = not fenced
            continue
        if lines[number + 1:number + 2] and lines[number + 1].startswith("Error"):
            continue  # an example of an error message
        line = line.strip().removeprefix("$ ")
        if fenced and line.startswith("lrplot "):
            try:
                words = shlex.split(line, comments=True)[1:]
            except ValueError:  # a line of a longer command
                continue
            if not words or words[0] in ("gallery", "stats", "lint", "code", "list",
                                         "validate", "serve") or "--term" in words:
                continue
            out = words[words.index("-o") + 1] if "-o" in words else ".png"
            if out.endswith((".png", ".svg", ".pdf")):
                commands.append(shlex.join(["lrplot", *words]))
    return commands


@pytest.mark.parametrize("command", _readme_commands())
def test_every_readme_command_draws_a_clean_figure(command, tmp_path, monkeypatch):
    words = shlex.split(command)[1:]
    if "-o" in words:
        i = words.index("-o")
        words = words[:i] + words[i + 2:]
    figures = []
    save = render.save

    def checked(fig, stream, fmt, metadata=None):
        figures.append(problems(fig, command))
        return save(fig, stream, fmt, metadata)

    monkeypatch.setattr(render, "save", checked)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, [*words, "-o", str(tmp_path / "out.png")])
    if result.exit_code == 2 and "no such file" in result.output:
        pytest.skip(f"the command reads a file the README makes first: {result.output}")
    assert result.exit_code == 0, result.output
    assert figures, "nothing was drawn"
    assert not figures[0], "\n".join(figures[0])


# -- generated figures ------------------------------------------------------------------------------

KINDS = [k for k in schedules.all_kinds() if k.example]
LONG = "a rather long label that someone wrote to say everything about this curve at once"


def _curves(kind, steps: int, groups: int, extras: bool) -> tuple:
    """The curves of a kind's own example (its sweeps included) at ``steps``."""
    flags = {p.flag: p.name for p in kind.params}
    words = shlex.split(kind.example)
    raw: dict[str, list[str]] = {}
    for flag, value in zip(words[::2], words[1::2]):
        raw.setdefault(flags[flag], []).append(value)
    raw = {p.name: raw.get(p.name, []) for p in kind.params}
    lrs = (0.1, 0.01, 3e-4)[:groups]
    series = ("lr",) + tuple(n for n in ("momentum", "metric") if extras)
    try:
        figure = specs.from_flags(kind.name, raw, steps=steps,
                                  base_lr=lrs if groups > 1 else lrs[0], series=series)
    except specs.SpecError:
        try:  # an extra the kind does not have
            figure = specs.from_flags(kind.name, raw, steps=steps,
                                      base_lr=lrs if groups > 1 else lrs[0])
        except specs.SpecError:
            return ()
    return figure.panels[0].curves


@st.composite
def figures(draw):
    n_panels = draw(st.integers(1, 9))
    total = 0
    panels = []
    for p in range(n_panels):
        wanted = draw(st.integers(1, 12 if n_panels <= 2 else 4))
        # one run length per panel: a panel compares schedules over the same run
        steps = int(10 ** draw(st.floats(2, 7 if total < 2e7 else 4)))
        curves: list = []
        while len(curves) < wanted:
            kind = draw(st.sampled_from(KINDS))
            made = _curves(kind, steps, draw(st.sampled_from([1, 1, 2])), draw(st.booleans()))
            if not made:
                continue
            total += sum(c.steps for c in made)
            labels = draw(st.sampled_from(["auto", "short", "long"]))
            if labels != "auto":
                made = tuple(dataclasses.replace(
                    c, label=f"{LONG if labels == 'long' else 'run'} {len(curves) + i}")
                    for i, c in enumerate(made))
            curves += made[:wanted - len(curves)]
        title = draw(st.sampled_from([None, "warm-up $then$ decay", LONG]))
        panels.append(specs.Panel(title, tuple(curves)))
    return specs.FigureSpec(draw(st.sampled_from([None, "A figure", LONG + " " + LONG])),
                            tuple(panels), log_y=draw(st.booleans()),
                            annotate=draw(st.booleans()))


# No shrinking: a failure already names the figure and the artists, and shrinking figures that
# take a second each would take minutes.
@settings(max_examples=15, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(figures())
def test_generated_figures_are_clean(spec):
    name = (f"generated figure: {len(spec.panels)} panels, "
            f"{[len(p.curves) for p in spec.panels]} curves, log_y={spec.log_y}, "
            f"annotate={spec.annotate}, kinds {sorted({c.kind.name for c in spec.curves})}")
    _assert_clean(lrplot.plot(spec), name)
