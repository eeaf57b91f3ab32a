"""Hostile and mistaken input that the corpus (tests/bad_inputs) cannot express: device nodes,
FIFOs, symbolic links and file modes as outputs; closed or full standard streams; signals during
a write; code injection through ``lrplot code``; files outside a config's directory; memory that
must stay bounded. Each test names the case it guards.

Device nodes need root (``mknod``); those tests skip elsewhere.
"""

from __future__ import annotations

import ast
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import lrplot
from lrplot import codegen, gallery, inputs, output
from lrplot.cli import main
from lrplot.spec import SpecError

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
CONFIG = "curves: [{type: cosine, T_max: 5}]\n"


def lrplot_run(*args: str, cwd: Path, env: dict | None = None, timeout: float = 60,
               **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lrplot", *args], cwd=cwd, capture_output=True,
                          env={**ENV, **(env or {})}, timeout=timeout, **options)


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def clean(result, code: int, *fragments: str) -> None:
    out = result.output
    assert "Traceback" not in out, out
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code == code, out
    for fragment in fragments:
        assert fragment in out, (fragment, out)


def device(path: Path, minor: int) -> Path:
    """A character device node like /dev/null (minor 3) or /dev/full (minor 7) at ``path``."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except (PermissionError, AttributeError):
        pytest.skip("needs root to create a device node")
    return path


def is_device(path: Path) -> bool:
    return stat.S_ISCHR(os.lstat(path).st_mode)


# -- 1. outputs that are not regular files --------------------------------------------------------

OUTPUTS = [("csv", ["cosine", "--t-max", "10"]), ("json", ["cosine", "--t-max", "10"]),
           ("png", ["cosine", "--t-max", "10"]), ("svg", ["cosine", "--t-max", "10"]),
           ("pdf", ["cosine", "--t-max", "10"])]


@pytest.mark.parametrize("fmt, args", OUTPUTS, ids=[f for f, _ in OUTPUTS])
def test_a_null_device_is_written_through_never_replaced(tmp_path, fmt, args):
    node = device(tmp_path / "nullnode", 3)
    result = invoke(*args, "-o", str(node), "--format", fmt)
    clean(result, 0)
    assert is_device(node)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nullnode"]  # no temp file left


@pytest.mark.parametrize("fmt, args", OUTPUTS, ids=[f for f, _ in OUTPUTS])
def test_a_full_device_reports_no_space_and_stays_a_device(tmp_path, fmt, args):
    node = device(tmp_path / "fullnode", 7)
    result = invoke(*args, "-o", str(node), "--format", fmt)
    clean(result, 1, "cannot write", "No space left on device")
    assert is_device(node)


def test_schema_output_onto_devices(tmp_path):
    full = device(tmp_path / "full", 7)
    clean(invoke("schema", "-o", str(full)), 1, "No space left on device")
    null = device(tmp_path / "null", 3)
    clean(invoke("schema", "-o", str(null)), 0)
    assert is_device(full) and is_device(null)


def test_a_fifo_gets_the_output_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = invoke("cosine", "--t-max", "4", "--steps", "3", "-o", str(fifo), "--format", "csv")
    reader.join(30)
    clean(result, 0)
    assert received == [b"step,CosineAnnealingLR(T_max=4)\n0,0.1\n1,0.08535533905932738\n"
                        b"2,0.05\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        clean(invoke("cosine", "--t-max", "5", "-o", str(path)), 2, "is a socket")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()


def test_a_symlinked_output_writes_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.svg"
    target.write_text("old")
    link = tmp_path / "link.svg"
    link.symlink_to(target.name)
    clean(invoke("cosine", "--t-max", "5", "-o", str(link)), 0)
    assert link.is_symlink() and os.readlink(link) == "real.svg"
    assert target.read_text().startswith("<?xml")


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to("made.csv")
    clean(invoke("cosine", "--t-max", "5", "-o", str(link)), 0)
    assert link.is_symlink() and (tmp_path / "made.csv").read_text().startswith("step,")


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_rewriting_an_output_keeps_its_mode(tmp_path, mode):
    path = tmp_path / "lr.csv"
    path.write_text("old")
    path.chmod(mode)
    clean(invoke("cosine", "--t-max", "5", "-o", str(path)), 0)
    assert stat.S_IMODE(path.stat().st_mode) == mode and path.read_text().startswith("step")


def test_a_new_output_follows_the_umask(tmp_path):
    previous = os.umask(0o077)
    try:
        clean(invoke("cosine", "--t-max", "5", "-o", str(tmp_path / "lr.csv")), 0)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "lr.csv").stat().st_mode) == 0o600


# -- 2. never overwrite an input --------------------------------------------------------------------


def test_a_config_reached_through_a_symlink_is_not_overwritten(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real.yaml").write_text(CONFIG)
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    clean(invoke("compare", "link.yaml", "-o", "real.yaml", "--format", "svg"), 2,
          "refusing to write over the input config")
    clean(invoke("compare", "real.yaml", "-o", "link.yaml", "--format", "svg"), 2,
          "refusing to write over the input config")
    assert (tmp_path / "real.yaml").read_text() == CONFIG


def test_a_hard_link_to_the_config_is_not_overwritten(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.yaml").write_text(CONFIG)
    os.link(tmp_path / "c.yaml", tmp_path / "other.svg")
    clean(invoke("compare", "c.yaml", "-o", "other.svg"), 2, "refusing to write over")
    assert (tmp_path / "c.yaml").read_text() == CONFIG


@pytest.mark.parametrize("name, args", [("fig.png", []), ("fig.svg", ["--format", "svg"]),
                                        ("fig.csv", ["--format", "csv"])])
def test_the_default_output_never_overwrites_the_config(tmp_path, monkeypatch, name, args):
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(CONFIG)
    clean(invoke("compare", name, *args), 2, "the default output", "refusing to write over "
          "the input config", "give -o")
    assert (tmp_path / name).read_text() == CONFIG


def test_a_data_csv_reached_through_a_symlink_is_not_overwritten(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = "step,lr\n0,0.1\n1,0.05\n"
    (tmp_path / "log.csv").write_text(data)
    (tmp_path / "alias.csv").symlink_to("log.csv")
    (tmp_path / "c.yaml").write_text("curves: [{type: data, path: log.csv}]\n")
    clean(invoke("compare", "c.yaml", "-o", "alias.csv"), 2, "which this figure reads")
    assert (tmp_path / "log.csv").read_text() == data


# -- 3. lrplot code: labels are comments that cannot end early -----------------------------------

HOSTILE_LABELS = [
    "planned\nimport os; os.system('touch pwned')",
    "planned\rimport os; os.system('touch pwned')",
    *[f"planned{sep}import os; os.system('touch pwned')"
      for sep in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"],
    "planned\r\n__import__('os').system('touch pwned')",
    "x\\\nimport os",
    "'''\nimport os\n'''",
    "\x00\x1b[31m",
]


def _code(label: str, tmp_path: Path) -> str:
    config = tmp_path / "c.yaml"
    escaped = label.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    config.write_text(f'curves: [{{type: cosine, T_max: 5, steps: 4, label: "{escaped}"}}]\n',
                      encoding="utf-8")
    result = invoke("code", str(config))
    clean(result, 0)
    return result.stdout


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=range(len(HOSTILE_LABELS)))
def test_a_hostile_label_cannot_inject_code(label, tmp_path, monkeypatch):
    code = _code(label, tmp_path)
    benign = _code("planned", tmp_path)
    # the same program as for a harmless label: the label only ever reached a comment, or
    # the SCHEDULES table as a string literal (data)
    assert _shape(code) == _shape(benign)
    assert len(code.splitlines()) == len(benign.splitlines())
    monkeypatch.chdir(tmp_path)
    pytest.importorskip("torch")
    scope: dict = {"__name__": "__main__"}  # as `python emitted.py` runs it
    exec(compile(code, "emitted.py", "exec"), scope)  # noqa: S102 - the point of the test
    assert not (tmp_path / "pwned").exists()
    [build] = scope["SCHEDULES"].values()
    assert len(build()) == 4


def _shape(source: str) -> str:
    """The program without its string data."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


