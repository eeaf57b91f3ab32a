"""The fast paths give the same answers as the slow ones.

Long runs are evaluated in chunks, drawn through per-column envelopes and written to CSV/JSON as
streams (benchmarks/run.py measures how fast; nothing here looks at a clock). Each fast path is
checked against the straightforward computation: chunked against whole-array values, envelopes
against a brute-force reduction, decimated renders against drawing every point, streamed files
against formatting the whole document at once.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrplot
from lrplot import compute as series_mod, render, writers
from lrplot.envelope import Envelope
from lrplot.compute import PanelSeries, Series, aligned, rechunk

ROOT = Path(__file__).resolve().parents[1]

# -- envelopes -------------------------------------------------------------------------------


def brute_envelope(values: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Per bucket: first, last, first occurrence of the min and of the max (NaN skipped), and
    the end of the run of equal values that starts at each of those; in step order."""
    n = len(values)
    width = -(-n // buckets)
    steps: list[int] = []
    for start in range(0, n, width):
        part = values[start:start + width]
        keep = {0, len(part) - 1}
        valid = ~np.isnan(part)
        if valid.any():
            for i in (int(np.argmin(np.where(valid, part, np.inf))),
                      int(np.argmax(np.where(valid, part, -np.inf)))):
                j = i
                while j + 1 < len(part) and part[j + 1] == part[i]:
                    j += 1
                keep |= {i, j}
        steps += [start + k for k in sorted(keep)]
    at = np.array(steps)
    return at, values[at]


def feed(envelope: Envelope, values: np.ndarray, sizes) -> None:
    position = 0
    while position < values.shape[-1]:
        size = next(sizes)
        envelope.add(values[..., position:position + size])
        position += size


def random_series(rng: np.random.Generator, n: int, flavour: int) -> np.ndarray:
    if flavour == 0:  # plateaus and drops, like StepLR
        values = np.repeat(rng.normal(size=n // 9 + 1).round(1), 9)[:n]
    elif flavour == 1:  # few distinct values: many ties
        values = rng.integers(0, 3, size=n).astype(float)
    elif flavour == 2:  # smooth
        values = np.cos(np.arange(n) / rng.uniform(3, 300))
    else:  # noise with NaN gaps, like a logged series
        values = rng.normal(size=n)
        values[rng.random(n) < 0.3] = np.nan
        values[: n // 5] = np.nan
    return values


@pytest.mark.parametrize("seed", range(24))
def test_envelope_equals_brute_force_whatever_the_chunking(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    buckets = int(rng.integers(1, 400))
    values = random_series(rng, n, seed % 4)
    expected = brute_envelope(values, buckets)
    for sizes in (iter(lambda: n, None), iter(lambda: int(rng.integers(1, 20)), None),
                  iter(lambda: int(rng.integers(1, 400)), None)):
        envelope = Envelope(n, buckets)
        feed(envelope, values, sizes)
        at, got = envelope.points()
        np.testing.assert_array_equal(at, expected[0])
        np.testing.assert_array_equal(got, expected[1])


def test_envelope_rows_reduce_independently():
    rng = np.random.default_rng(7)
    rows = np.stack([random_series(rng, 5000, f) for f in range(4)])
    envelope = Envelope(5000, 123, rows=4)
    feed(envelope, rows, iter(lambda: int(rng.integers(1, 900)), None))
    for r in range(4):
        at, got = envelope.points(r)
        expected = brute_envelope(rows[r], 123)
        np.testing.assert_array_equal(at, expected[0])
        np.testing.assert_array_equal(got, expected[1])


def test_envelope_keeps_true_extremes_and_vertical_drops():
    lr = lrplot.schedule("step", steps=10**6, step_size=5000, gamma=0.99)
    envelope = Envelope(len(lr), 700)
    feed(envelope, lr, iter(lambda: 4096, None))
    at, values = envelope.points()
    assert np.all(np.diff(at) > 0)
    np.testing.assert_array_equal(values, lr[at])  # every vertex is a true point
    for j in range(envelope.buckets):
        part = slice(j * envelope.width, (j + 1) * envelope.width)
        inside = (at >= j * envelope.width) & (at < (j + 1) * envelope.width)
        assert values[inside].min() == lr[part].min()
        assert values[inside].max() == lr[part].max()
    drops = np.flatnonzero(np.diff(lr) < 0)  # lr[d] > lr[d + 1]
    assert len(drops) == 199  # at most one per bucket
    kept = set(at.tolist())
    assert all(d in kept and d + 1 in kept for d in drops)  # each drop stays one step wide


def test_envelope_refuses_too_many_steps_and_early_points():
    envelope = Envelope(10, 3)
    envelope.add(np.zeros(6))
    with pytest.raises(ValueError):
        envelope.points()
    with pytest.raises(ValueError):
        envelope.add(np.zeros(5))


# -- chunked evaluation -------------------------------------------------------------------------

LONG = {"steps": 30_000, "base_lr": 0.1, "panels": [
    {"curves": [{"type": "cosine", "T_max": 700, "eta_min": 0.001},
                {"type": "cosine", "T_max": 333}]},
    {"curves": [{"type": "step", "step_size": 70, "sweep": {"gamma": [0.5, 0.9]}},
                {"type": "exponential", "gamma": 0.9999, "steps": 12_345}]},
]}


def test_streamed_series_equal_the_whole_array(monkeypatch):
    spec = lrplot.load(LONG)
    whole = [[s.lr.copy() for s in panel.series] for panel in series_mod.compute(spec)]
    monkeypatch.setattr(series_mod, "MATERIALIZE_LIMIT", 100)  # stream even short series
    for panel, expected in zip(series_mod.compute(spec), whole):
        for s, lr in zip(panel.series, expected):
            for size in (1_000, 4_096, 1 << 20):
                pieces = list(s.chunks(size))
                assert all(len(p) for p in pieces)
                np.testing.assert_array_equal(np.concatenate(pieces), lr)
            assert s._lr is None  # streaming never kept the whole series


def test_chunk_size_does_not_change_values():
    spec = lrplot.load(LONG)
    for curve in spec.curves:
        expected = series_mod.kernel_values(curve.kind, curve.steps, curve.base_lr, curve.params)
        for chunk in (7, 4096):
            pieces = list(series_mod.kernel_chunks(curve.kind, curve.steps, curve.base_lr,
                                                   curve.params, chunk))
            np.testing.assert_array_equal(np.concatenate(pieces), expected)


def test_rechunk_and_aligned():
    pieces = [np.arange(0, 5.0), np.arange(5, 6.0), np.arange(6, 23.0)]
    out = list(rechunk(iter(pieces), 4))
    assert [len(p) for p in out] == [4, 4, 4, 4, 4, 3]
    np.testing.assert_array_equal(np.concatenate(out), np.arange(23.0))
    a = Series("a", {}, np.arange(10.0))
    b = Series("b", {}, np.arange(4.0))
    blocks = list(aligned([a, b], 3))
    assert [start for start, _ in blocks] == [0, 3, 6, 9]
    assert [[len(p) for p in ps] for _, ps in blocks] == [[3, 3], [3, 1], [3, 0], [1, 0]]


def test_series_is_lazy():
    calls = []

    def source(chunk):
        calls.append(chunk)
        yield np.ones(5)

    s = Series("x", {}, steps=5, source=source)
    assert calls == []
    np.testing.assert_array_equal(s.lr, np.ones(5))
    s.lr
    assert len(calls) == 1  # computed once, then kept


# -- streamed writers ----------------------------------------------------------------------------


def whole_csv(panels: list[PanelSeries]) -> bytes:
    """The CSV, formatted all at once (the writer before streaming)."""
    many = len(panels) > 1
    columns = [(f"{p.title}: {s.label}" if many and p.title else s.label, s.lr.tolist())
               for p in panels for s in p.series]
    rows = max(len(values) for _, values in columns)
    out = [",".join(["step"] + [writers._csv_field(name) for name, _ in columns])]
    for i in range(rows):
        out.append(f"{i}," + ",".join(repr(v[i]) if i < len(v) else "" for _, v in columns))
    return ("\n".join(out) + "\n").encode()


def whole_json(panels: list[PanelSeries]) -> bytes:
    document = {"panels": [
        {"title": p.title, "curves": [{"label": s.label, "schedule": s.schedule,
                                       "lr": s.lr.tolist()} for s in p.series]}
        for p in panels]}
    return (json.dumps(document, allow_nan=False) + "\n").encode()


WRITER_SPECS = [
    LONG,
    {"title": "quotes", "steps": 9, "panels": [
        {"title": 'a "quoted", title', "curves": [{"type": "step", "step_size": 2,
                                                    "label": 'x,"y"\nz'}]},
        {"curves": [{"type": "exponential", "gamma": 0.5, "steps": 3, "label": "ünï"}]}]},
    {"curves": [{"type": "cosine", "T_max": 5, "steps": 1}]},
]


@pytest.mark.parametrize("spec, block", [
    (WRITER_SPECS[0], 997), (WRITER_SPECS[0], writers.BLOCK), (WRITER_SPECS[1], 1),
    (WRITER_SPECS[1], 2), (WRITER_SPECS[1], writers.BLOCK), (WRITER_SPECS[2], 1)],
    ids=["long-997", "long", "quoting-1", "quoting-2", "quoting", "one-step"])
def test_streamed_files_equal_formatting_everything_at_once(spec, block, monkeypatch):
    monkeypatch.setattr(writers, "BLOCK", block)
    monkeypatch.setattr(series_mod, "MATERIALIZE_LIMIT", 1000)
    spec = lrplot.load(spec)
    for write, whole in ((writers.write_csv, whole_csv), (writers.write_json, whole_json)):
        stream = io.BytesIO()
        write(series_mod.compute(spec), stream)
        assert stream.getvalue() == whole(series_mod.compute(spec))


def test_streamed_values_read_back_exactly(tmp_path):
    spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 1000, "eta_min": 0.001,
                                    "steps": 5000}]})
    lr = series_mod.values(spec.curves[0])
    lrplot.save(spec, str(tmp_path / "lr.csv"))
    lrplot.save(spec, str(tmp_path / "lr.json"))
    rows = (tmp_path / "lr.csv").read_text().splitlines()[1:]
    assert [float(r.split(",")[1]) for r in rows] == lr.tolist()
    assert json.loads((tmp_path / "lr.json").read_text())["panels"][0]["curves"][0]["lr"] == \
        lr.tolist()


def test_json_refuses_nan_like_json_dumps():
    s = Series("x", {}, np.array([0.1, np.nan]))
    with pytest.raises(ValueError, match="not JSON compliant"):
        writers.write_json([PanelSeries(None, (s,))], io.BytesIO())


# -- decimated rendering ---------------------------------------------------------------------------

MILLION = 10**6
DECIMATED = {
    "step": {"type": "step", "step_size": 100_000, "gamma": 0.5},
    "cosine": {"type": "cosine", "T_max": MILLION},
    "cyclic-100-cycles": {"type": "cyclic", "max_lr": 1.0, "step_size_up": 5_000},
}


def pixels(fig) -> np.ndarray:
    from matplotlib.image import imread

    stream = io.BytesIO()
    render.save(fig, stream, "png")
    stream.seek(0)
    return imread(stream, format="png")


@pytest.mark.parametrize("name", sorted(DECIMATED))
def test_decimation_is_invisible_at_a_million_steps(name):
    spec = lrplot.load({"steps": MILLION, "title": name,
                        "curves": [{**DECIMATED[name], "label": name}]})
    panels = series_mod.compute(spec)
    decimated = render.figure(panels, title=spec.title)
    [line] = decimated.axes[0].get_lines()
    assert len(line.get_xdata()) < 10_000  # it did decimate
    full = render.figure(panels, title=spec.title, decimate=False)
    assert len(full.axes[0].get_lines()[0].get_xdata()) == MILLION
    a, b = pixels(decimated), pixels(full)
    assert a.shape == b.shape
    assert np.abs(a - b).max() <= 64 / 255
    # Against every point drawn exactly (matplotlib's simplification of dense paths, used by
    # the full-resolution render above, itself moves pixels by up to ~60/255):
    for exact in full.axes[0].get_lines():
        exact.__class__ = render._EnvelopeLine
    assert np.abs(a - pixels(full)).max() <= 8 / 255


def test_long_series_are_streamed_into_the_figure(monkeypatch):
    """A long series is drawn from its chunks without ever holding the whole array."""
    monkeypatch.setattr(series_mod, "MATERIALIZE_LIMIT", 1000)
    spec = lrplot.load({"steps": 3 * MILLION, "curves": [
        {"type": "cyclic", "max_lr": 1.0, "step_size_up": 150, "label": "fast"}]})
    panels = series_mod.compute(spec)
    fig = render.figure(panels)
    assert panels[0].series[0]._lr is None
    stream = io.BytesIO()
    render.save(fig, stream, "svg")
    assert len(stream.getvalue()) <= 200_000


def test_decimated_axes_match_the_full_ones():
    spec = lrplot.load({"steps": 200_000, "curves": [
        {"type": "exponential", "gamma": 0.99999},
        {"type": "cosine", "T_max": 30_000, "eta_min": 0.02}]})
    panels = series_mod.compute(spec)
    a = render.figure(panels).axes[0]
    b = render.figure(panels, decimate=False).axes[0]
    assert a.get_xlim() == b.get_xlim()
    assert a.get_ylim() == b.get_ylim()


# -- start-up --------------------------------------------------------------------------------------

CHEAP = """
import json, sys
from lrplot.cli import main
try:
    main(sys.argv[1:], prog_name="lrplot")
except SystemExit as exc:
    pass
print("HEAVY", json.dumps(sorted(m for m in sys.modules
                                if m.split(".")[0] in ("numpy", "matplotlib"))), file=sys.stderr)
"""


FOREIGN_HF = "tests/data/foreign/hf/llamafactory_llama3_lora_sft.yaml"
"""A training config (lrplot.readers): reading it needs no numpy either."""


def _commands() -> list[str]:
    import click

    from lrplot.cli import main

    return main.list_commands(click.Context(main))


@pytest.mark.parametrize("args", [["--help"], ["list"], ["validate", "--help"], ["schema"],
                                  ["validate", "configs/article.yaml"],
                                  ["validate", FOREIGN_HF, "--dataset-size", "1091"],
                                  ["lint", FOREIGN_HF, "--dataset-size", "1091"]], ids=" ".join)
def test_cheap_commands_import_neither_numpy_nor_matplotlib(args):
    if args[0] not in ("--help", *_commands()):
        pytest.skip(f"no {args[0]} command yet")
    done = subprocess.run([sys.executable, "-c", CHEAP, *args], capture_output=True, text=True,
                          cwd=ROOT)
    [report] = [line for line in done.stderr.splitlines() if line.startswith("HEAVY ")]
    assert json.loads(report[len("HEAVY "):]) == [], done.stderr


# -- sweeps as one broadcast array -------------------------------------------------------------

SWEEPS = {"steps": 3000, "panels": [
    {"curves": [{"type": "exponential", "sweep": {"gamma": [0.9, 0.99, 0.999, 0.9999]}},
                {"type": "step", "step_size": 70, "sweep": {"gamma": [0.5, 0.8]},
                 "base_lr": 0.3}]},
    {"curves": [{"type": "exponential", "gamma": 0.995, "base_lr": b} for b in (0.1, 0.2, 0.7)]},
]}


def test_a_sweep_is_one_broadcast_with_the_values_of_each_curve(monkeypatch):
    spec = lrplot.load(SWEEPS)
    calls = []
    original = series_mod.Sweep.blocks

    def counted(self, chunk=series_mod.CHUNK):
        calls.append(len(self.members))
        return original(self, chunk)

    monkeypatch.setattr(series_mod.Sweep, "blocks", counted)
    panels = series_mod.compute(spec)
    got = [s.lr for p in panels for s in p.series]
    assert sorted(calls) == [2, 3, 4]  # three sweeps, each evaluated once
    for lr, curve in zip(got, spec.curves):
        assert lr.tobytes() == series_mod.values(curve).tobytes()


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_broadcast_rows_do_not_depend_on_the_chunk(chunk):
    spec = lrplot.load(SWEEPS)
    for panel in series_mod.compute(spec):
        sweeps = {s.sweep for s in panel.series if s.sweep is not None}
        for sweep in sweeps:
            rows = np.concatenate(list(sweep.blocks(chunk)), axis=1)
            for row, curve in zip(rows, sweep.curves):
                assert row.tobytes() == series_mod.values(curve).tobytes()


def test_an_overflowing_sweep_falls_back_to_its_curves():
    from lrplot.spec import SpecError

    spec = lrplot.load({"steps": 2000, "curves": [
        {"type": "exponential", "sweep": {"gamma": [0.5, 2.0]}}]})
    [panel] = series_mod.compute(spec)
    assert panel.series[0].sweep is not None
    assert panel.series[0].lr[1] == 0.05  # the healthy curve still evaluates
    with pytest.raises(SpecError, match="gamma=2"):
        panel.series[1].lr


def test_a_decimated_sweep_draws_what_its_curves_draw_alone():
    spec = lrplot.load({"steps": 300_000, "curves": [
        {"type": "exponential", "sweep": {"gamma": [0.99999, 0.999995]}},
        {"type": "step", "step_size": 70_000, "gamma": 0.5}]})
    together = series_mod.compute(spec)
    alone = series_mod.compute(spec)
    for s in alone[0].series:
        s.sweep = None
    a, b = render.figure(together).axes[0], render.figure(alone).axes[0]
    assert together[0].series[0].sweep is not None
    for x, y in zip(a.get_lines(), b.get_lines()):
        assert len(x.get_xdata()) < 5000
        np.testing.assert_array_equal(x.get_xdata(), y.get_xdata())
        np.testing.assert_array_equal(x.get_ydata(), y.get_ydata())


def _restarts_stepped(n: int, base_lr: float, T_0: int, T_mult: int, eta_min: float) -> list:
    """CosineAnnealingWarmRestarts stepped as torch steps it, in Python floats."""
    import math

    out, T_cur, T_i = [], 0, T_0
    for _ in range(n):
        out.append(eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2)
        T_cur += 1
        if T_cur >= T_i:
            T_cur, T_i = T_cur - T_i, T_i * T_mult
    return out


@pytest.mark.parametrize("T_0, T_mult", [(1, 1), (7, 1), (1, 2), (5, 2), (1000, 2), (10, 3)])
@pytest.mark.parametrize("chunk", [1, 3, 64, 1 << 20])
def test_restart_cycles_sharing_cosines_equal_stepping(T_0, T_mult, chunk):
    """Cycles reuse the previous cycle's values (T_mult 1 and 2): the same numbers as
    computing every step, whatever the chunking."""
    from lrplot.frameworks.pytorch import kernels as pytorch

    n = 5000
    pieces = list(pytorch.cosine_restarts(n, 0.1, T_0, T_mult, 1e-3, chunk=chunk))
    assert all(0 < len(p) <= chunk for p in pieces)
    assert np.concatenate(pieces).tolist() == _restarts_stepped(n, 0.1, T_0, T_mult, 1e-3)


@pytest.mark.parametrize("T_max", [1, 3, 17, 100])
@pytest.mark.parametrize("eta_min", [1e-4, 0.05, 0.3])
def test_cosine_periods_side_by_side_equal_the_sequential_loop(T_max, eta_min):
    """With eta_min != 0, short periods recurse as the columns of a grid: the same numbers as
    the step-by-step loop, whatever the run length and chunking (chunks of exactly and just
    over the 64 periods that switch it on)."""
    import math

    from lrplot.frameworks.pytorch import kernels as pytorch

    bump = (0.1 - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
    for n in (T_max + 2, 2 * T_max + 1, 3 * T_max + 2, 5000):
        expected = np.concatenate(list(pytorch._cosine_sequential(n, 0.1, T_max, eta_min, bump,
                                                                  1 << 20)))
        for chunk in (128 * T_max, 128 * T_max + 5, 1 << 20):
            pieces = list(pytorch.cosine(n, 0.1, T_max, eta_min, chunk=chunk))
            assert all(len(p) <= chunk for p in pieces)
            assert np.concatenate(pieces).tolist() == expected.tolist()


def _affine_loop(ratios: np.ndarray, lr: float, eta_min: float) -> list:
    out = []
    for ratio in ratios.tolist():
        lr = ratio * (lr - eta_min) + eta_min
        out.append(lr)
    return out


@settings(max_examples=300, deadline=None)
@given(T_max=st.sampled_from([1, 2, 3, 10, 100, 1000, 10**5]), steps=st.integers(1, 3000),
       offset=st.integers(0, 10**5),
       eta_min=st.one_of(st.sampled_from([1e-4, 0.05, 0.1, -0.3, 5.0, 1e-300, 1e300]),
                         st.floats(-1, 1, allow_nan=False)),
       base_lr=st.one_of(st.sampled_from([0.1, 1.0, 1e-5]), st.floats(-10, 10)))
def test_speculative_cosine_recursion_equals_the_loop(T_max, steps, offset, eta_min, base_lr):
    """The speculative recursion (running products, checked step by step) gives the loop's
    floats bit for bit — eta_min small, comparable or larger than the lr, negative, overflowing,
    and ratios that are 0, negative or NaN (past a minimum)."""
    from lrplot.frameworks.pytorch import kernels as pytorch

    ratios = pytorch._consecutive_ratios(offset + 1, offset + 1 + steps, T_max)
    out = np.empty(steps)
    last = pytorch._affine_recursion(ratios, base_lr, eta_min, out)
    expected = np.array(_affine_loop(ratios, base_lr, eta_min))
    assert out.tobytes() == expected.tobytes()
    assert np.array(last).tobytes() == expected[-1:].tobytes()


def test_speculative_cosine_recursion_over_long_runs():
    """Runs long enough for the speculation to grow to whole cache blocks, fail at binade
    crossings and near eta_min, and hand over to the loop and back."""
    from lrplot.frameworks.pytorch import kernels as pytorch

    n = 300_000
    ratios = pytorch._consecutive_ratios(1, n, n)
    for eta_min in (1e-4, 0.02, 0.1, 1e-9):
        out = np.empty(n - 1)
        pytorch._affine_recursion(ratios, 0.1, eta_min, out)
        assert out.tolist() == _affine_loop(ratios, 0.1, eta_min)


# -- mmengine: schedulers over the same iterations, a position's operations fused ----------------

def _op_stream(rng: np.random.Generator, positions: int, pattern: list[tuple[int, float]],
               noise: float):
    """``positions`` positions each with ``pattern``'s operations (kind, minimum), and with
    probability ``noise`` a position that breaks the pattern (one operation fewer, a plateau
    decision or another minimum)."""
    from lrplot.frameworks.mmengine import kernels as mk

    pos, kinds, a, m = [], [], [], []
    for p in range(positions):
        ops = list(pattern)
        if rng.random() < noise:
            choice = rng.integers(3)
            ops = ops[:-1] if choice == 0 else ops + [(mk.MUL, 0.0)] if choice == 1 else \
                [(ops[0][0], ops[0][1] + 1e-3)] + ops[1:]
        for kind, minimum in ops:
            pos.append(p)
            kinds.append(kind)
            m.append(minimum)
            a.append({mk.MUL: rng.uniform(0.999, 1.001), mk.ADD: rng.uniform(-1e-6, 1e-6),
                      mk.AFFINE: rng.uniform(0.99, 1.0), mk.SET: rng.uniform(0.01, 0.1)}[kind])
    return (np.asarray(pos), np.asarray(kinds), np.asarray(a, dtype=np.float64),
            np.asarray(m, dtype=np.float64))


@pytest.mark.parametrize("seed", range(8))
def test_fused_positions_equal_the_operation_by_operation_loop(seed):
    """_apply (long runs vectorized, interleaved operations fused per position) gives, at the
    last operation of every position (the value the series reads), the bits of applying every
    operation one by one in Python."""
    from lrplot.frameworks.mmengine import kernels as mk

    rng = np.random.default_rng(seed)
    ops = [mk.MUL, mk.ADD, mk.AFFINE, mk.SET]
    width = int(rng.integers(2, 5))
    pattern = [(int(rng.choice(ops)), float(rng.choice([0.0, 1e-4, 0.05]))) for _ in range(width)]
    pos, kinds, a, m = _op_stream(rng, int(rng.integers(50, 3000)), pattern,
                                  float(rng.choice([0.0, 0.01, 0.2])))
    who = np.zeros(len(kinds), dtype=np.int64)
    got = mk._apply(pos, kinds, a, m, who, 0.01, [])
    expected = np.empty(len(kinds))
    mk._loop(kinds, a, m, who, 0.01, expected, 0, len(kinds), {})
    last = np.append(pos[1:] != pos[:-1], True)  # a position's last operation
    np.testing.assert_array_equal(got[last], expected[last])


def test_the_fused_path_is_taken():
    from lrplot.frameworks.mmengine import kernels as mk

    rng = np.random.default_rng(3)
    pos, kinds, a, m = _op_stream(rng, 500, [(mk.MUL, 0.0), (mk.AFFINE, 1e-4)], 0.0)
    assert mk._repeats(pos, kinds, m, 0, len(kinds)) == [(0, len(kinds), 2)]


def _lockstep_list(rng: np.random.Generator, n: int) -> list[dict]:
    """Two to four mmengine schedulers, each over the whole run by iteration (a cosine within
    one half-period: one operation throughout); now and then one ends early, which leaves the
    lock-step path."""
    pick = [
        lambda: {"type": "LinearLR", "start_factor": float(rng.uniform(1e-3, 0.5))},
        lambda: {"type": "PolyLR", "power": float(rng.choice([0.9, 1.0, 2.0])),
                 "eta_min": float(rng.choice([0.0, 1e-4]))},
        lambda: {"type": "ExponentialLR", "gamma": float(rng.uniform(0.999, 0.99999))},
        lambda: {"type": "CosineAnnealingLR", "T_max": int(rng.integers(n, 2 * n)),
                 "eta_min": float(rng.choice([0.0, 1e-5]))},
        lambda: {"type": "ConstantLR", "factor": float(rng.uniform(0.1, 1.0))},
    ]
    chosen = [pick[i]() for i in rng.choice(len(pick), int(rng.integers(2, 5)))]
    for sched in chosen:
        sched.update(by_epoch=False, end=n if rng.random() > 0.15 else int(rng.integers(2, n)))
    return chosen


@pytest.mark.parametrize("seed", range(12))
def test_schedulers_in_lock_step_equal_the_general_path(seed, monkeypatch):
    """Schedulers stepping together run the head operation by operation and the rest through
    one fused loop (_lockstep): the same bits as gathering, sorting and applying every
    operation (_gather, _apply); and the lock-step path is taken when they do step together."""
    from lrplot.frameworks.mmengine import kernels as mk

    rng = np.random.default_rng(seed)
    n = int(rng.integers(300, 5000))
    params = {"schedulers": _lockstep_list(rng, n)}
    taken = []
    lockstep = mk._lockstep
    monkeypatch.setattr(mk, "_lockstep", lambda *a: taken.append(lockstep(*a)) or taken[-1])
    fused = lrplot.schedule("mmengine.param_scheduler", steps=n, base_lr=0.01, **params)
    monkeypatch.setattr(mk, "_lockstep", lambda *a: None)
    general = lrplot.schedule("mmengine.param_scheduler", steps=n, base_lr=0.01, **params)
    np.testing.assert_array_equal(fused, general)
    together = all(s["end"] == n for s in params["schedulers"])
    assert (taken[0] is not None) == together, params
