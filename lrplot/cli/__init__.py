"""The ``lrplot`` command: a thin click layer over :mod:`lrplot.api`.

One subcommand per schedule kind, generated from its parameter table, plus ``compare`` and
``list``. Errors in input exit 2 with one line per problem; nothing is written on error.
numpy and matplotlib are imported only when something is computed or drawn.
"""

from __future__ import annotations

import math
import os
import sys
from typing import Any, Callable

import click

from lrplot import output, schedules
from lrplot.cli.readers import run_options
from lrplot._version import __version__
from lrplot.params import COMMON_PARAMS, format_value, parse_number
from lrplot.schedules import Kind

STEPS, BASE_LR = COMMON_PARAMS
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class InputError(click.ClickException):
    """Bad input (flags, values, config): exit 2, one line per problem."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        # A YamlError lists several problems, one per line: each gets its own "Error: ".
        self.problems = [line for p in problems for line in str(p).splitlines() if line]
        super().__init__("\n".join(self.problems))

    def show(self, file: Any = None) -> None:
        for problem in self.problems:
            click.echo(f"Error: {problem}", err=True)


class _Count(click.ParamType):
    """A whole number that may be written like YAML writes it: ``--steps 1e8``. Bounds are
    checked with the rest of the spec, so every problem is reported together."""

    name = "integer"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        number = parse_number(text)
        if isinstance(number, int):
            return number
        if number is not None and math.isfinite(number) and number == int(number):
            return int(number)  # 1e6
        self.fail(f"expected a whole number such as 400 or 1e6, got {text!r}", param, ctx)


COUNT = _Count()


class WriteError(click.ClickException):
    """The output could not be written: exit 1."""

    exit_code = 1


def _size(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        width, height = (float(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputError([f"--size: expected WIDTHxHEIGHT in inches such as 8x5, got {text!r}"])
    if not (0 < width <= 100 and 0 < height <= 100):
        raise InputError([f"--size: width and height must be in (0, 100] inches, got {text!r}"])
    return width, height


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep a flag no callback takes as an argument (--term, --annotate) in ``ctx.meta``."""
    ctx.meta[f"lrplot.{param.name}"] = value
    return value


def _flag(name: str) -> Any:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(f"lrplot.{name}") if ctx else None


def _lint_ignore(ctx: click.Context, param: click.Parameter, value: Any) -> tuple[str, ...]:
    """``--lint-ignore duplicate-milestone,cosine-past-t-max`` (repeatable): rule names, checked."""
    from lrplot import lint

    names = tuple(n.strip() for v in value for n in v.split(",") if n.strip())
    for name in names:
        problem = lint.unknown_rule(name)
        if problem:
            raise InputError([f"--lint-ignore: {problem}"])
    return _remember(ctx, param, names)


def evaluate(curve: Any) -> Any:
    """The evaluator lint is given (:func:`lrplot.compute.chunks`): compute, and numpy with it,
    is imported only when a rule needs a curve's values."""
    from lrplot import compute

    return compute.chunks(curve)


def _warn(spec: Any, doc: Any = None) -> None:
    """Lint warnings on stderr (lrplot.lint), as 'lrplot lint' prints them; -q silences them and
    --lint-ignore RULE (or a curve's lint: {ignore: [RULE]}) acknowledges one."""
    if _flag("quiet"):
        return
    from lrplot import lint

    for warning in lint.check(spec, doc, ignore=_flag("lint_ignore") or (),
                              evaluate=evaluate):
        click.echo(str(warning), err=True)


SUFFIXES_OF_OTHER_FORMATS = ("jpg", "jpeg", "tif", "tiff", "webp", "gif", "bmp", "eps", "ps",
                             "pgf", "svgz", "raw", "rgba", "html", "htm", "txt", "tsv", "yaml",
                             "yml", "xlsx", "parquet")
"""Suffixes that name a format of their own: with a different --format the file's name would
lie about its content (PNG bytes in out.jpeg), so the pair is refused."""


def _check_suffix(out: str | None, fmt: str | None) -> None:
    if not out or not fmt or out == output.STDOUT:
        return
    suffix = os.path.splitext(out)[1].lower().lstrip(".")
    if suffix in SUFFIXES_OF_OTHER_FORMATS and suffix != fmt.lower():
        stem = os.path.splitext(out)[0]
        raise InputError([f"-o {out} is a .{suffix} name but --format says {fmt.lower()}: the "
                          f"file would hold {fmt.lower()} data under another format's name; use "
                          f"-o {stem}.{fmt.lower()} (lrplot writes "
                          f"{', '.join(output.FORMATS)})"])


