"""``lrplot gallery``: generate, check, diff; the stamp in each format; ``-o -``; determinism.

Runs in ``tmp_path`` through click's CliRunner, except where separate processes are the point.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import lrplot
from lrplot import output, render, style
from lrplot.cli import main

ROOT = Path(__file__).resolve().parent.parent

# Small, fast figures. "decay" has a comment and a flow mapping, to show that neither matters.
DECAY = """\
# Two decays, side by side.
title: Two decays
steps: 60
panels:
  - title: ExponentialLR
    curves:
      - {type: exponential, sweep: {gamma: [0.9, 0.95]}}
  - title: StepLR
    curves:
      - {type: step, step_size: 20, gamma: 0.5}
"""
COSINE = """\
title: Cosine
steps: 50
curves:
  - {type: cosine, T_max: 20}
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="lrplot")


def assert_exit(result, code: int) -> None:
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project directory with configs/ and no gallery yet, as the current directory."""
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "decay.yaml").write_text(DECAY)
    (tmp_path / "configs" / "cosine.yaml").write_text(COSINE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def generate(*args: str):
    result = run("gallery", *args)
    assert_exit(result, 0)
    return result


def check(*args: str, code: int):
    result = run("gallery", "--check", *args)
    assert_exit(result, code)
    return result


# -- the round trip -------------------------------------------------------------------------------


def test_round_trip(project):
    assert "missing   gallery/decay.png" in check(code=1).stdout
    assert not (project / "gallery").exists()  # --check writes nothing
    result = generate()
    assert "drew gallery/cosine.png" in result.stdout and "drew gallery/decay.png" in result.stdout
    assert sorted(p.name for p in (project / "gallery").iterdir()) == \
        ["README.md", "cosine.png", "decay.png"]
    assert "current" in check(code=0).stdout

    # Edit a config: its image is stale, named with its config and the key that changed.
    decay = project / "configs" / "decay.yaml"
    decay.write_text(DECAY.replace("gamma: 0.5", "gamma: 0.6"))
    out = check(code=1).stdout
    assert re.search(r"^stale +gallery/decay\.png +the figure from configs/decay\.yaml changed: "
                     r"panels\[1\]\.curves\[0\]\.params\.gamma", out, re.M), out
    assert "gallery/cosine.png" not in out
    assert out.rstrip().endswith("fix them with: lrplot gallery")  # image and index

    # Delete an image: missing. Add a stray image: orphaned.
    (project / "gallery" / "cosine.png").unlink()
    (project / "gallery" / "stray.png").write_bytes(b"\x89PNG\r\n\x1a\nnot ours")
    out = check(code=1).stdout
    assert re.search(r"^missing +gallery/cosine\.png +not drawn yet from configs/cosine\.yaml",
                     out, re.M), out
    assert re.search(r"^orphaned +gallery/stray\.png +no config draws it", out, re.M), out
    assert "rm gallery/stray.png" in out

    # Regenerate (and remove the stray image lrplot did not draw, as the check said): passes.
    result = run("gallery")
    assert_exit(result, 1)  # it redrew everything but will not delete a file it did not make
    assert "rm gallery/stray.png" in result.stderr
    assert (project / "gallery" / "stray.png").exists()
    (project / "gallery" / "stray.png").unlink()
    check(code=0)


def test_deleted_config_leaves_an_orphan_that_generating_removes(project):
    generate("--format", "png,svg")
    (project / "configs" / "cosine.yaml").unlink()
    out = check("--format", "png,svg", code=1).stdout
    for name in ("cosine.png", "cosine.svg"):
        assert re.search(rf"^orphaned +gallery/{name} +no config draws it any more", out, re.M)
    assert "fix them with: lrplot gallery --format png,svg" in out
    result = generate("--format", "png,svg")
    assert "removed gallery/cosine.png" in result.stdout
    assert sorted(p.name for p in (project / "gallery").iterdir()) == \
        ["README.md", "decay.png", "decay.svg"]
    check("--format", "png,svg", code=0)


def test_dropping_a_format_orphans_its_images(project):
    generate("--format", "svg,png")
    out = check(code=1).stdout  # default: png only
    assert re.search(r"^orphaned +gallery/decay\.svg", out, re.M)


def test_fail_on_change_for_pre_commit(project):
    result = run("gallery", "--fail-on-change")
    assert_exit(result, 1)  # it drew: the new files must be added to the commit
    assert "drew gallery/decay.png" in result.stdout
    assert "gallery changed: add it to the commit (git add gallery)" in result.stderr
    assert_exit(run("gallery", "--fail-on-change"), 0)  # nothing to do
    check(code=0)


def test_current_images_are_not_redrawn(project):
    generate()
    before = {p.name: p.stat().st_ino for p in (project / "gallery").iterdir()}
    (project / "configs" / "cosine.yaml").write_text(COSINE.replace("T_max: 20", "T_max: 25"))
    result = generate()
    assert "drew gallery/cosine.png" in result.stdout
    assert "decay.png" not in result.stdout
    after = {p.name: p.stat().st_ino for p in (project / "gallery").iterdir()}
    assert after["decay.png"] == before["decay.png"]  # not rewritten (atomic writes new inodes)
    assert after["cosine.png"] != before["cosine.png"]
    # --force redraws everything.
    assert "drew gallery/decay.png" in generate("--force").stdout


def test_comments_whitespace_and_spelling_do_not_make_an_image_stale(project):
    generate()
    reformatted = """\