def test_comments_escape_every_line_boundary():
    for c in map(chr, range(0x110000)):
        if c in "\ud800\udfff" or "\ud800" <= c <= "\udfff":
            continue
        text = codegen.comment(f"a{c}b")
        assert len(f"# {text}".splitlines()) == 1, repr(c)
        assert "\r" not in text and "\n" not in text


def test_an_expression_written_over_lines_is_emitted_on_one(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text('curves: [{type: lambda, lr_lambda: "(0.5 # c\\n + epoch * 0)", '
                      'steps: 3}]\n')
    result = invoke("code", str(config))
    if result.exit_code == 0:  # accepted: then as one line, without the comment
        assert "# c" not in result.stdout
        ast.parse(result.stdout)
    else:
        clean(result, 2)


# -- 4. data and metric paths ---------------------------------------------------------------------


def test_a_data_path_never_prints_the_environment(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("curves: [{type: data, path: /proc/self/environ}]\n")
    result = lrplot_run("compare", str(config), "-o", "x.csv", cwd=tmp_path,
                        env={"LRPLOT_SECRET_TOKEN": "hunter2-do-not-print"},
                        timeout=30)
    assert result.returncode == 2
    assert b"hunter2" not in result.stderr + result.stdout
    assert b"is a system file" in result.stderr


def test_outside_files_are_refused_unless_allowed(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "log.csv").write_text("step,lr\n0,0.1\n1,0.05\n")
    config = tmp_path / "sub" / "c.yaml"
    config.write_text("curves: [{type: data, path: ../log.csv}]\n")
    clean(invoke("validate", str(config)), 2, "is outside the config's directory",
          "--allow-outside")
    clean(invoke("validate", "--allow-outside", str(config)), 0)
    clean(invoke("validate", str(config), env={"LRPLOT_ALLOW_OUTSIDE": "1"}), 0)
    clean(invoke("compare", "--allow-outside", str(config), "-o", str(tmp_path / "o.csv")), 0)
    clean(invoke("stats", str(config), "--allow-outside"), 0)
    # the permission does not outlive the command that gave it
    clean(invoke("validate", str(config)), 2, "is outside")


def test_a_symlink_out_of_the_directory_is_outside(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "log.csv").write_text("step,lr\n0,0.1\n")
    (tmp_path / "sub" / "log.csv").symlink_to(tmp_path / "log.csv")
    config = tmp_path / "sub" / "c.yaml"
    config.write_text("curves: [{type: plateau, metric_file: log.csv, metric_column: lr}]\n")
    clean(invoke("validate", str(config)), 2, "is outside the config's directory")


def test_files_in_subdirectories_are_inside(tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "log.csv").write_text("step,lr\n0,0.1\n1,0.05\n")
    config = tmp_path / "c.yaml"
    config.write_text("curves: [{type: data, path: logs/../logs/log.csv}]\n")
    clean(invoke("validate", str(config)), 0)


def test_flags_may_name_any_regular_file(tmp_path):
    (tmp_path / "m.csv").write_text("loss\n1.0\n0.9\n")
    clean(invoke("plateau", "--metric-file", str(tmp_path / "m.csv"), "-o",
                 str(tmp_path / "o.csv")), 0)


@pytest.mark.parametrize("key", ["path", "metric_file"])
def test_a_fifo_as_a_data_file_is_refused_at_once(tmp_path, key):
    os.mkfifo(tmp_path / "log.csv")
    kind = "data" if key == "path" else "plateau"
    (tmp_path / "c.yaml").write_text(f"curves: [{{type: {kind}, {key}: log.csv}}]\n")
    result = lrplot_run("validate", "c.yaml", cwd=tmp_path, timeout=30)
    assert result.returncode == 2 and b"is a FIFO, not a regular file" in result.stderr


def test_a_huge_cell_is_refused_without_a_traceback(tmp_path):
    (tmp_path / "log.csv").write_text("step,lr\n0," + "1" * 200_000 + "\n")
    (tmp_path / "m.csv").write_text("loss\n" + "1" * 200_000 + "\n")
    (tmp_path / "c.yaml").write_text("curves: [{type: data, path: log.csv}]\n")
    (tmp_path / "p.yaml").write_text("curves: [{type: plateau, metric_file: m.csv}]\n")
    for args in (["compare", "c.yaml", "-o", "x.csv"], ["stats", "c.yaml"],
                 ["validate", "p.yaml"]):
        result = lrplot_run(*args, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert b"Traceback" not in result.stderr
        assert b"cells hold at most 131,072 characters" in result.stderr
        assert len(result.stderr) < 1000  # the cell is not printed


def test_a_header_is_listed_only_in_excerpts(tmp_path):
    (tmp_path / "log.csv").write_text(",".join(f"secret{i}" * 20 for i in range(100)) + "\n1\n")
    (tmp_path / "c.yaml").write_text("curves: [{type: data, path: log.csv, column: lr}]\n")
    result = invoke("validate", str(tmp_path / "c.yaml"))
    clean(result, 2, "has no column 'lr'", "... (100 columns)")
    assert len(result.output) < 1500


# -- 5. configs that are not regular files ---------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "compare", "stats", "lint"])
def test_a_fifo_config_is_refused_not_waited_for(tmp_path, command):
    os.mkfifo(tmp_path / "f.yaml")
    args = [command, "f.yaml"] + (["-o", "o.svg"] if command == "compare" else [])
    result = lrplot_run(*args, cwd=tmp_path, timeout=30)
    assert result.returncode == 2, result.stderr
    assert b"f.yaml is a FIFO, not a regular file" in result.stderr


def test_a_fifo_named_like_a_config_does_not_stall_a_gallery(tmp_path):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "a.yaml").write_text(CONFIG)
    os.mkfifo(tmp_path / "cfg" / "f.yaml")
    result = lrplot_run("gallery", "cfg", "-o", "gal", "--check", cwd=tmp_path, timeout=30)
    assert result.returncode == 1 and b"gal/a.png" in result.stdout + result.stderr


def test_a_huge_config_cap_allocates_nothing(tmp_path):
    (tmp_path / "c.yaml").write_text(CONFIG)
    clean(invoke("validate", str(tmp_path / "c.yaml"), env={"LRPLOT_MAX_CONFIG_BYTES": "1e15"}),
          0)


# -- standard streams -------------------------------------------------------------------------------


def test_a_closed_stdout_is_an_environment_failure(tmp_path):
    result = subprocess.run(["sh", "-c", f"exec '{sys.executable}' -m lrplot cosine --t-max 5 "
                             "-o - --format csv >&-"], cwd=tmp_path, env=ENV,
                            stderr=subprocess.PIPE, timeout=60)
    assert result.returncode == 1
    assert b"standard output is closed" in result.stderr and b"Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["cosine", "--t-max", "5", "--term"], ["list"],
                                  ["cosine", "--t-max", "5", "-o", "-", "--format", "csv"],
                                  ["schema"], ["code", "cosine", "--t-max", "5"]],
                         ids=["term", "list", "stdout-csv", "schema", "code"])
