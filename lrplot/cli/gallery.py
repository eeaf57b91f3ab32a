"""``lrplot gallery``: the command over :mod:`lrplot.gallery` (plan, check, build)."""

from __future__ import annotations

import click

from lrplot.cli import InputError, WriteError
from lrplot.gallery import (DEFAULT_FORMATS, DEFAULT_OUT_DIR, INDEX, GalleryError, Plan, Problem,
                            build, check, plan, shown)


def _fail(exc: GalleryError) -> click.ClickException:
    if exc.exit_code == 2:
        return InputError(exc.problems)
    return WriteError("\n".join(exc.problems))


@click.command(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Examples:\n\n  lrplot gallery                      # configs/*.yaml -> gallery/\n\n"
           "  lrplot gallery --check --diff       # in CI: fail when a figure is out of date\n\n"
           "  lrplot gallery docs/configs -o docs/img --format png,svg")
@click.argument("config_dirs", nargs=-1, metavar="[CONFIG_DIR]...")
@click.option("-o", "--output", "out_dir", metavar="OUT_DIR",
              help=f"Where the images and their index {INDEX} go (default: {DEFAULT_OUT_DIR}).")
@click.option("--format", "formats", metavar="FORMATS",
              help="Comma list of png, svg, pdf, html (interactive page): one image per config "
                   f"and format (default: {','.join(DEFAULT_FORMATS)}).")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 listing every stale, missing or orphaned image.")
@click.option("--diff", is_flag=True,
              help="With --check (implied): also show what changed since each image was drawn.")
@click.option("--force", is_flag=True, help="Redraw every image, current or not.")
@click.option("--fail-on-change", is_flag=True,
              help="Exit 1 when anything was drawn, removed or rewritten (a pre-commit hook: the "
                   "changed files still need adding).")
def command(config_dirs: tuple[str, ...], out_dir: str | None, formats: str | None,
            check_only: bool, diff: bool, force: bool, fail_on_change: bool) -> None:
    """Draw every config of CONFIG_DIR (default: configs) to OUT_DIR, with an index page.

    Each image is named after its config (article.yaml -> article.png) and carries a stamp of
    what determines it: the resolved config, lrplot's drawing style and the output options.
    Only images whose stamp no longer matches are redrawn, and images lrplot drew that no
    config draws any more are removed. OUT_DIR/README.md shows each figure with its title, the
    command that reproduces it and its config.
    """
    import shlex

    try:
        the_plan = plan(list(config_dirs), out_dir, formats)
    except GalleryError as exc:
        raise _fail(exc) from None
    if check_only or diff:
        _report_check(the_plan, check(the_plan), diff)
        return
    redraw = {i.config.path for i in the_plan.images if force or not i.current}
    for config in the_plan.configs:
        for note in config.spec.notes if config.path in redraw else ():
            click.echo(f"{config.path}: {note}", err=True)
    try:
        report = build(the_plan, force=force, progress=click.echo)
    except GalleryError as exc:
        raise _fail(exc) from None
    summary = (f"{shown(the_plan.out_dir)}: {len(report.drawn)} drawn, {len(report.current)} "
               f"already current" + (f", {len(report.removed)} removed" if report.removed else ""))
    click.echo(summary)
    if report.left:
        for path in report.left:
            click.echo(f"Error: {path}: no config draws it, and lrplot did not draw it, so it "
                       f"was left in place; remove it: rm {shlex.quote(path)}", err=True)
        raise click.exceptions.Exit(1)
    if fail_on_change and (report.drawn or report.removed or report.index_written):
        click.echo(f"{shown(the_plan.out_dir)} changed: add it to the commit "
                   f"(git add {shlex.quote(shown(the_plan.out_dir))})", err=True)
        raise click.exceptions.Exit(1)


def _report_check(the_plan: Plan, problems: list[Problem], diff: bool) -> None:
    if not problems:
        click.echo(f"{shown(the_plan.out_dir)}: all {len(the_plan.images)} images and "
                   f"{INDEX} are current")
        return
    width = max(len(p.path) for p in problems)
    for problem in problems:
        click.echo(f"{problem.state:<9} {problem.path:<{width}}  {problem.reason}")
        if diff and problem.diff:
            for line in problem.diff:
                click.echo(f"    {line}")
    fixes = list(dict.fromkeys(p.fix for p in problems))
    noun = "problem" if len(problems) == 1 else "problems"
    click.echo(f"{len(problems)} {noun}; fix {'it' if len(problems) == 1 else 'them'} with: "
               + " && ".join(fixes))
    raise click.exceptions.Exit(1)