# Rewritten by hand: block style, other comments, T_max spelled t_max.
title:   Cosine
steps:    50
curves:
  - type: cosine
    t_max: 20
    eta_min: 0          # the default, spelled out
"""
    (project / "configs" / "cosine.yaml").write_text(reformatted)
    out = check(code=1).stdout
    assert "gallery/cosine.png" not in out and "gallery/decay.png" not in out
    # ... but the index shows the configs verbatim, so the index is stale.
    assert re.search(r"^stale +gallery/README\.md", out, re.M)


def test_diff_says_what_changed(project):
    generate()
    (project / "configs" / "decay.yaml").write_text(
        DECAY.replace("[0.9, 0.95]", "[0.9, 0.97]").replace("# Two", "# Still two"))
    result = run("gallery", "--diff")  # --diff implies --check: nothing is written
    assert_exit(result, 1)
    out = result.stdout
    assert "--- gallery/decay.png (as drawn)" in out
    assert "+++ configs/decay.yaml (now)" in out
    assert '    -panels[0].curves[1].params.gamma: 0.95' in out
    assert '    +panels[0].curves[1].params.gamma: 0.97' in out
    assert '    -panels[0].curves[1].label: "gamma=0.95"' in out
    # The index page's diff shows the config text itself, comments included.
    assert "    -# Two decays, side by side." in out
    assert "    +# Still two decays, side by side." in out
    assert "0.97" not in (project / "gallery" / "README.md").read_text()


def test_style_version_and_output_options_are_part_of_the_stamp(project, monkeypatch):
    generate()
    version = style.RENDER_STYLE_VERSION
    monkeypatch.setattr(style, "RENDER_STYLE_VERSION", version + 1)
    out = check(code=1).stdout
    assert f"lrplot's drawing style changed (render-style {version} -> {version + 1})" in out
    monkeypatch.setattr(style, "RENDER_STYLE_VERSION", version)
    check(code=0)
    # The reproducing command with another dpi is another picture.
    assert_exit(run("compare", "configs/cosine.yaml", "-o", "gallery/cosine.png", "--dpi", "80"),
                0)
    out = check(code=1).stdout
    assert re.search(r"^stale +gallery/cosine\.png +output options changed \(dpi 80 -> 150\)",
                     out, re.M), out


def test_png_pixels_do_not_decide_staleness(project):
    """Another machine's rasterizer draws other pixels: same stamp, so still current."""
    from PIL import Image, PngImagePlugin

    generate()
    path = project / "gallery" / "decay.png"
    image = Image.open(path)
    info = PngImagePlugin.PngInfo()
    for key, value in image.text.items():
        info.add_text(key, value)
    image.load()
    image.putpixel((5, 5), (255, 0, 0, 255))
    before = path.read_bytes()
    image.save(path, pnginfo=info)
    assert path.read_bytes() != before
    check(code=0)


