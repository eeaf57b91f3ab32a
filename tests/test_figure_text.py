"""What a figure writes and where: labels that say what differs, titles that wrap, ticks that
read, legends and labels off the curves, coincident curves striped, twin axes with a spine."""

from __future__ import annotations

import numpy as np
import pytest

import lrplot
from lrplot import figtext, placement


def test_labels_name_what_differs_and_the_rest_goes_to_the_legend_title():
    labels, title = figtext.panel_labels(
        ["StepLR(step_size=50, gamma=0.5)", "StepLR(step_size=50, gamma=0.8)"],
        [{"type": "step", "step_size": 50, "gamma": 0.5},
         {"type": "step", "step_size": 50, "gamma": 0.8}], (None, None))
    assert labels == ["gamma=0.5", "gamma=0.8"]
    assert title == "StepLR(step_size=50)"


def test_mixed_classes_are_named_by_class():
    labels, title = figtext.panel_labels(
        ["CosineAnnealingLR(T_max=100)", "get_cosine_schedule_with_warmup(num_warmup_steps=10)"],
        [{"type": "cosine", "T_max": 100}, {"type": "hf.cosine", "num_warmup_steps": 10}],
        (None, None))
    assert labels == ["CosineAnnealingLR", "get_cosine_schedule_with_warmup"]
    assert title is None


def test_user_labels_are_kept_and_groups_do_not_repeat_the_title():
    labels, _ = figtext.panel_labels(
        ["article", "ExponentialLR(gamma=0.9) [group 1: base_lr=0.01]"],
        [{"type": "exponential"}, {"type": "exponential"}], (None, "ExponentialLR(gamma=0.9)"))
    assert labels[0] == "article"
    assert labels[1] == "group 1: base_lr=0.01"


def test_a_lone_curve_in_a_class_titled_panel_gets_its_call_as_title():
    assert figtext.panel_title(["StepLR(step_size=5)"], "StepLR", None) == "StepLR(step_size=5)"
    assert figtext.panel_title(["StepLR(step_size=5)"], "mine", None) == "mine"
    assert figtext.panel_title(["x"], None, "x") is None


def test_no_empty_call_in_titles():
    assert figtext.clean_title("ExponentialLR()") == "ExponentialLR"