def _allow_outside(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:  # for this command only (lrplot.inputs)
        from lrplot import inputs

        ctx.with_resource(inputs.allowing_outside())
    return value


ALLOW_OUTSIDE = click.Option(
    ["--allow-outside"], is_flag=True, expose_value=False, is_eager=True, callback=_allow_outside,
    help="Let configs read data and metric files outside their own directory (for configs you "
         "trust; also LRPLOT_ALLOW_OUTSIDE=1).")
"""A config may name files only in its own directory tree unless this is given."""


def allow_outside_option(f: Callable) -> Callable:
    f.__click_params__ = [*getattr(f, "__click_params__", []), ALLOW_OUTSIDE]  # type: ignore
    return f


def output_options(f: Callable) -> Callable:
    """Options shared by every command that draws or writes series."""
    for option in reversed([
        click.option("-o", "--output", metavar="PATH",
                     help="Where to write: .png .svg .pdf draw the figure, .html an interactive "
                          "page, .csv .json write the numbers; - writes to standard output "
                          "(give --format). Default: NAME.png in the current directory."),
        click.option("--format", "fmt", type=click.Choice(output.FORMATS, case_sensitive=False),
                     help="Output format: needed for -o - and for a name without a suffix "
                          "(-o out --format svg); otherwise the suffix says it and --format "
                          "must agree. Default: png."),
        click.option("--title", help="Figure title."),
        click.option("--log-y", is_flag=True, help="Logarithmic learning-rate axis."),
        click.option("--size", metavar="WxH", help="Figure size in inches, e.g. 8x5 "
                                                  "(default: 5.6x3.6 per panel)."),
        click.option("--dpi", type=click.IntRange(10, 1200), default=None,
                     help="Resolution of PNG output (default: 150)."),
        click.option("--term", is_flag=True, expose_value=False, callback=_remember,
                     help="Draw the figure in the terminal as Unicode braille (no matplotlib); "
                          "writes no file unless -o is given too."),
        click.option("--annotate", is_flag=True, expose_value=False, callback=_remember,
                     help="Mark milestones, phase boundaries, and the peak, minimum and final "
                          "lr with their steps."),
        click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_remember,
                     help="Print no notes (the steps chosen) and no lint warnings."),
        click.option("--lint-ignore", metavar="RULE", multiple=True, expose_value=False,
                     callback=_lint_ignore,
                     help="Do not warn about this lint rule (comma list or repeat the flag; "
                          "'lrplot lint --help' lists the rules)."),
    ]):
        f = option(f)
    return f


def _prepare(spec_factory: Callable[[], Any], default_name: str, out: str | None,
             fmt: str | None = None, lint: bool = True,
             reads: tuple[str, ...] = ()) -> tuple[Any, str, str]:
    """Resolve the output and build the spec, or fail with exit 2: (spec, path, format).
    ``lint``: print the spec's lint warnings (configs lint themselves, to locate them);
    ``reads``: input configs that the output must not replace."""
    from lrplot.spec import SpecError

    _check_suffix(out, fmt)
    try:
        path, fmt = output.resolve(out, fmt, default_name)
        output.check_writable(path)
        output.source_date()  # a malformed SOURCE_DATE_EPOCH is a usage error
        spec = spec_factory()
    except SpecError as exc:
        raise InputError([str(p) for p in exc.problems]) from None
    except output.OutputError as exc:
        raise InputError([str(exc)]) from None
    except Exception as exc:
        # Only a config can raise a YamlError, and reading one imported lrplot.yamlio: flags
        # alone never pay for importing the YAML parser.
        yamlio = sys.modules.get("lrplot.yamlio")
        if yamlio is not None and isinstance(exc, yamlio.YamlError):
            raise InputError([str(exc)]) from None
        raise
    if lint:
        _warn(spec)
    inputs = [f for f in spec.input_files() if os.path.exists(f)]  # logged lr, metric CSVs
    for source in [*reads, *inputs]:  # a config, a logged lr or metric CSV survive -o
        if path != output.STDOUT and os.path.exists(path) and output.same_file(path, source):
            what = f"the input config {source}" if source in reads else source
            raise InputError([f"-o {path}: refusing to write over {what}, which this figure "
                              "reads"])
    if _flag("annotate"):
        from dataclasses import replace

        spec = replace(spec, annotate=True)
    return spec, path, fmt