def test_the_index_page(project):
    generate("--format", "png,svg")
    index = (project / "gallery" / "README.md").read_text()
    assert index.startswith("<!-- Generated by lrplot gallery")
    assert "## Two decays" in index and "## Cosine" in index
    assert index.index("## Cosine") < index.index("## Two decays")  # by file name
    assert "![Two decays](decay.png)" in index
    assert "Also as [SVG](decay.svg)." in index
    assert "lrplot compare configs/decay.yaml -o gallery/decay.png" in index
    assert "<details><summary><code>configs/decay.yaml</code></summary>" in index
    assert DECAY.rstrip("\n") in index  # the config, verbatim
    assert "lrplot gallery --format png,svg --check" in index


def test_the_commands_in_the_index_reproduce_the_images(project):
    generate("--format", "svg,pdf")
    index = (project / "gallery" / "README.md").read_text()
    commands = re.findall(r"^lrplot (compare .*)$", index, re.M)
    assert len(commands) == 4
    for command in commands:
        args = command.split()
        target = Path(args[-1])
        drawn = target.read_bytes()
        target.unlink()
        assert_exit(run(*args), 0)
        assert target.read_bytes() == drawn, command
    check("--format", "svg,pdf", code=0)


def test_other_directories(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for directory, text in (("a", COSINE), ("b", DECAY)):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / f"{directory}.yml").write_text(text)
    result = run("gallery", "a", "b", "-o", "docs/img")
    assert_exit(result, 0)
    assert sorted(p.name for p in (tmp_path / "docs" / "img").iterdir()) == \
        ["README.md", "a.png", "b.png"]
    check("a", "b", "-o", "docs/img", code=0)
    out = check("a", "-o", "docs/img", code=1).stdout
    assert "fix them with: lrplot gallery a -o docs/img" in out


# -- errors ---------------------------------------------------------------------------------------

BAD_VALUE = "title: Bad\ncurves:\n  - {type: cosine, T_max: 0}\n"
BAD_YAML = "title: Bad\ncurves: [\n"


@pytest.mark.parametrize("name, text, needle", [
    ("bad value", BAD_VALUE, "configs/zz.yaml:3:"),
    ("invalid yaml", BAD_YAML, "configs/zz.yaml:3:1: invalid YAML"),
    ("unknown key", COSINE.replace("T_max", "T_mx"), "configs/zz.yaml:4:"),
])
def test_a_bad_config_exits_2_and_writes_nothing(project, name, text, needle):
    (project / "configs" / "zz.yaml").write_text(text)
    for args in ([], ["--check"]):
        result = run("gallery", *args)
        assert_exit(result, 2)
        assert result.stdout == ""
        assert result.stderr.startswith(f"Error: {needle}"), result.stderr
        assert not (project / "gallery").exists()


def test_a_bad_config_leaves_an_existing_gallery_untouched(project):
    generate()
    before = {p.name: p.read_bytes() for p in (project / "gallery").iterdir()}
    (project / "configs" / "decay.yaml").write_text(DECAY.replace("step_size: 20",
                                                                  "step_size: 0"))
    (project / "configs" / "zz.yaml").write_text(COSINE)
    assert_exit(run("gallery"), 2)
    assert {p.name: p.read_bytes() for p in (project / "gallery").iterdir()} == before


def test_non_utf8_config(project):
    (project / "configs" / "zz.yaml").write_bytes(b"title: caf\xe9\n")
    result = run("gallery")
    assert_exit(result, 2)
    assert "configs/zz.yaml:1:11: not UTF-8 text" in result.stderr


def test_two_configs_for_one_image_name(project):
    (project / "configs" / "cosine.yml").write_text(COSINE)
    result = run("gallery")
    assert_exit(result, 2)
    assert "configs/cosine.yml: draws to the same image name as configs/cosine.yaml" \
        in result.stderr