def test_a_full_stdout_is_an_environment_failure(tmp_path, args):
    node = device(tmp_path / "full", 7)
    with open(node, "wb") as full:
        result = subprocess.run([sys.executable, "-m", "lrplot", *args], cwd=tmp_path, env=ENV,
                                stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert result.returncode == 1, result.stderr
    assert b"No space left on device" in result.stderr
    assert b"Traceback" not in result.stderr and b"Exception ignored" not in result.stderr


def test_a_closed_pipe_is_quiet(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "lrplot", "list"], cwd=tmp_path, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.read(10)
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err and b"Exception ignored" not in err


# -- signals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_during_a_write_leaves_no_temp_file(tmp_path, signum):
    process = subprocess.Popen(
        [sys.executable, "-m", "lrplot", "exponential", "--gamma", "0.9999999", "--steps", "3e7",
         "-o", "big.csv"], cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(6000):  # until the temporary file exists (or the run ends)
            if any(p.name.startswith(".lrplot-") for p in tmp_path.iterdir()) or \
                    process.poll() is not None:
                break
            time.sleep(0.01)
        process.send_signal(signum)
        process.communicate(timeout=60)
    finally:
        process.kill()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".lrplot-")]
    assert process.returncode != 0 or (tmp_path / "big.csv").exists()


