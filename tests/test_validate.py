"""``lrplot validate`` and the corpus of bad inputs (tests/bad_inputs/).

Every bad input is refused with exit 2 and a message naming the culprit, by ``lrplot validate``
and by the rendering commands alike; none prints a traceback, none leaves a file behind.

- ``bad_inputs/*.yaml``: one config each. Its header comments say what must appear in the
  output (``# expect: ...``, one line per fragment) and, when not both, which commands to run
  (``# commands: compare``): ``lrplot validate FILE`` and ``lrplot compare FILE``.
- ``bad_inputs/cli.txt``: command lines, one per line: ``EXIT | FRAGMENTS | ARGUMENTS``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lrplot import limits, yamlio
from lrplot.cli import main

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).resolve().parent / "bad_inputs"
CONFIGS = ROOT / "configs"
ARTICLE = CONFIGS / "article.yaml"


# -- the corpus -------------------------------------------------------------------------------


def yaml_case(path: Path) -> tuple[list[str], list[str]]:
    """The expected fragments and the commands of one YAML case, from its header."""
    fragments, commands = [], ["validate", "compare"]
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# expect: "):
            fragments.append(line.removeprefix("# expect: "))
        elif line.startswith("# commands: "):
            commands = line.removeprefix("# commands: ").split()
    assert fragments, f"{path.name}: no '# expect:' line"
    return fragments, commands


YAML_CASES = sorted(BAD.glob("*.yaml"))
YAML_RUNS = [(path, command) for path in YAML_CASES for command in yaml_case(path)[1]]


def cli_cases() -> list[tuple[int, list[str], str]]:
    cases = []
    for line in (BAD / "cli.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, fragments, args = (part.strip() for part in line.split(" | ", 2))
            cases.append((int(code), fragments.split(" && "), args))
    return cases


CLI_CASES = cli_cases()


def test_the_corpus_has_at_least_80_bad_inputs():
    assert len(YAML_CASES) + len(CLI_CASES) >= 80


def listing(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` with its content (a directory maps to b'<dir>')."""
    found = {}
    for path in sorted(directory.rglob("*")):
        found[str(path.relative_to(directory))] = b"<dir>" if path.is_dir() else \
            path.read_bytes()
    return found


def check_refusal(result, code: int, fragments: list[str], context: str) -> None:
    output = result.output  # stdout and stderr, interleaved
    assert "Traceback" not in output, f"{context}: traceback\n{output}"
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), \
            f"{context}: crashed with {result.exception!r}\n{output}"
    assert result.exit_code == code, f"{context}: exit {result.exit_code}, not {code}\n{output}"
    for fragment in fragments:
        assert fragment in output, f"{context}: {fragment!r} not in\n{output}"


@pytest.mark.parametrize("path, command", YAML_RUNS,
                         ids=[f"{p.stem}-{c}" for p, c in YAML_RUNS])
def test_bad_config(path, command, tmp_path, monkeypatch):
    fragments, _ = yaml_case(path)
    monkeypatch.chdir(tmp_path)  # compare without -o would write STEM.png here
    before = listing(BAD)
    result = CliRunner().invoke(main, [command, str(path)])
    check_refusal(result, 2, [*fragments, str(path)], f"lrplot {command} {path.name}")
    assert listing(tmp_path) == {}, "an output file appeared"
    assert listing(BAD) == before, "a file appeared or changed next to the config"


@pytest.mark.parametrize("code, fragments, args", CLI_CASES, ids=[c[2][:70] for c in CLI_CASES])
def test_bad_command_line(code, fragments, args, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "dir.png").mkdir()
    config = work / "config.yaml"
    shutil.copyfile(ARTICLE, config)
    shutil.copyfile(CONFIGS / "sample-val-loss.csv", work / "loss.csv")
    for name, value in (("{tmp}", work), ("{bad}", BAD), ("{config}", config),
                        ("{dir}", work / "dir.png"), ("{csv}", work / "loss.csv")):
        args = args.replace(name, shlex.quote(str(value)))
    words = shlex.split(args)
    env = {}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    monkeypatch.chdir(work)
    before = listing(work)
    result = CliRunner().invoke(main, words, env=env)
    check_refusal(result, code, fragments, f"lrplot {args}")
    assert listing(work) == before, "a file appeared or changed"


# -- validate -------------------------------------------------------------------------------