def test_wrap_breaks_after_commas_and_brackets_and_ellipsizes():
    text = "get_cosine_schedule_with_warmup(num_warmup_steps=100, num_training_steps=1000)"
    lines = figtext.wrap(text, 200, 10).split("\n")
    assert lines[0].endswith("(") and all(len(line) <= 33 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert figtext.wrap("x " * 200, 100, 10, max_lines=2).endswith("…")
    aside = figtext.wrap("yolox_s_8xb8-300e_coco (mmengine.param_scheduler)", 200, 10)
    assert aside == "yolox_s_8xb8-300e_coco\n(mmengine.param_scheduler)"


@pytest.mark.parametrize("locs, want", [
    ([0, 1e-4, 2e-4, 3e-4], ["0", "1e-4", "2e-4", "3e-4"]),
    ([0, 5e-5, 1e-4, 1.5e-4], ["0", "5e-5", "1e-4", "1.5e-4"]),
    ([0, 0.02, 0.04], ["0", "0.02", "0.04"]),
])
def test_lr_ticks_carry_their_exponent(locs, want):
    f = figtext.ValueFormatter()
    f.set_locs(locs)
    assert [f(v) for v in locs] == want


def test_step_ticks_in_k_and_m_and_the_last_step_exact():
    assert [figtext.step_text(v) for v in (0, 500, 250_000, 2_000_000, 1_500_000)] == \
        ["0", "500", "250k", "2M", "1.5M"]
    assert figtext.step_text(9_999_999, exact=True) == "9,999,999"
    assert figtext.step_text(2_000_000, exact=True) == "2M"


def test_the_last_step_is_a_tick_and_log_ticks_are_math():
    spec = lrplot.load({"steps": 400, "log_y": True,
                        "curves": [{"type": "exponential", "gamma": 0.95}]})
    fig = lrplot.plot(spec)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_xticks()[-1] == 399
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "399"
    labels = [t for t in ax.get_yticklabels() if t.get_text()]
    assert labels and all(t.get_text().startswith("$") and t._parse_math for t in labels)


def test_user_text_with_dollars_stays_literal():
    spec = lrplot.load({"title": "cost $5 $6", "curves": [
        {"type": "exponential", "gamma": 0.9, "label": "a $x$"},
        {"type": "exponential", "gamma": 0.8}]})
    fig = lrplot.plot(spec)
    fig.canvas.draw()
    assert not fig._suptitle._parse_math
    assert all(not t._parse_math for t in fig.axes[0].get_legend().get_texts())


def test_a_vertical_drop_covers_what_it_crosses():
    # two vertices, but the stroke between them passes through the box
    samples = placement.sample_path(np.array([[50.0, 0.0], [50.0, 100.0]]))
    assert samples.share_in((40, 40, 60, 60)) == pytest.approx(0.2, abs=0.02)


def test_legend_sits_where_it_hides_least():
    spec = lrplot.load({"steps": 200, "curves": [
        {"type": "exponential", "gamma": g} for g in (0.9, 0.95, 0.98)]})
    fig = lrplot.plot(spec)
    fig.canvas.draw()
    ax = fig.axes[0]
    box = ax.get_legend().get_window_extent()
    from lrplot.arrange import curves_of
    assert max(c.share_in((box.x0, box.y0, box.x1, box.y1)) for c in curves_of(ax)) <= 0.01


def test_coincident_curves_take_turns():
    spec = lrplot.load({"steps": 300, "curves": [
        {"type": "cosine", "T_max": 100, "label": "a"},
        {"type": "cosine", "T_max": 100, "label": "b"},
        {"type": "exponential", "gamma": 0.99, "label": "c"}]})
    lines = {line.get_label(): line for line in lrplot.plot(spec).axes[0].get_lines()}
    assert lines["a"].get_linestyle() == "--" and lines["b"].get_linestyle() == "--"
    assert lines["c"].get_linestyle() == "-"
    assert lines["a"]._unscaled_dash_pattern != lines["b"]._unscaled_dash_pattern


def test_twin_axis_has_its_own_spine_in_the_curve_colour():
    spec = lrplot.load({"series": ["lr", "momentum"], "curves": [
        {"type": "onecycle", "max_lr": 0.1, "total_steps": 100}]})
    fig = lrplot.plot(spec)
    twin = next(ax for ax in fig.axes if ax.yaxis.get_label_position() == "right")
    spine = twin.spines["right"]
    lr_line = fig.axes[0].get_lines()[0]
    assert spine.get_visible()
    assert np.allclose(spine.get_edgecolor()[:3],
                       __import__("matplotlib").colors.to_rgb(lr_line.get_color()))


def test_annotated_minimum_after_a_warm_up_is_the_end_of_the_decay():
    spec = lrplot.load({"annotate": True, "curves": [
        {"type": "hf.cosine", "num_warmup_steps": 100, "num_training_steps": 1000}]})
    texts = [t.get_text() for t in lrplot.plot(spec).axes[0].texts]
    assert any(t.startswith("minimum 0\nstep 1000") for t in texts), texts


def test_parameter_groups_are_named_once():
    labels, title = figtext.panel_labels(
        ["OneCycleLR(max_lr=0.1) [group 0: base_lr=0.1]",
         "OneCycleLR(max_lr=0.1) [group 1: base_lr=0.01]"],
        [{"type": "onecycle", "max_lr": 0.1, "base_lr": 0.1},
         {"type": "onecycle", "max_lr": 0.1, "base_lr": 0.01}], ("OneCycleLR(max_lr=0.1)", None))
    assert labels == ["group 0: base_lr=0.1", "group 1: base_lr=0.01"]