@pytest.mark.parametrize("args, needle", [
    (["nowhere"], "nowhere: no such directory"),
    (["configs/cosine.yaml"], "configs/cosine.yaml: is not a directory"),
    (["--format", "png,jpg"], "--format: expected a comma list of png, svg, pdf, html, got 'png,jpg'"),
    (["-o", "configs/cosine.yaml"], "-o configs/cosine.yaml: not a directory"),
])
def test_usage_errors(project, args, needle):
    result = run("gallery", *args)
    assert_exit(result, 2)
    assert needle in result.stderr


def test_empty_config_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "configs").mkdir()
    result = run("gallery")
    assert_exit(result, 2)
    assert "configs: no *.yaml configs in it" in result.stderr


def test_an_index_page_lrplot_did_not_write_is_never_overwritten(project):
    (project / "gallery").mkdir()
    (project / "gallery" / "README.md").write_text("# My own notes\n")
    result = run("gallery")
    assert_exit(result, 2)
    assert "gallery/README.md: exists and was not written by lrplot gallery" in result.stderr
    assert (project / "gallery" / "README.md").read_text() == "# My own notes\n"
    assert "rm gallery/README.md && lrplot gallery" in check(code=1).stdout


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_unwritable_out_dir_exits_1(project):
    result = run("gallery", "-o", "/proc/lrplot-gallery")
    assert_exit(result, 1)
    assert "cannot create /proc/lrplot-gallery" in result.stderr


def test_a_failed_write_leaves_no_partial_file(project, monkeypatch):
    generate()
    (project / "configs" / "cosine.yaml").write_text(COSINE.replace("T_max: 20", "T_max: 30"))
    before = (project / "gallery" / "cosine.png").read_bytes()

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = run("gallery")
    assert_exit(result, 1)
    assert "cannot write gallery/cosine.png: Permission denied" in result.stderr
    assert (project / "gallery" / "cosine.png").read_bytes() == before
    assert not [p for p in (project / "gallery").iterdir() if p.name.startswith(".lrplot-")]


# -- the stamp in each format ---------------------------------------------------------------------

AWKWARD = {"title": "η (eta) \\ back-slash (( ) <b>&amp; --> \"quoted\"",
           "curves": [{"type": "cosine", "T_max": 5, "label": "a) b ( c"}], "steps": 8}


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_the_stamp_reads_back_from_every_format(tmp_path, fmt):
    spec = lrplot.load(AWKWARD)
    path = tmp_path / f"fig.{fmt}"
    lrplot.save(spec, str(path))
    found = output.read_stamp(str(path))
    expected = output.stamp(spec, fmt)
    assert found is not None
    assert found.digest == expected.digest == hashlib.sha256(expected.text.encode()).hexdigest()
    assert found.text == expected.text
    assert '"\\u03b7 (eta) \\\\ back-slash' in found.text  # ASCII only, JSON-escaped


def test_files_without_a_stamp(tmp_path):
    for name, data in (("a.png", b"\x89PNG\r\n\x1a\n"), ("b.svg", b"<svg/>"), ("c.pdf", b"%PDF"),
                       ("d.png", b""), ("e.txt", b"x")):
        (tmp_path / name).write_bytes(data)
        assert output.read_stamp(str(tmp_path / name)) is None
    assert output.read_stamp(str(tmp_path / "absent.png")) is None


def test_a_data_curve_counts_by_its_file_content(tmp_path, monkeypatch):
    """A logged series read from a CSV: the stamp has its content hash, not its location."""
    pytest.importorskip("lrplot.logged", reason="no data curves in this lrplot")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "run.csv").write_text("step,lr\n0,0.1\n5,0.05\n9,0.01\n")
    (tmp_path / "configs" / "logged.yaml").write_text(
        "curves:\n  - {type: data, path: run.csv}\n")
    generate()
    check(code=0)
    crlf = (tmp_path / "configs" / "run.csv").read_bytes().replace(b"\n", b"\r\n")
    (tmp_path / "configs" / "run.csv").write_bytes(crlf)  # as a Windows checkout has it
    check(code=0)
    (tmp_path / "configs" / "run.csv").write_text("step,lr\n0,0.1\n5,0.04\n9,0.01\n")
    out = check(code=1).stdout
    assert re.search(r"^stale +gallery/logged\.png +the figure from configs/logged\.yaml "
                     r"changed: panels\[0\]\.curves\[0\]\.params\.path\.sha256", out, re.M), out