def _write(spec: Any, path: str, fmt: str, size: str | None, dpi: int | None) -> None:
    """Write a prepared spec; map every failure to its exit code."""
    from lrplot import api
    from lrplot.spec import SpecError

    for note in () if _flag("quiet") else spec.notes:
        click.echo(note, err=True)
    if _flag("term"):  # a terminal preview (lrplot.term); a file only when -o asks for one
        from lrplot import term

        try:
            click.echo(term.render_spec(spec), nl=False)
        except SpecError as exc:
            raise InputError([str(p) for p in exc.problems]) from None
        if not click.get_current_context().params.get("output"):
            return
    if fmt in output.FIGURE_FORMATS:  # one figure, then exit: skip matplotlib's help text
        from lrplot import _matplotlib

        _matplotlib.import_for_command()
    try:
        api.save(spec, path, format=fmt, size=_size(size), dpi=dpi)  # "-": standard output
    except SpecError as exc:  # found only while evaluating (an expression failing at a step)
        raise InputError([str(p) for p in exc.problems]) from None
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    if path != output.STDOUT:
        click.echo(path)


def _run(spec_factory: Callable[[], Any], default_name: str, out: str | None,
         size: str | None, dpi: int | None, fmt: str | None = None) -> None:
    _write(*_prepare(spec_factory, default_name, out, fmt), size, dpi)


# -- one command per kind -----------------------------------------------------------------------


def _param_option(p) -> click.Option:
    default = "required" if p.required else \
        "default: none" if p.default is None else f"default: {format_value(p.default)}"
    if p.type == "schedulers":
        how = "a YAML list such as '[{type: linear, total_iters: 5}, {type: cosine, T_max: 95}]'"
    elif p.is_list:
        how = "comma list; repeat the flag to sweep lists"
    elif p.comma_sweeps:
        how = "several values (comma list or repeated flag) sweep"
    else:
        how = "repeat the flag to sweep"
    metavar = {"expr": "EXPR", "schedulers": "YAML", "path": "PATH", "text": "TEXT"}.get(
        p.type, "LIST" if p.is_list else "VALUE")
    return click.Option([p.flag], multiple=True, metavar=metavar,
                        help=f"{p.help}. {p.accepted()[0].upper() + p.accepted()[1:]}; "
                             f"{default}; {how}.")


class LearningRates(click.ParamType):
    """``0.1``, or ``0.1,0.01`` for several parameter groups."""

    name = "lr"

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float, tuple)):
            return value
        try:
            values = tuple(float(v) for v in str(value).split(",") if v.strip())
        except ValueError:
            self.fail(f"expected a number or a comma list of numbers, got {value!r}", param, ctx)
        if not values:
            self.fail("expected a number", param, ctx)
        return values[0] if len(values) == 1 else values


LEARNING_RATES = LearningRates()

EXTRA_FLAGS = {"momentum": "--momentum", "metric": "--show-metric",
               "weight_decay": "--show-weight-decay"}
"""Flags that add a kind's extra series (lrplot.spec.SERIES) to the figure and the numbers."""
EXTRA_HELP = {
    "momentum": "Also show the momentum (SGD; Adam's beta1) the schedule cycles: dashed, on a "
                "second y axis, and as a column/field in CSV/JSON.",
    "metric": "Also show the metric the schedule watches: dashed, on a second y axis, and as a "
              "column/field in CSV/JSON.",
    "weight_decay": "Also show the weight decay the scheduler sets: dashed, on a second y axis, "
                    "and as a column/field in CSV/JSON.",
}