# -- tracebacks and memory -------------------------------------------------------------------------


def test_the_python_api_refuses_bad_mappings_and_huge_steps():
    with pytest.raises(SpecError, match="keys are text, got the key 1"):
        lrplot.load({1: 2})
    with pytest.raises(SpecError, match="steps exceed the limit"):
        lrplot.schedule("cosine", steps=10**400, T_max=5)
    cyclic: dict = {"curves": []}
    cyclic["curves"].append(cyclic)
    with pytest.raises(SpecError, match="contains itself"):
        lrplot.load(cyclic)
    with pytest.raises(SpecError, match="levels deep"):
        lrplot.schedule("lambda", steps=5, lr_lambda="-" * 499 + "x")


PEAK_KB = 600_000
"""Most resident memory one of these runs may reach (kB): the cases refused or bounded here
reached gigabytes before."""


_MEASURE = """
import os, subprocess, sys
with open(sys.argv[1], "wb") as err:
    process = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=err)
    _, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""
"""Runs a command and prints its exit code and peak resident memory (kB). A small launcher of
its own: a child forked from pytest itself would count pytest's memory as its own."""


def peak_memory(*args: str, cwd: Path, env: dict | None = None) -> tuple[int, bytes]:
    """Run lrplot; its exit code and stderr, after checking its peak memory stayed bounded."""
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(cwd / ".stderr"),
                             sys.executable, "-m", "lrplot", *args], cwd=cwd,
                            env={**ENV, **(env or {})}, capture_output=True, timeout=300)
    code, peak = map(int, result.stdout.split())
    stderr = (cwd / ".stderr").read_bytes()
    (cwd / ".stderr").unlink()
    assert peak < PEAK_KB, (args, peak, stderr)
    return code, stderr