def test_style_file_changes_bump_the_render_style_version():
    """Changing lrplot.mplstyle changes every figure: bump style.RENDER_STYLE_VERSION (images
    stamped with the old version become stale) and record the new style's hash here."""
    sheet = Path(render.STYLE).read_bytes().replace(b"\r\n", b"\n")
    digest = hashlib.sha256(sheet).hexdigest()
    assert STYLE_SHA256.get(style.RENDER_STYLE_VERSION) == digest, (
        f"lrplot.mplstyle changed: bump RENDER_STYLE_VERSION to "
        f"{style.RENDER_STYLE_VERSION + 1}, pin {digest!r} for it in STYLE_SHA256, and run "
        "`lrplot gallery`")


STYLE_SHA256 = {  # RENDER_STYLE_VERSION -> sha256 of lrplot.mplstyle
    1: "3ea9846bd36b41184b305a0a30edf12c375767b39ac3d82567869ec8d88045a7",
    2: "8fab64f421169e8e47d84033a89f885ae184ee8336e653eef70e4fa293f3e1e7",  # math on for ticks
}


# -- determinism ----------------------------------------------------------------------------------


def _gallery_process(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "lrplot", "gallery", *args], cwd=cwd,
                          capture_output=True, text=True, env=environment, check=False)


def test_svg_and_pdf_bytes_are_identical_across_processes(tmp_path):
    """Two processes with different hash seeds; the second also checks the first's gallery,
    as another machine would."""
    runs = []
    for seed in ("1", "2"):
        work = tmp_path / f"seed{seed}"
        (work / "configs").mkdir(parents=True)
        (work / "configs" / "decay.yaml").write_text(DECAY)
        (work / "configs" / "cosine.yaml").write_text(COSINE)
        done = _gallery_process(work, "--format", "svg,pdf,png", PYTHONHASHSEED=seed)
        assert done.returncode == 0, done.stderr
        runs.append(work / "gallery")
    names = sorted(p.name for p in runs[0].iterdir())
    assert names == ["README.md", "cosine.pdf", "cosine.png", "cosine.svg", "decay.pdf",
                     "decay.png", "decay.svg"]
    for name in names:
        if not name.endswith(".png"):  # PNG: same bytes on one machine, not promised across
            assert (runs[0] / name).read_bytes() == (runs[1] / name).read_bytes(), name
    for fmt in ("svg", "pdf"):
        data = (runs[0] / f"decay.{fmt}").read_bytes()
        assert b"CreationDate" not in data and b"<dc:date>" not in data
    # The first gallery, checked by a process that did not make it.
    done = _gallery_process(runs[0].parent, "--check", "--format", "svg,pdf,png",
                            PYTHONHASHSEED="3")
    assert done.returncode == 0, done.stdout + done.stderr


def test_source_date_epoch_dates_the_figures(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    generate("--format", "svg,pdf")
    svg = (project / "gallery" / "cosine.svg").read_text()
    pdf = (project / "gallery" / "cosine.pdf").read_bytes()
    assert "<dc:date>2023-11-14T22:13:20+00:00</dc:date>" in svg
    assert b"/CreationDate (D:20231114221320Z)" in pdf
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    check("--format", "svg,pdf", code=0)  # a date is not an input of the picture
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run("gallery", "--format", "svg,pdf")
    assert_exit(result, 2)
    assert "SOURCE_DATE_EPOCH" in result.stderr


# -- -o - ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ["cosine", "--t-max", "5", "--steps", "6"],
    ["compare", "{config}"],
], ids=["kind", "compare"])
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "csv", "json"])
def test_dash_o_writes_to_stdout(tmp_path, monkeypatch, command, fmt):
    config = tmp_path / "c.yaml"
    config.write_text("steps: 6\ncurves: [{type: cosine, T_max: 5}]\n")
    monkeypatch.chdir(tmp_path)
    args = [a.replace("{config}", str(config)) for a in command]
    result = CliRunner().invoke(main, [*args, "-o", "-", "--format", fmt], prog_name="lrplot")
    assert_exit(result, 0)
    data = result.stdout_bytes
    if fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    elif fmt == "svg":
        assert data.startswith(b"<?xml") and data.rstrip().endswith(b"</svg>")
    elif fmt == "pdf":
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode())))
        assert rows[0][0] == "step" and len(rows) == 7 and float(rows[1][1]) == 0.1
    else:
        curves = json.loads(data)["panels"][0]["curves"]
        assert curves[0]["lr"] == lrplot.schedule("cosine", steps=6, T_max=5).tolist()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]  # no file, no path echoed