def test_valid_configs_exit_0_with_one_line_each():
    paths = [str(p) for p in sorted(CONFIGS.glob("*.yaml"))]
    result = CliRunner().invoke(main, ["validate", *paths])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert [line.split(": ok")[0] for line in result.stdout.splitlines()] == paths


def test_quiet_prints_nothing_for_valid_configs():
    result = CliRunner().invoke(main, ["validate", "-q", str(ARTICLE)])
    assert result.exit_code == 0 and result.output == ""


def test_every_problem_of_every_file_is_listed_in_order():
    cases = [BAD / "many-problems.yaml", ARTICLE, BAD / "unknown-param.yaml"]
    result = CliRunner().invoke(main, ["validate", *map(str, cases)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "6 problems in 2 of 3 files"
    assert [line.split(":")[0] for line in lines[:-1]] == [str(cases[0])] * 4 + \
        [str(cases[2])] * 2  # the unknown t_mx, and so T_max missing
    assert result.stdout == f"{ARTICLE}: ok (4 panels, 11 curves)\n"


LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<path>[\w.\[\]-]+): \S")


def test_problems_are_file_line_col_key_path_message():
    result = CliRunner().invoke(main, ["validate", str(BAD / "many-problems.yaml")])
    for line in result.stderr.splitlines()[:-1]:
        assert LOCATED.match(line), line


def test_the_same_problems_as_compare_reports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = str(BAD / "many-problems.yaml")
    validate = CliRunner().invoke(main, ["validate", path])
    compare = CliRunner().invoke(main, ["compare", path])
    assert compare.exit_code == validate.exit_code == 2
    assert [f"Error: {line}" for line in validate.stderr.splitlines()[:-1]] == \
        [line for line in compare.stderr.splitlines() if line.startswith("Error: ")]


def test_a_relative_config_is_named_as_given(tmp_path, monkeypatch):
    (tmp_path / "c.yaml").write_text("curves: [{type: cosin, T_max: 5}]\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "c.yaml"])
    assert result.stderr.startswith("c.yaml:1:11: curves[0].type: unknown schedule type")


def test_a_metric_file_resolves_relative_to_the_config_not_the_cwd(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loss.csv").write_text("step,loss\n0,1.0\n1,0.9\n2,0.95\n")
    (tmp_path / "sub" / "c.yaml").write_text(
        "curves: [{type: plateau, metric_file: loss.csv, patience: 0}]\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "sub/c.yaml"])
    assert result.exit_code == 0, result.output
    (tmp_path / "sub" / "d.yaml").write_text("curves: [{type: data, path: ../sub/loss.csv}]\n")
    result = CliRunner().invoke(main, ["validate", "sub/d.yaml"])
    assert result.exit_code == 0, result.output


def test_validate_renders_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(ARTICLE)])
    assert result.exit_code == 0 and listing(tmp_path) == {}


# -- YAML surprises -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("3e-4", 3e-4), ("1e-3", 1e-3), ("1E3", 1000.0), ("-2.5e+2", -250.0), (".5", 0.5),
    ("5.", 5.0), ("+7", 7), ("0x1F", 31), ("0o17", 15), ("1_000", "1_000"),
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"), ("n", "n"),
    ("true", True), ("False", False), ("~", None), ("null", None), ("2024-01-01", "2024-01-01"),
    ("'3e-4'", "3e-4"), ("0755", 755),
])
def test_yaml_1_2_core_scalars(text, value):
    assert yamlio.loads(f"v: {text}\n").data == {"v": value}


def test_yes_is_refused_by_name_where_a_number_is_expected(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(BAD / "yes-as-number.yaml")])
    assert "got the string 'yes'" in result.stderr


def test_3e_4_is_a_number_in_a_config():
    doc = yamlio.loads("base_lr: 3e-4\ncurves: [{type: exponential, gamma: 1e-3}]\n")
    from lrplot import spec

    figure = spec.from_document(doc)
    assert figure.curves[0].base_lr == 3e-4 and figure.curves[0].params["gamma"] == 1e-3


def test_all_yaml_level_problems_are_listed_together():
    text = "a: 1\na: 2\nb: .nan\nc: !!python/object:os.system x\nb: 3\n"
    with pytest.raises(yamlio.YamlError) as info:
        yamlio.loads(text, "f.yaml")
    assert info.value.problems == [
        "f.yaml:2:1: a: duplicate key 'a' (first given at line 1); keep one",
        "f.yaml:3:4: b: .nan is not a finite number; lrplot accepts finite numbers only",
        "f.yaml:4:4: c: tag '!!python/object:os.system' is not allowed in lrplot configs "
        "(tags never construct objects here)",
        "f.yaml:5:1: b: duplicate key 'b' (first given at line 3); keep one",
    ]
    assert (info.value.mark.line, info.value.path) == (2, ("a",))