class KindCommand(click.Command):
    """A kind's command: a stray positional value (``lrplot cosine 150``) gets the flag it was
    probably meant for, instead of click's "unexpected extra argument"."""

    def __init__(self, *args: Any, kind: Kind, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = list(args)
        try:
            return super().parse_args(ctx, list(args))  # (click consumes the list it parses)
        except click.UsageError as exc:
            if "extra argument" not in str(exc):
                raise
            stray = self.make_parser(ctx).parse_args(args=list(args))[1]
            given = {p.name for p in self.kind.params
                     if any(a == p.flag or a.startswith(p.flag + "=") for a in args)}
            wanted = sorted((p for p in self.kind.params if p.name not in given),
                            key=lambda p: not p.required)  # required first, then in order
            problems = []
            for value, p in zip(stray, wanted + [None] * len(stray)):
                if value.lower().endswith((".yaml", ".yml")) or os.path.isfile(value):
                    hint = f"a config file goes to 'lrplot compare {value}'"
                elif p is not None:
                    hint = f"did you mean {p.flag} {value}?"
                else:
                    hint = f"'lrplot {self.kind.name} -h' lists the flags"
                problems.append(f"lrplot {self.kind.name}: unexpected value {value!r}: "
                                f"parameters are given by flag; {hint}")
            raise InputError(problems) from None


def extra_flag(kind: Kind, name: str) -> str:
    """The flag that adds the series ``name``: ``--show-NAME`` where the kind has a parameter of
    that flag already (Ultralytics' ``momentum``, the warm-up's target)."""
    flag = EXTRA_FLAGS[name]
    return f"--show-{name.replace('_', '-')}" if kind.param(flag[2:]) else flag


def kind_command(kind: Kind) -> click.Command:
    def callback(steps, base_lr, output, title, log_y, size, dpi, fmt=None, **values):
        from lrplot import spec

        raw = {p.name: values[p.flag[2:].replace("-", "_")] for p in kind.params}
        series = ("lr",) + tuple(name for name in kind.extra_series
                                 if values.get(extra_flag(kind, name)[2:].replace("-", "_")))
        _run(lambda: spec.from_flags(kind.name, raw, steps=steps, base_lr=base_lr, title=title,
                                     log_y=log_y, series=series), kind.name, output, size, dpi,
             fmt)

    params = [_param_option(p) for p in kind.params] + [
        click.Option(["--steps"], type=COUNT, metavar="N", help=STEPS.help + "."),
        click.Option(["--base-lr"], type=LEARNING_RATES, default=BASE_LR.default,
                     show_default=True, metavar="LR",
                     help=BASE_LR.help + "; a comma list makes one parameter group (and curve) "
                          "per value."),
    ] + [click.Option([extra_flag(kind, name)], is_flag=True, help=EXTRA_HELP[name])
         for name in kind.extra_series]
    command = KindCommand(
        kind.name, kind=kind, callback=callback, params=params, context_settings=CONTEXT,
        help=f"{kind.framework_class}: {kind.summary}." + "".join(
            f"\n\nAlso available as 'lrplot {alias}'." for alias in kind.aliases),
        short_help=f"{kind.framework_class}: {kind.summary}",
        epilog=f"Examples:\n\n  lrplot {kind.name} {kind.example}\n\n"
               f"  lrplot {kind.name} {kind.example} -o {kind.name}.svg\n\n"
               f"  lrplot {kind.name} {kind.example} --steps 1000 -o {kind.name}.csv",
    )
    return output_options(command)


# -- the group -----------------------------------------------------------------------------------


def _by_framework() -> list[tuple[str, list[Kind]]]:
    """Every kind, grouped by framework in registration order (torch first)."""
    groups: dict[str, list[Kind]] = {}
    for kind in schedules.all_kinds():
        groups.setdefault(kind.framework, []).append(kind)
    return list(groups.items())


LAZY_COMMANDS = {
    "gallery": "lrplot.cli.gallery:command",  # configs/*.yaml -> gallery/
    "stats": "lrplot.cli.stats:command",  # stats, lint, code: a kind and its flags, or configs
    "lint": "lrplot.cli.lint:command",
    "code": "lrplot.cli.code:command",
    "validate": "lrplot.cli.config:validate",  # configs checked without rendering
    "schema": "lrplot.cli.config:schema",  # ... and their JSON Schema
    "serve": "lrplot.cli.serve:command",  # a live HTML preview of a config
}
"""Commands whose modules are imported only when the command runs (or --help lists it), so
that drawing a schedule never pays for them. ``module:attribute`` of each click command."""


class LrplotGroup(click.Group):
    """Built-in commands plus one generated command per schedule kind (and its class name)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS}) + \
            [k.name for k in schedules.all_kinds()]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        if name in LAZY_COMMANDS:
            command = schedules.resolve(LAZY_COMMANDS[name])
            self.add_command(command, name)
            return command
        try:
            return kind_command(schedules.get(name))
        except schedules.UnknownKind:
            return None

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if not name.startswith("-") and self.get_command(ctx, name) is None:
            from lrplot.suggest import closest

            close = closest(name, [*self.commands, *LAZY_COMMANDS, *schedules.names()])
            hint = f" Did you mean {close!r}?" if close else ""
            raise InputError([f"unknown command or schedule {name!r}.{hint} "
                              f"'lrplot list' shows every schedule."])
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:  # the environment failed (a full disk, a closed stream): exit 1
            import errno

            if exc.errno == errno.EPIPE:
                raise  # click quiets a closed pipe (lrplot list | head) itself
            where = f"{exc.filename}: " if exc.filename else "cannot write standard output: " \
                if exc.errno in (errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT) else ""
            raise WriteError(f"{where}{exc.strerror or exc}") from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        builtin = [(n, self.get_command(ctx, n).get_short_help_str(60))
                   for n in sorted({*self.commands, *LAZY_COMMANDS})]
        with formatter.section("Commands"):
            formatter.write_dl(builtin)
        # The schedules by name only: 'lrplot list [FRAMEWORK]' describes them, KIND -h its flags.
        with formatter.section("Schedules (lrplot KIND [FLAGS]; lrplot KIND -h for its flags; "
                               "lrplot list FRAMEWORK describes them)"):
            rows = []
            for framework, kinds in _by_framework():
                if not schedules.framework(framework).namespace:  # torch's bare names, all
                    names = " ".join(k.name for k in kinds)
                    names += " (or the class name: CosineAnnealingLR, ...)"
                else:  # two lines at most, so that --help stays a screen as frameworks come
                    names = _first_names([k.name for k in kinds])
                rows.append((framework, names))
            formatter.write_dl(rows)


# A framework's row of the top-level help: at most two lines of the names column (62
# characters wide in an 80-column help), then how many kinds there are: 'lrplot list' has all.
HELP_ROW_WIDTH = 62


def _first_names(names: list[str]) -> str:
    """As many of ``names`` as fit in two help lines, then how many there are in all."""
    import textwrap

    def fits(text: str) -> bool:
        return len(textwrap.wrap(text, HELP_ROW_WIDTH)) <= 2

    if fits(" ".join(names)):
        return " ".join(names)
    shown = names[:1]
    while fits(" ".join([*shown, names[len(shown)]]) + f" ... ({len(names)} in all)"):
        shown.append(names[len(shown)])
    return " ".join(shown) + f" ... ({len(names)} in all)"


@click.group(cls=LrplotGroup, context_settings=CONTEXT,
             epilog="Examples:\n\n  lrplot cosine --t-max 150\n\n"
                    "  lrplot exponential --gamma 0.9,0.95,0.98 -o exp.svg\n\n"
                    "  lrplot compare configs/article.yaml\n\n"
                    "  lrplot cosine --t-max 150 --steps 400 -o lr.csv")
@click.version_option(__version__, "--version", prog_name="lrplot")
def main() -> None:
    """Show exactly what a learning-rate schedule does.

    Values equal what the framework computes, step for step. Draw one schedule, a sweep of a
    parameter, or a YAML figure of several panels to PNG, SVG or PDF, or write the numbers
    to CSV or JSON.
    """


@main.command(context_settings=CONTEXT,
              epilog="Examples:\n\n  lrplot compare configs/article.yaml\n\n"
                     "  lrplot compare configs/article.yaml -o article.svg\n\n"
                     "  lrplot compare configs/*.yaml\n\n"
                     "  lrplot compare trainer_args.yaml --dataset-size 50000 --explain")
@click.argument("configs", nargs=-1, required=True, metavar="CONFIG...",
                type=click.Path(exists=True, dir_okay=False))
@click.option("--steps", type=COUNT, metavar="N", help="Override the figure's default steps.")
@click.option("--base-lr", type=float, metavar="LR", help="Override the figure's default base_lr.")
@output_options
@run_options
@allow_outside_option
def compare(configs, steps, base_lr, output, title, log_y, size, dpi, fmt):
    """Render YAML figure configs (one figure per file).

    Without -o each CONFIG is written to CONFIG-STEM.png in the current directory.

    A CONFIG may also be a training config (Hugging Face TrainingArguments, LLaMA-Factory, TRL,
    axolotl), detected from its content or named with --from: the curve is the lr of every
    optimizer step the trainer takes, counted with its own rules from the flags below.
    """
    from lrplot import output as outputs
    from lrplot.cli import readers as cli_readers
    from lrplot import spec as specs

    if output and len(configs) > 1:
        raise InputError(["-o/--output takes one CONFIG; without it each config is written to "
                          "its own STEM.png"])
    overrides = {"steps": steps, "base_lr": base_lr}
    problems = []
    for param in COMMON_PARAMS:
        if overrides[param.name] is not None:
            try:
                param.convert(overrides[param.name])
            except ValueError as exc:
                problems.append(f"--{param.name.replace('_', '-')}: {exc}")
    if problems:
        raise InputError(problems)

    def build(config: str) -> Any:
        doc = cli_readers.load(config)  # an lrplot figure, or a training config read as one
        if isinstance(doc.data, dict):
            for key, value in (*overrides.items(), ("title", title)):
                if value is not None:
                    doc.data[key] = value
            if log_y:
                doc.data["log_y"] = True
        figure = specs.from_document(doc)
        _warn(figure, doc)  # likely mistakes (lrplot.lint), located in the config
        return figure

    # Every config is checked before anything is written: an error leaves no file behind.
    prepared = []
    for config in configs:
        stem = os.path.splitext(os.path.basename(config))[0]  # pathlib's .stem, without pathlib
        if os.path.exists(config) and any(  # through symlinks; also the default STEM.png
                os.path.exists(p) and outputs.same_file(p, config) for p in
                ([output] if output and output != "-" else [f"{stem}.{(fmt or 'png').lower()}"])):
            culprit = f"-o {output}" if output else \
                f"the default output {stem}.{(fmt or 'png').lower()} (give -o)"
            raise InputError([f"{culprit}: refusing to write over the input config {config}"])
        prepared.append(_prepare(lambda: build(config), stem, output, fmt, lint=False,
                                 reads=tuple(configs)))  # nor over another config of the run
    for spec, path, fmt in prepared:
        _write(spec, path, fmt, size, dpi)


@main.command(name="list", context_settings=CONTEXT,
              epilog="Examples:\n\n  lrplot list hf\n\n  lrplot list torch\n\n"
                     "  lrplot list cosine\n\n  lrplot list | grep -A3 '^cosine'")
@click.argument("frameworks", nargs=-1, metavar="[FRAMEWORK|KIND]...")
def list_kinds(frameworks: tuple[str, ...]) -> None:
    """List schedule kinds, their aliases and their parameters, grouped by framework.

    FRAMEWORK (torch, hf or transformers, timm, keras, optax, deepspeed) lists one framework's
    kinds; a KIND lists that kind alone. Without arguments: every kind.
    """
    groups = _by_framework()
    if frameworks:
        wanted: dict[str, list[Kind]] = {}
        problems = []
        for name in frameworks:
            found = _kinds_named(name, groups)
            if found is None:
                from lrplot.suggest import closest

                choices = [*schedules.namespaces(), *(f for f, _ in groups)]
                close = closest(name.lower(), [*choices, *schedules.names()])
                hint = f" Did you mean {close!r}?" if close else ""
                problems.append(f"lrplot list: {name!r} is neither a framework ("
                                f"{', '.join(dict.fromkeys(choices))}) nor a schedule.{hint}")
                continue
            for framework, kinds in found:
                wanted.setdefault(framework, [])
                wanted[framework] += [k for k in kinds if k not in wanted[framework]]
        if problems:
            raise InputError(problems)
        groups = list(wanted.items())
    for framework, kinds in groups:
        click.secho(f"== {schedules.framework(framework).title} ==", bold=True)
        click.echo()
        for kind in kinds:
            _list_kind(kind)


def _kinds_named(name: str, groups: list[tuple[str, list[Kind]]]
                 ) -> list[tuple[str, list[Kind]]] | None:
    """The (framework, kinds) that ``name`` means: a framework, a namespace prefix (hf,
    pytorch) or one kind; None when it means nothing."""
    key = name.lower()
    namespace = schedules.namespaces().get(key)
    found = [(f, [k for k in kinds if (namespace is not None and (k.namespace or "") == namespace)
                  or f == key]) for f, kinds in groups]
    found = [(f, kinds) for f, kinds in found if kinds]
    if found:
        return found
    try:
        kind = schedules.get(name)
    except schedules.UnknownKind:
        return None
    return [(kind.framework, [kind])]


def _list_kind(kind: Kind) -> None:
    click.secho(f"{kind.name}", bold=True, nl=False)
    click.echo(f"  ({kind.framework_class}, {kind.framework})  {kind.summary}")
    for p in kind.params:
        default = "required" if p.required else f"default {format_value(p.default)}"
        click.echo(f"    {p.flag:<14} {p.key:<12} {p.accepted()}; {default}")
        click.echo(f"    {'':<14} {'':<12} {p.help}")
    click.echo()


# gallery, stats, lint, code, validate, schema: see LAZY_COMMANDS.
