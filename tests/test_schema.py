"""The JSON Schema of configs: generated from the registry, shipped twice, current, and in
agreement with lrplot's own validation (never refusing what lrplot accepts)."""

from __future__ import annotations

import importlib.resources
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrplot
from lrplot import schedules, schema, spec
from lrplot.cli import main
from lrplot.params import TYPES, Param
from lrplot.spec import SpecError

ROOT = Path(__file__).resolve().parents[1]
REPO_SCHEMA = ROOT / "schema" / "lrplot.schema.json"
CONFIGS = sorted((ROOT / "configs").glob("*.y*ml"))
HEADER = "# yaml-language-server: $schema=../schema/lrplot.schema.json"


@pytest.fixture(scope="module")
def generated() -> dict:
    return schema.generate()  # lenient: a gap fails only the test that looks for gaps


@pytest.fixture(scope="module")
def validator(generated) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(generated)


def schema_accepts(validator, data) -> bool:
    return validator.is_valid(data)


def lrplot_accepts(data) -> bool:
    try:
        lrplot.load(data)
    except SpecError:
        return False
    return True


# -- shape and freshness ----------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_07_schema(generated):
    assert generated["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(generated)


def test_the_generator_describes_every_param_type_and_every_key():
    # strict: a Param type (lrplot.params.TYPES) or a figure/panel/curve key without a JSON
    # Schema raises SchemaGapError, which says what to add to lrplot/schema.py
    schema.generate(strict=True)
    assert "schedulers" in TYPES  # the one type that is a $ref, not a scalar schema


def test_generation_is_deterministic():
    assert schema.dumps() == schema.dumps()


@pytest.mark.parametrize("copy", ["package", "repository"])
def test_the_shipped_schema_files_are_current(copy):
    if copy == "package":
        shipped = importlib.resources.files("lrplot").joinpath("lrplot.schema.json")
        where = "lrplot/lrplot.schema.json (inside the package)"
    else:
        shipped = REPO_SCHEMA
        where = "schema/lrplot.schema.json"
    assert shipped.is_file(), f"{where} is missing: regenerate it with `{schema.REGENERATE}`"
    if shipped.read_text(encoding="utf-8") != schema.dumps():
        pytest.fail(f"{where} is stale (a kind, a parameter or a config key changed): "
                    f"regenerate both schema files with `{schema.REGENERATE}`", pytrace=False)


def test_lrplot_schema_prints_the_generated_schema():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    assert result.stdout == schema.dumps()
    assert json.loads(result.stdout)["title"] == "lrplot figure config"


def test_lrplot_schema_generates_the_schema_when_the_shipped_copy_is_missing(tmp_path,
                                                                             monkeypatch):
    from lrplot.cli import config as cli_config

    monkeypatch.setattr(cli_config, "__file__", str(tmp_path / "cli" / "config.py"))
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    assert result.stdout == schema.dumps()


def test_lrplot_schema_writes_a_file(tmp_path):
    target = tmp_path / "s.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == schema.dumps()


def test_lrplot_schema_refuses_a_directory(tmp_path):
    result = CliRunner().invoke(main, ["schema", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.stderr
    assert "Traceback" not in result.output


def test_python_m_lrplot_schema_check_passes_on_a_current_checkout():
    assert schema.main(["--check"]) == 0


# -- content ------------------------------------------------------------------------------------


def kinds() -> list:
    return schedules.all_kinds()


def definition(generated, name: str) -> dict:
    return generated["definitions"][name]


@pytest.mark.parametrize("kind", kinds(), ids=lambda k: k.name)
def test_every_parameter_is_described_under_both_spellings(generated, kind):
    branch = next(b["then"] for b in definition(generated, "curve")["allOf"]
                  if b["if"]["properties"]["type"] == {"$ref": f"#/definitions/type.{kind.name}"})
    for p in kind.params:
        if p.key in spec.CURVE_KEYS or p.name in spec.CURVE_KEYS:
            continue  # the curve's own key of that name is the same value
        for key in {p.key, p.name}:
            assert branch["properties"][key] == {"$ref": f"#/definitions/{kind.name}.{p.name}"}
        described = definition(generated, f"{kind.name}.{p.name}")
        assert described["description"].startswith(p.help.rstrip("."))
        if p.required:
            assert "default" not in described and "required" in described["description"]
        elif p.default is not None:
            expected = list(p.default) if isinstance(p.default, tuple) else p.default
            assert described["default"] == expected


def test_bounds_types_and_choices_come_from_the_param_table(generated):
    t_max = definition(generated, "cosine.T_max")
    assert t_max["type"] == "integer" and t_max["minimum"] == 1
    gamma = definition(generated, "exponential.gamma")
    assert gamma["type"] == "number" and gamma["exclusiveMinimum"] == 0
    milestones = definition(generated, "multistep.milestones")
    assert milestones["type"] == "array" and milestones["items"] == {"type": "integer",
                                                                    "minimum": 0}
    mode = definition(generated, "cyclic.mode")
    assert mode["enum"] == list(schedules.get("cyclic").param("mode").choices)


@pytest.mark.parametrize("param_type", TYPES)
def test_every_param_type_has_a_value_schema(param_type):
    generator = schema._Generator(strict=True)
    p = Param("x", param_type, "help", choices=("a", "b") if param_type.startswith("choice") else ())
    assert generator.value(p)


def test_a_new_param_type_is_a_loud_gap_not_a_silent_hole():
    generator = schema._Generator(strict=True)
    with pytest.raises(schema.SchemaGapError, match="lrplot/schema.py"):
        generator.scalar(Param("x", "float", "help"), "complex")
    lenient = schema._Generator(strict=False)
    assert lenient.scalar(Param("x", "float", "help"), "complex") == {}
    assert lenient.gaps


# -- configs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_config_starts_with_the_schema_line(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == HEADER, f"{path.name}: the first line must be {HEADER!r}"


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_config_validates_against_the_schema(path, validator):
    from lrplot import yamlio

    data = yamlio.load(str(path)).data
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(data)]
    assert not errors, errors


def test_the_header_points_at_the_repository_copy():
    assert (ROOT / "configs" / HEADER.split("$schema=")[1]).resolve() == REPO_SCHEMA


# -- agreement with lrplot -------------------------------------------------------------------


def minimal_value(p: Param):
    """A value the parameter accepts, from its declaration alone."""
    scalar = p.type.removesuffix("_list")
    if p.type == "schedulers":
        return [{"type": "constant", "factor": 0.5, "total_iters": 2}]
    if scalar in ("float", "int"):
        low = 1 if p.min is None else p.min + (1 if p.min_exclusive else 0)
        value = max(low, 1) if p.max is None or p.max >= 1 else low
        if p.max is not None and value > p.max:
            value = (p.min + p.max) / 2 if p.min is not None else p.max - 1
        return [int(value)] if p.is_list and scalar == "int" else \
            ([float(value)] if p.is_list else (int(value) if scalar == "int" else float(value)))
    if p.type == "choice_list":
        return [p.choices[0]]
    return {"bool": True, "choice": p.choices[0] if p.choices else None,
            "expr": "0.9 ** epoch", "text": "x", "path": "x"}[scalar]


def minimal_curve(kind) -> dict:
    curve = {"type": kind.name, "steps": 5}
    for p in kind.params:
        if p.required:
            curve[p.key] = minimal_value(p)
    return curve


@pytest.mark.parametrize("kind", kinds(), ids=lambda k: k.name)
def test_spellings_of_a_kind_are_those_lrplot_accepts(kind, validator):
    for spelling in schema.spellings(kind):
        for variant in {spelling, spelling.upper(), spelling.lower()}:
            assert schedules.get(variant) is kind, variant
            curve = {**minimal_curve(kind), "type": variant}
            data = {"curves": [curve]}
            if lrplot_accepts(data):
                assert schema_accepts(validator, data), (variant, list(
                    validator.iter_errors(data))[:3])


@pytest.mark.parametrize("kind", kinds(), ids=lambda k: k.name)
def test_a_minimal_curve_of_every_kind_agrees(kind, validator):
    data = {"curves": [minimal_curve(kind)]}
    if lrplot_accepts(data):
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, errors


@pytest.mark.parametrize("data", [
    {"curves": [{"type": "cosin", "T_max": 5}]},
    {"curves": [{"type": "cosine", "t_mx": 5}]},
    {"curves": [{"type": "cosine"}]},
    {"curves": [{"type": "cosine", "T_max": 0}]},
    {"curves": [{"type": "cosine", "T_max": "yes"}]},
    {"curves": [{"type": "cosine", "T_max": 5.5}]},
    {"curves": [{"type": "exponential", "gamma": 0}]},
    {"curves": [{"type": "exponential", "gamma": [0.5]}]},
    {"curves": [{"type": "multistep", "milestones": 5}]},
    {"curves": [{"type": "multistep", "milestones": [-1]}]},
    {"curves": [{"type": "cyclic", "max_lr": 1, "mode": "triangle"}]},
    {"curves": [{"type": "cosine", "T_max": 5, "sweep": {"eta_min": []}}]},
    {"curves": [{"type": "cosine", "T_max": 5, "sweep": {"t_mx": [1]}}]},
    {"curves": [{"type": "cosine", "T_max": 5, "steps": 0}]},
    {"curves": [{"type": "cosine", "T_max": 5, "base_lr": 0}]},
    {"curves": [{"type": "cosine", "T_max": 5, "base_lr": []}]},
    {"curves": [{"type": "cosine", "T_max": 5, "base_lr": [0.1, -1]}]},
    {"curves": [{"type": "chained", "schedulers": [{"type": "cyclic", "max_lr": 1,
                                                    "base_lr": [0.1, 0.01]}]}]},
    {"curves": []},
    {"panels": []},
    {"panels": [{"curves": [{"type": "cosine", "T_max": 5}], "colour": "red"}]},
    {"panels": [{"title": "no curves"}]},
    {"curves": [{"type": "cosine", "T_max": 5}], "panels": []},
    {"titel": "x", "curves": [{"type": "cosine", "T_max": 5}]},
    {"log_y": "yes", "curves": [{"type": "cosine", "T_max": 5}]},
    {"curves": [{"type": "sequential", "milestones": [3],
                 "schedulers": [{"type": "linear"}, {"type": "nope"}]}]},
    {"curves": [{"type": "chained", "schedulers": [{"type": "cosine", "T_max": 5,
                                                    "steps": 3}]}]},
    {"curves": [{"type": "chained", "schedulers": []}]},
], ids=lambda d: json.dumps(d)[:60])
def test_the_schema_refuses_what_lrplot_refuses(data, validator):
    assert not lrplot_accepts(data)
    assert not schema_accepts(validator, data)


@pytest.mark.parametrize("data", [
    {"curves": [{"type": "cosine", "T_max": 5}]},
    {"base_lr": [0.1, 0.01], "curves": [{"type": "cosine", "T_max": 5, "base_lr": [1, 2]}]},
    {"panels": [{"base_lr": [0.1, 0.01], "curves": [{"type": "cosine", "T_max": 5}]}]},
    {"curves": [{"type": "cosine", "t_max": 5}]},
    {"curves": [{"type": "cosine", "t-max": 5}]},
    {"curves": [{"type": "CosineAnnealingLR", "T_max": 5, "eta_min": 0}]},
    {"curves": [{"type": "torch.cosine", "T_max": 5}]},
    {"curves": [{"type": "cosine", "sweep": {"T_max": [5, 10]}}]},
    {"curves": [{"type": "cosine", "sweep": {"t_max": [5, 10], "eta_min": [0, 0.01]}}]},
    {"curves": [{"type": "multistep", "milestones": [3, 3], "gamma": 0.5}]},
    {"curves": [{"type": "multistep", "sweep": {"milestones": [[3], [4, 5]]}}]},
    {"curves": [{"type": "cyclic", "max_lr": 1, "step_size_down": None}]},
    {"title": 2024, "steps": 50, "base_lr": 1, "log_y": True,
     "panels": [{"title": "a", "steps": 10, "curves": [{"type": "step", "step_size": 2,
                                                         "label": "s", "base_lr": 0.5}]}]},
    {"curves": [{"type": "sequential", "milestones": [3],
                 "schedulers": [{"type": "linear", "start_factor": 0.5, "total_iters": 3},
                                {"type": "cosine", "T_max": 5}]}]},
    {"curves": [{"type": "chained",
                 "schedulers": [{"type": "cyclic", "max_lr": 1, "base_lr": 0.01},
                                {"type": "exponential", "gamma": 0.9}]}]},
], ids=lambda d: json.dumps(d)[:60])
def test_the_schema_accepts_what_lrplot_accepts(data, validator):
    assert lrplot_accepts(data)
    errors = [e.message for e in validator.iter_errors(data)]
    assert not errors, errors


def curve_strategy():
    """Random curve mappings built from the Param tables: sometimes valid, often not."""
    def value(p: Param):
        scalar = p.type.removesuffix("_list")
        numbers = st.one_of(st.integers(-3, 10**6), st.floats(-10, 10**6, allow_nan=False),
                            st.sampled_from([0, 1, 0.5, 1e-3]))
        base = {"float": numbers, "int": numbers, "bool": st.booleans(),
                "choice": st.sampled_from(list(p.choices) + ["nope"]),
                "expr": st.sampled_from(["0.9 ** epoch", "epoch +", "1"]),
                "text": st.text(max_size=3), "path": st.just("missing.csv")}.get(
            scalar, st.none())
        if p.type == "schedulers":
            return st.just([{"type": "constant", "factor": 0.5, "total_iters": 2}])
        if p.is_list:
            return st.lists(base, max_size=3)
        return st.one_of(base, st.sampled_from(["yes", None, [1]]))

    common = {  # the curve's own keys, valid and not
        "base_lr": st.sampled_from([0.1, 1, [0.1, 0.01], [], [0.1, "x"], "0.1"]),
        "series": st.sampled_from(["lr", ["lr", "momentum"], "metric", [], "loss"]),
        "interval": st.sampled_from(["step", "epoch", "iteration"]),
        "steps_per_epoch": st.sampled_from([10, 0, 2.5, "10"]),
        "label": st.sampled_from(["warm-up", 5, None, ["a"]]),
    }

    @st.composite
    def build(draw):
        kind = draw(st.sampled_from(kinds()))
        curve = {"type": kind.name, "steps": draw(st.integers(1, 50))}
        for p in kind.params:
            if draw(st.booleans()) or (p.required and draw(st.booleans())):
                curve[draw(st.sampled_from(sorted({p.key, p.name})))] = draw(value(p))
        for key, values in common.items():
            if draw(st.integers(0, 3)) == 0:
                curve[key] = draw(values)
        return curve

    return build()


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(curve=curve_strategy())
def test_the_schema_never_refuses_what_lrplot_accepts(curve, validator):
    data = {"curves": [curve]}
    if lrplot_accepts(data):
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (curve, errors)


# -- start-up -----------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["schema"], ["validate", *(str(p.relative_to(ROOT)) for p in CONFIGS)],
    ["validate", "tests/bad_inputs/unknown-kind.yaml"]], ids=["schema", "configs", "bad"])