def test_huge_terminal_sizes_are_clamped(tmp_path):
    code, err = peak_memory("cosine", "--t-max", "5", "--term", cwd=tmp_path,
                            env={"COLUMNS": "1000000", "LINES": "100000"})
    assert code == 0, err


def test_an_epoch_of_a_billion_steps_expands_only_the_steps_asked_for(tmp_path):
    (tmp_path / "c.yaml").write_text("steps: 1000\nsteps_per_epoch: 1000000000\ninterval: epoch\n"
                                     "curves: [{type: exponential, gamma: 0.5}]\n")
    code, err = peak_memory("compare", "c.yaml", "-o", "x.csv", cwd=tmp_path)
    assert code == 0, err
    lines = (tmp_path / "x.csv").read_text().splitlines()
    assert len(lines) == 1001 and lines[-1] == "999,0.1"


def test_a_million_curve_sweep_is_refused_before_it_is_built(tmp_path):
    values = ",".join(str(i + 2) for i in range(100))
    code, err = peak_memory("onecycle", "--total-steps", "100", "--max-lr", values,
                            "--div-factor", values, "--final-div-factor", values, "-o", "x.csv",
                            cwd=tmp_path)
    assert code == 2 and err.count(b"Error:") == 1 and b"1,000,000 (1e6) curves" in err


def test_thousands_of_curves_in_a_config_give_one_error(tmp_path):
    (tmp_path / "c.yaml").write_text("curves:\n" + "  - {type: exponential, gamma: 0.9}\n" * 5000)
    result = invoke("validate", str(tmp_path / "c.yaml"))
    clean(result, 2, "at least 1,001 curves exceed the limit of 1,000 curves per figure")
    assert result.output.count("exceed the limit") == 1


def test_a_sweep_refusal_is_reported_once(tmp_path):
    result = invoke("onecycle", "--total-steps", "10", "--max-lr", "1,2,3,4",
                    "--pct-start", "1.5", "-o", str(tmp_path / "x.csv"))
    clean(result, 2)
    lines = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(lines) == len(set(lines)) == 1


def test_a_sparse_orphan_is_not_read_whole(tmp_path):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "a.yaml").write_text(CONFIG)
    (tmp_path / "gal").mkdir()
    with open(tmp_path / "gal" / "o1.png", "wb") as handle:
        handle.truncate(3 << 30)  # 3 GB of nothing
    code, _ = peak_memory("gallery", "cfg", "-o", "gal", "--check", cwd=tmp_path)
    assert code == 1


def test_a_stamp_is_found_in_a_large_pdf(tmp_path, monkeypatch):
    spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 5}]})
    lrplot.save(spec, str(tmp_path / "a.pdf"))
    monkeypatch.setattr(output, "STAMP_READ", 2000)  # smaller than the file: head and tail
    found = output.read_stamp(str(tmp_path / "a.pdf"))
    assert found is not None and found.digest == output.stamp(spec, "pdf").digest


# -- smaller ---------------------------------------------------------------------------------------


def test_two_gallery_runs_tolerate_each_other_removing_an_orphan(tmp_path):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "a.yaml").write_text(CONFIG)
    out = tmp_path / "gal"
    spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 5}]})
    out.mkdir()
    lrplot.save(spec, str(out / "old.png"))  # an image lrplot drew that no config draws now
    the_plan = gallery.plan([str(tmp_path / "cfg")], str(out))
    assert the_plan.orphans and the_plan.orphans[0].stamped
    (out / "old.png").unlink()  # the other run got there first
    gallery.build(the_plan)
    assert not (out / "old.png").exists() and (out / "a.png").exists()