def test_dash_o_figure_equals_the_file(tmp_path):
    path = tmp_path / "lr.svg"
    assert_exit(run("cosine", "--t-max", "5", "-o", str(path)), 0)
    result = CliRunner().invoke(main, ["cosine", "--t-max", "5", "-o", "-", "--format", "svg"])
    assert result.stdout_bytes == path.read_bytes()


@pytest.mark.parametrize("args, needle", [
    (["-o", "-"], "-o -: writing to standard output needs --format"),
    (["-o", "x.svg", "--format", "png"], "is a .svg name but --format says png"),
    (["-o", "-", "--format", "gif"], "--format"),
])
def test_dash_o_errors(tmp_path, monkeypatch, args, needle):
    monkeypatch.chdir(tmp_path)
    result = run("cosine", "--t-max", "5", *args)
    assert_exit(result, 2)
    assert needle in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_format_without_output_names_the_default_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("cosine", "--t-max", "5", "--format", "svg")
    assert_exit(result, 0)
    assert result.stdout.strip() == "cosine.svg"
    result = run("cosine", "--t-max", "5", "-o", "numbers", "--format", "csv")
    assert_exit(result, 0)
    assert (tmp_path / "numbers").read_text().startswith("step,")


def test_api_save_to_a_stream():
    spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 5}], "steps": 6})
    buffer = io.BytesIO()
    lrplot.save(spec, buffer, format="svg")
    assert buffer.getvalue().startswith(b"<?xml")
    with pytest.raises(output.OutputError):
        lrplot.save(spec, io.BytesIO())


# -- lrplot's own gallery, hook and CI recipe -----------------------------------------------------


@pytest.mark.skipif(not (ROOT / "gallery").is_dir(), reason="no gallery/ in this checkout")
def test_the_committed_gallery_is_current(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("gallery", "--check", "--diff")
    assert result.exit_code == 0, "run `lrplot gallery` and commit gallery/:\n" + result.output


@pytest.mark.skipif(not (ROOT / ".pre-commit-hooks.yaml").is_file(), reason="not a checkout")
def test_pre_commit_hook():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["lrplot-gallery"]
    assert hook["entry"].split()[:2] == ["lrplot", "gallery"]
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    for h in hooks.values():  # what the entry runs is a valid invocation
        args = h["entry"].split()[1:] + list(h.get("args", []))
        assert CliRunner().invoke(main, [*args, "--help"]).exit_code == 0


@pytest.mark.skipif(not (ROOT / "README.md").is_file(), reason="not a checkout")
def test_the_readme_ci_recipe(project):
    """The GitHub Actions job in README's "Figures in CI" parses and its lrplot steps pass."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Figures in CI", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    workflow = yaml.safe_load(block)
    steps = next(iter(workflow["jobs"].values()))["steps"]
    assert any(s.get("uses", "").startswith("actions/checkout@") for s in steps)
    commands = [line.strip() for s in steps if "run" in s for line in s["run"].splitlines()]
    lrplot_commands = [c for c in commands if c.startswith("lrplot ")]
    assert any("gallery --check" in c for c in lrplot_commands)
    generate()
    for command in lrplot_commands:
        assert_exit(run(*command.split()[1:]), 0)