def test_schema_and_validate_import_neither_numpy_nor_matplotlib(args):
    code = ("import sys\nfrom lrplot.cli import main\n"
            "try:\n    main(%r, standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('numpy', 'matplotlib') if m in sys.modules]\n"
            "print('HEAVY', heavy, file=sys.stderr)\n" % (args,))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert "HEAVY []" in result.stderr, result.stderr[-2000:]
    assert not re.search(r"^Traceback", result.stderr, re.M), result.stderr[-2000:]


@pytest.mark.skipif("child_kinds" not in Param.__dataclass_fields__,
                    reason="Param.child_kinds not declared")
@pytest.mark.parametrize("group", ["optax", "optax.warmup_cosine_decay"])
def test_children_of_another_frameworks_composite(group):
    generator = schema._Generator(strict=True)
    ref = generator.value(Param("s", "schedulers", "children", child_kinds=group))["items"]
    name = ref["$ref"].split("/")[-1]
    assert name == f"child.{group}"
    child = generator.definitions[name]
    if "." in group:  # one kind: the type may be left out
        assert "required" not in child or "type" not in child["required"]
        assert child["additionalProperties"] is False
    else:
        kinds = [b["if"]["properties"]["type"]["$ref"] for b in child["allOf"]]
        assert kinds and all(k.startswith("#/definitions/type.optax.") for k in kinds)