def test_control_characters_in_titles_give_well_formed_svg(tmp_path):
    import xml.dom.minidom

    config = tmp_path / "c.yaml"
    config.write_text('title: "a\\x01b\\x1b[31mred\\x7f\\x9b"\n'
                      'curves: [{type: cosine, T_max: 5, label: "x\\x02y\\ty\\x0cz"}]\n')
    clean(invoke("compare", str(config), "-o", str(tmp_path / "t.svg")), 0)
    document = xml.dom.minidom.parse(str(tmp_path / "t.svg"))
    assert document.documentElement.tagName == "svg"
    result = invoke("compare", str(config), "--term")
    assert "\x1b[31m" not in result.stdout.replace("\x1b[0m", "") or "\\x1b" in result.stdout


def test_printable_keeps_ordinary_text_and_escapes_controls():
    assert inputs.printable("lr — warm-up, 10⁻³ 🚀") == "lr — warm-up, 10⁻³ 🚀"
    assert inputs.printable("a\x01b\x1b[0m\tc\nd\x85\ud800") == "a\\x01b\\x1b[0m c\nd\\x85\\ud800"


def test_an_expression_failing_at_a_step_names_its_flag_or_key(tmp_path):
    clean(invoke("multiplicative", "--lr-lambda", "1/(epoch-3)", "--steps", "6", "-o",
                 str(tmp_path / "x.csv")), 2, "--lr-lambda: '1/(epoch-3)' fails at epoch = 3")
    config = tmp_path / "c.yaml"
    config.write_text("curves: [{type: multiplicative, lr_lambda: '1/(epoch-3)', steps: 6}]\n")
    clean(invoke("compare", str(config), "-o", str(tmp_path / "x.csv")), 2,
          "curves[0]: lr_lambda: '1/(epoch-3)' fails at epoch = 3")


def test_a_programs_own_signal_handler_still_runs_after_the_cleanup(tmp_path):
    heard = []
    previous = signal.signal(signal.SIGTERM, lambda number, frame: heard.append(number))
    try:
        def write(stream):
            stream.write(b"partial")
            os.kill(os.getpid(), signal.SIGTERM)  # arrives during the write
            time.sleep(0.05)
            raise KeyboardInterrupt  # the program's handler chose to carry on; stop here

        with pytest.raises(KeyboardInterrupt):
            output.write_atomically(str(tmp_path / "x.csv"), write)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert heard == [signal.SIGTERM]
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is previous


def test_a_value_shared_by_two_curves_is_no_cycle():
    milestones = [2, 4]
    curve = {"type": "multistep", "milestones": milestones}
    figure = lrplot.load({"panels": [{"curves": [curve, curve]}, {"curves": [curve]}]})
    assert len(figure.curves) == 3


def test_a_comment_inside_an_expression_cannot_reach_the_emitted_code(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("curves: [{type: lambda, lr_lambda: \"0.5 # ) + __import__('os')\", "
                      "steps: 3}]\n")
    result = invoke("code", str(config))
    clean(result, 0)
    tree = ast.parse(result.stdout)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "__import__" not in names
    assert "lr_lambda=lambda epoch: 0.5)" in result.stdout


def test_two_gallery_processes_at_once_both_succeed(tmp_path):
    (tmp_path / "cfg").mkdir()
    for name in "abc":
        (tmp_path / "cfg" / f"{name}.yaml").write_text(
            f"curves: [{{type: cosine, T_max: {ord(name) - 90}}}]\n")
    out = tmp_path / "gal"
    out.mkdir()
    spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 5}]})
    for name in ("o1", "o2", "o3"):  # images lrplot drew that no config draws any more
        lrplot.save(spec, str(out / f"{name}.png"))
    runs = [subprocess.Popen([sys.executable, "-m", "lrplot", "gallery", "cfg", "-o", "gal"],
                             cwd=tmp_path, env=ENV, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(2)]
    results = [(run.wait(120), run.stderr.read()) for run in runs]
    for run in runs:
        run.stdout.close()
        run.stderr.close()
    assert [code for code, _ in results] == [0, 0], results
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "a.png", "b.png", "c.png"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write a read-only file")
def test_a_read_only_output_is_not_replaced(tmp_path):
    path = tmp_path / "lr.csv"
    path.write_text("keep")
    path.chmod(0o444)
    clean(invoke("cosine", "--t-max", "5", "-o", str(path)), 1, "Permission denied")
    assert path.read_text() == "keep"
