"""lrplot.expr: the whitelist (a config never runs code) and Python's semantics under numpy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrplot import expr

STEPS = np.arange(0, 200)

SCOPE = {name: getattr(math, name) for name in expr.MATH_FUNCTIONS}
SCOPE.update(min=min, max=max, abs=abs, pi=math.pi, e=math.e)


def python_values(source: str, steps=STEPS) -> list:
    code = compile(source, "<expr>", "eval")
    return [eval(code, {"__builtins__": {}}, {**SCOPE, "epoch": int(t), "step": int(t),  # noqa: S307
                                               "x": int(t)}) for t in steps]


SAME_AS_PYTHON = [
    "0.95 ** epoch",
    "min(1.0, (epoch + 1) / 10)",
    "epoch // 10 + 1",
    "step % 7",
    "x ** 2",
    "2 ** (epoch // 10)",
    "epoch ** -1 if epoch else 0",
    "1 / epoch if epoch > 0 else 1.0",
    "0.5 * (1 + cos(pi * epoch / 100))",
    "exp(-epoch / 20) + sqrt(epoch) / 100 + log(epoch + 1) / 50 + log10(epoch + 1)",
    "sin(epoch) * tan(epoch / 100)",
    "floor(epoch / 3) - ceil(epoch / 4.0)",
    "0 < epoch < 50",
    "epoch and 1 / epoch",
    "epoch or 0.5",
    "not epoch % 5",
    "-(epoch > 3) + +epoch",
    "abs(epoch - 100) * 0.01",
    "max(0.1, 1 - epoch / 10, 0.5 * (epoch > 150))",
    "(epoch % 7 - 3.5) // 2 * 0.1 + epoch % 2.5",
    "-7 // 2 + epoch % -3",
    "e ** (-epoch / 5)",
    "1e-3 * epoch if epoch < 100 else 0.1",
    "epoch == 10 or epoch != 20",
]


@pytest.mark.parametrize("source", SAME_AS_PYTHON)
def test_values_equal_python_bit_for_bit(source):
    values = expr.parse(source).evaluate(STEPS)
    expected = np.array(python_values(source), dtype=values.dtype)
    np.testing.assert_array_equal(values, expected)


def test_integers_stay_integers_and_floats_floats():
    assert expr.parse("epoch // 3").evaluate(STEPS).dtype == np.int64
    assert expr.parse("floor(epoch / 3)").evaluate(STEPS).dtype == np.int64
    assert expr.parse("epoch / 3").evaluate(STEPS).dtype == np.float64


def test_a_constant_expression_covers_every_step():
    np.testing.assert_array_equal(expr.parse("0.5").evaluate(np.arange(5)), [0.5] * 5)


REFUSED = [
    ("__import__('os')", "calling '__import__'"),
    ("__import__('os').system('true')", "attribute access"),
    ("open('/etc/passwd')", "calling 'open'"),
    ("eval('1')", "calling 'eval'"),
    ("math.cos(epoch)", "attribute access"),
    ("epoch.real", "attribute access"),
    ("(1).__class__", "attribute access"),
    ("lambda: 1", "a lambda"),
    ("(lambda x: x)(1)", "a lambda"),
    ("[x for x in range(3)]", "a comprehension"),
    ("{x for x in ()}", "a comprehension"),
    ("sum(x for x in ())", "calling 'sum'"),
    ("min(1, *(x for x in ()))", "unpacking"),
    ("'abc'", "a string"),
    ("f'{epoch}'", "an f-string"),
    ("b'x'", "a string"),
    ("epoch[0]", "indexing"),
    ("[1, 2]", "a list"),
    ("(1, 2)", "a tuple"),
    ("{'a': 1}", "a mapping"),
    ("foo", "the name 'foo'"),
    ("cos", "the name 'cos'"),
    ("True", "the constant True"),
    ("None", "the constant None"),
    ("(y := 3)", "an assignment"),
    ("epoch @ 2", "'@'"),
    ("epoch << 2", "'<<'"),
    ("~epoch", "'~'"),
    ("epoch is 1", "'is'"),
    ("epoch in (1, 2)", "'in'"),
    ("min(epoch, key=abs)", "a keyword argument"),
    ("max(*epoch)", "unpacking"),
    ("min(epoch)", "min() with 1 argument"),
    ("cos(epoch, 2)", "cos() with 2 arguments"),
    ("100000000000000000000 * epoch", "an integer beyond 2**53"),
]


@pytest.mark.parametrize("source, what", REFUSED, ids=[s for s, _ in REFUSED])
def test_everything_outside_the_whitelist_is_refused_with_its_column(source, what):
    with pytest.raises(expr.ExprError) as info:
        expr.parse(source)
    message = str(info.value)
    assert what in message
    assert "column" in message


def test_the_column_points_at_the_offending_part():
    with pytest.raises(expr.ExprError, match=r"column 15 \('foo'\)"):
        expr.parse("0.5 * epoch + foo")


@pytest.mark.parametrize("source", ["", "   ", "epoch +", "1 +* 2", "epoch\n+ 1",
                                    "x" * 600, 3, None, ["epoch"]])
def test_not_an_expression(source):
    with pytest.raises(expr.ExprError):
        expr.parse(source)


FAILING = [
    ("1 / epoch", 0, "division by zero"),
    ("1 / (epoch - 5)", 5, "division by zero"),
    ("epoch // (epoch - 3)", 3, "division by zero"),
    ("epoch % 0", 0, "division by zero"),
    ("log(epoch - 10)", 0, "log of a number <= 0"),
    ("sqrt(5 - epoch)", 6, "sqrt of a negative number"),
    ("exp(epoch * 100)", 8, "overflow"),
    ("10.0 ** epoch", 309, "overflow"),
    ("(-1.5) ** (epoch / 2)", 1, "fractional power"),
    ("0.0 ** (epoch - 3)", 0, "zero to a negative power"),
    ("0 ** (epoch - 3)", 0, "zero to a negative power"),
    ("10 ** epoch", 16, "beyond 2**53"),
    ("10 ** 100 + epoch", 0, "beyond 2**53"),
    ("1e308 * epoch", 2, "inf"),
]


@pytest.mark.parametrize("source, step, reason", FAILING, ids=[s for s, _, _ in FAILING])
def test_where_python_raises_the_step_is_named(source, step, reason):
    with pytest.raises(expr.ExprError) as info:
        expr.parse(source).evaluate(np.arange(0, 400))
    assert f"epoch = {step}" in str(info.value)
    assert reason in str(info.value)


@pytest.mark.parametrize("source", [
    "1 / epoch if epoch else 1.0",  # the branch Python does not take cannot fail
    "epoch and 1 / epoch",  # short-circuit
    "epoch == 0 or 1 / epoch",
    "0 < epoch < 1 / epoch + 10",  # a chained comparison stops at the first False
    "log(epoch) if epoch > 0 else 0.0",
])
def test_branches_python_does_not_evaluate_cannot_fail(source):
    values = expr.parse(source).evaluate(STEPS)
    np.testing.assert_array_equal(values, np.array(python_values(source), dtype=values.dtype))


def test_table_reports_failures_only_where_used():
    values, errors = expr.parse("1 / epoch").table(np.arange(0, 4))
    assert values[1:] == [1.0, 0.5, 1 / 3]
    assert errors[0] and "division by zero" in errors[0]
    assert errors[1:] == [None, None, None]


@pytest.mark.parametrize("source", ["1 / (epoch + 1)", "2 ** (10 - epoch // 10000)",
                                    "epoch // 1000", "0.99 ** epoch if epoch < 100000 else 1e-3"])
def test_long_runs_evaluated_block_by_block_equal_one_piece(source, monkeypatch):
    steps = np.arange(0, 200_001)
    whole = expr.parse(source).evaluate(steps)
    monkeypatch.setattr(expr, "BLOCK", 1 << 14)
    blocks = expr.parse(source).evaluate(steps)
    assert blocks.dtype == whole.dtype
    np.testing.assert_array_equal(blocks, whole)
    monkeypatch.setattr(expr, "BLOCK", 1 << 30)
    np.testing.assert_array_equal(expr.parse(source).evaluate(steps), whole)


def test_a_long_run_names_its_first_failing_step(monkeypatch):
    monkeypatch.setattr(expr, "BLOCK", 1000)
    with pytest.raises(expr.ExprError, match="epoch = 150000"):
        expr.parse("1 / (epoch - 150000) + 1 / (epoch - 170000)").evaluate(np.arange(200_000))