def test_an_import_curve_validates_and_its_keys_come_from_the_reader(validator, generated):
    """``type: import`` curves are described from the import reader's own declaration (its
    KEYS and RunFacts' fields): every key, and a mistake in one, as lrplot itself sees it."""
    from lrplot.readers import imports

    path = str(Path(__file__).parent / "data/foreign/hf/llamafactory_llama3_lora_sft.yaml")
    good = {"curves": [{"type": "import", "path": path, "dataset_size": 1091, "label": "mine",
                        "from": "hf", "interval": "step", "epochs": 2.5,
                        "learning_rate": 3e-4},
                       {"type": "hf.linear", "num_warmup_steps": 42,
                        "num_training_steps": 411, "steps": 412}]}
    assert list(validator.iter_errors(good)) == []
    assert lrplot_accepts(good)
    described = set(definition(generated, "curve")["allOf"][-1]["then"]["properties"])
    assert described == set(imports.KEYS)
    for bad in ({"type": "import", "path": path, "dataset_size": 0},   # below the minimum
                {"type": "import", "path": path, "dataset_size": 2.5},  # not an integer
                {"type": "import", "path": path, "interval": "batch"},
                {"type": "import", "path": path, "from": "nope"},
                {"type": "import", "path": path, "datset_size": 10},  # a misspelt key
                {"type": "import", "dataset_size": 10}):  # no path
        assert not schema_accepts(validator, {"curves": [bad]}), bad
        assert not lrplot_accepts({"curves": [bad]}), bad