# -- safety and limits ------------------------------------------------------------------------


def test_no_tag_constructs_anything(tmp_path):
    target = tmp_path / "pwned"
    text = (f"a: !!python/object/apply:os.mkdir [{str(target)!r}]\n"
            f"b: !!python/object/new:os.mkdir [{str(target)!r}]\n"
            "c: !!python/name:os.system\n"
            "curves: [{type: cosine, T_max: 5}]\n")
    with pytest.raises(yamlio.YamlError) as info:
        yamlio.loads(text)
    assert len(info.value.problems) == 3
    assert not target.exists()


def run_lrplot(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    """A real process: a hang is a failure (timeout), a traceback shows in stderr."""
    return subprocess.run([sys.executable, "-m", "lrplot", *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **env}, cwd=ROOT)


def test_an_alias_bomb_is_refused_fast_in_a_real_process():
    # the bomb expands to 10^9 values; measured without expanding it, in milliseconds
    start = time.perf_counter()
    result = run_lrplot("validate", str(BAD / "alias-bomb.yaml"))
    elapsed = time.perf_counter() - start
    assert result.returncode == 2 and "alias bomb" in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 30  # a hang guard, not a benchmark: the refusal itself takes ~1 ms


def test_the_bomb_is_measured_without_being_expanded():
    text = (BAD / "alias-bomb.yaml").read_text()
    start = time.process_time()
    with pytest.raises(yamlio.YamlError, match="alias bomb"):
        yamlio.loads(text)
    assert time.process_time() - start < 5  # generous: it is ~1 ms; expanding would be hours


def test_a_config_over_the_size_cap_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("curves: [{type: cosine, T_max: 5}]\n" + "# padding\n" * 120_000)
    assert path.stat().st_size > limits.MAX_CONFIG_BYTES.default
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "config file larger than 1.05 MB" in result.stderr
    result = CliRunner().invoke(main, ["validate", str(path)],
                                env={"LRPLOT_MAX_CONFIG_BYTES": "2e6"})
    assert result.exit_code == 0, result.output


def test_a_large_hostile_config_fails_fast(tmp_path):
    # the most values a file under the size cap can hold still fails in one pass
    path = tmp_path / "wide.yaml"
    path.write_text("curves: [" + ", ".join(["1"] * 300_000) + "]\n")
    result = run_lrplot("validate", str(path), timeout=60)
    assert result.returncode == 2 and "more than 50000 values" in result.stderr


def test_limits_default_to_what_real_work_needs():
    assert limits.MAX_STEPS.default >= 10**8 and limits.MAX_POINTS.default >= 10**8
    assert limits.steps_problem(10**8) is None
    assert limits.points_problem([10**8]) is None


def test_a_10_8_step_curve_passes_validation(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("steps: 1e8\ncurves: [{type: cosine, T_max: 1e7}]\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_limits_are_configurable_by_environment(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("steps: 2e9\ncurves: [{type: cosine, T_max: 5}]\n")
    assert CliRunner().invoke(main, ["validate", str(path)]).exit_code == 2
    result = CliRunner().invoke(main, ["validate", str(path)],
                                env={"LRPLOT_MAX_STEPS": "2e9", "LRPLOT_MAX_POINTS": "2e9"})
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("n, text", [
    (999, "999"), (10**6, "1,000,000 (1e6)"), (1_234_567_890, "1,234,567,890 (1.2e9)")])
def test_counts_read_at_a_glance(n, text):
    assert limits.count(n) == text


def test_suggested_limits_are_never_below_what_is_needed():
    for n in (1_000_001, 1_234_567_890, 2 * 10**12 + 1, 10**9 + 1, 99_999_999_999):
        assert float(limits.sci(n, round_up=True)) >= n


def test_refuses_to_write_over_the_input_config(tmp_path):
    config = tmp_path / "c.yaml"
    shutil.copyfile(ARTICLE, config)
    before = config.read_bytes()
    for out in (str(config), str(tmp_path / "." / "c.yaml")):
        result = CliRunner().invoke(main, ["compare", str(config), "-o", out])
        assert result.exit_code == 2 and "refusing to write over the input config" in \
            result.stderr
    assert config.read_bytes() == before
