"""``lrplot validate`` and ``lrplot schema``: configs checked without rendering, and the JSON
Schema that lets editors check them as they are typed.

Neither command imports numpy or matplotlib (nothing is computed or drawn), so both start as
fast as ``lrplot --help``.
"""

from __future__ import annotations

import click

from lrplot.cli import CONTEXT, InputError, WriteError, allow_outside_option
from lrplot.cli.readers import run_options


def check_config(path: str) -> tuple[list[str], object | None]:
    """Every problem of one config file, as ``file:line:col: key.path: message`` lines, and its
    spec when there are none. Nothing is computed or drawn."""
    from lrplot import yamlio
    from lrplot.cli import readers as cli_readers
    from lrplot import spec as specs

    try:
        doc = cli_readers.load(path)  # an lrplot figure, or a training config read as one
    except OSError as exc:
        return [yamlio.describe_os_error(path, exc)], None
    except yamlio.YamlError as exc:
        return exc.problems, None
    except specs.SpecError as exc:
        return [str(p) for p in exc.problems], None
    try:
        return [], specs.from_document(doc)
    except specs.SpecError as exc:
        return [str(p) for p in exc.problems], None


@click.command(context_settings=CONTEXT,
               epilog="Examples:\n\n  lrplot validate configs/article.yaml\n\n"
                      "  lrplot validate configs/*.yaml\n\n"
                      "  LRPLOT_MAX_STEPS=1e10 lrplot validate huge.yaml")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("-q", "--quiet", is_flag=True, help="Print problems only, not one line per valid "
                                                  "file.")
@run_options
@allow_outside_option
def validate(files: tuple[str, ...], quiet: bool) -> None:
    """Check YAML figure configs without rendering anything.

    A FILE may also be a training config (see 'lrplot compare --help'): it is read with the
    trainer's rules and the run flags, and --explain shows every derived number.

    Every problem of every file is listed, one per line, as FILE:LINE:COL: KEY.PATH: MESSAGE,
    with what was found, what is accepted and the near miss when there is one. Exit status: 0
    when every file is valid, 2 otherwise.

    The limits on steps per curve and points per figure (LRPLOT_MAX_STEPS, LRPLOT_MAX_POINTS),
    curves and panels per figure (LRPLOT_MAX_CURVES, LRPLOT_MAX_PANELS), title and label length
    (LRPLOT_MAX_TEXT), rows of data files (LRPLOT_MAX_DATA_ROWS) and the size of a config
    (LRPLOT_MAX_CONFIG_BYTES) are checked too, and files a config names must lie in its
    directory unless --allow-outside is given.
    """
    bad_files = 0
    count = 0
    for path in files:
        problems, figure = check_config(path)
        if problems:
            bad_files += 1
            count += len(problems)
            for problem in problems:
                click.echo(problem, err=True)
        elif not quiet:
            curves = figure.curves  # type: ignore[attr-defined]
            click.echo(f"{path}: ok ({len(figure.panels)} panel"  # type: ignore[attr-defined]
                       f"{'s' if len(figure.panels) != 1 else ''}, "  # type: ignore[attr-defined]
                       f"{len(curves)} curve{'s' if len(curves) != 1 else ''})")
    if bad_files:
        click.echo(f"{count} problem{'s' if count != 1 else ''} in {bad_files} of {len(files)} "
                   f"file{'s' if len(files) != 1 else ''}", err=True)
        raise click.exceptions.Exit(2)


@click.command(context_settings=CONTEXT,
               epilog="Examples:\n\n  lrplot schema > lrplot.schema.json\n\n"
                      "  lrplot schema -o schema/lrplot.schema.json\n\n"
                      "Editors: start a config with the line\n\n"
                      "  # yaml-language-server: $schema=PATH/TO/lrplot.schema.json")
@click.option("-o", "--output", metavar="PATH", help="Write the schema to PATH (atomically) "
                                                    "instead of standard output.")
def schema(output: str | None) -> None:
    """Print the JSON Schema (draft-07) of lrplot's YAML configs.

    It is generated from the schedule registry: every kind, every parameter (snake_case and
    the framework's spelling), types, bounds, defaults and help. Editors with
    yaml-language-server (VS Code's YAML extension, ...) use it to complete and check configs;
    'lrplot validate' remains the authority. A copy ships inside the package
    (lrplot/lrplot.schema.json).
    """
    from lrplot import output as outputs

    text = _schema_text()
    if output in (None, outputs.STDOUT):
        click.echo(text, nl=False)
        return
    try:
        outputs.check_writable(output)
    except outputs.OutputError as exc:
        raise InputError([str(exc)]) from None
    try:
        outputs.write_atomically(output, lambda stream: stream.write(text.encode("utf-8")))
    except OSError as exc:
        raise WriteError(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(output)


def _schema_text() -> str:
    """The schema that ships in the package (lrplot.schema.PACKAGE_FILE), which the tests keep
    byte for byte what lrplot.schema generates: reading it spares generating 450 kB of JSON on
    every call. Generated when the copy is missing."""
    import os

    try:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # lrplot/
        with open(os.path.join(package, "lrplot.schema.json"), encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        from lrplot import schema as schemas

        return schemas.dumps()
