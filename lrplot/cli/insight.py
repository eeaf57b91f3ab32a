"""The insight commands: ``lrplot stats``, ``lrplot lint`` and ``lrplot code``.

Each takes a schedule the way the rendering commands do — a kind and its flags
(``lrplot stats cosine --t-max 150``), or YAML configs (``lrplot stats configs/article.yaml``) —
and reports on it instead of drawing it. The kind variants are derived from the generated kind
commands (same flags, same validation); only the output options are left out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import click

from lrplot import schedules
from lrplot.cli import (ALLOW_OUTSIDE, CONTEXT, COUNT, InputError, KindCommand, kind_command,
                        output_options)
from lrplot.cli.readers import run_params

if TYPE_CHECKING:
    from lrplot.spec import FigureSpec
    from lrplot.yamlio import Document


@dataclass(frozen=True)
class Source:
    """One figure to report on: from a config file (with its document, for locations) or flags."""

    name: str
    spec: FigureSpec
    doc: Document | None = None


Action = Callable[..., None]


def _output_option_names() -> set[str]:
    return {p.name for p in output_options(click.Command("_")).params}


def _guard(build: Callable[[], Any]) -> Any:
    """Map spec and YAML errors to exit 2, one line per problem."""
    from lrplot.spec import SpecError
    from lrplot.yamlio import YamlError

    try:
        return build()
    except SpecError as exc:
        raise InputError([str(p) for p in exc.problems]) from None
    except YamlError as exc:
        raise InputError([str(exc)]) from None


def load_config(path: str, steps: int | None = None, base_lr: float | None = None) -> Source:
    """A config file as a :class:`Source`; ``steps``/``base_lr`` override the figure's defaults."""
    from lrplot.cli import readers as cli_readers
    from lrplot import spec as specs

    def build() -> Source:
        try:
            doc = cli_readers.load(path)  # an lrplot figure, or a training config read as one
        except FileNotFoundError:
            raise InputError([f"{path}: no such config file"]) from None
        except OSError as exc:
            raise InputError([f"{path}: cannot read it: {exc.strerror or exc}"]) from None
        if isinstance(doc.data, dict):
            for key, value in (("steps", steps), ("base_lr", base_lr)):
                if value is not None:
                    doc.data[key] = value
        return Source(path, specs.from_document(doc), doc)

    return _guard(build)


class SourceGroup(click.Group):
    """``lrplot NAME KIND [FLAGS] [OPTIONS]`` or ``lrplot NAME CONFIG... [OPTIONS]``.

    ``options`` are click options added to both forms; ``action(sources, **options)`` runs.
    """

    def __init__(self, name: str, action: Action, options: list[click.Option], **kwargs: Any):
        super().__init__(name, context_settings=CONTEXT, no_args_is_help=True, **kwargs)
        self.action = action
        self.extra = options

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [k.name for k in schedules.all_kinds()]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Options before KIND or CONFIG (``lrplot lint --strict CONFIG``) move after it, where
        the subcommand reads them: options go anywhere, as for every other command."""
        from lrplot.cli import EXTRA_FLAGS

        flags = {o for p in self.extra if getattr(p, "is_flag", False) for o in p.opts} | \
            set(EXTRA_FLAGS.values()) | {"-q", "--quiet"}
        leading, i = [], 0
        while i < len(args) and args[i].startswith("-") and args[i] != "--":
            if args[i] in ("-h", "--help"):
                return super().parse_args(ctx, args)  # this command's own help
            takes_value = args[i] not in flags and "=" not in args[i]
            leading += args[i:i + 1 + takes_value]
            i += 1 + takes_value
        if leading and i == len(args):
            raise InputError([f"lrplot {self.name}: give a KIND (with its flags) or CONFIG files; "
                              f"'lrplot {self.name} --help' shows how"])
        if leading:
            args = args[i:] + leading
        return super().parse_args(ctx, args)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "CONFIG":
            return self.config_command()
        try:
            kind = schedules.get(name)
        except schedules.UnknownKind:
            return None
        return self.kind_command(kind)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0]
        if name.startswith("-"):
            return super().resolve_command(ctx, args)
        try:
            kind = schedules.get(name)
        except schedules.UnknownKind:
            kind = None
        if kind is not None:
            return kind.name, self.kind_command(kind), args[1:]
        if name == "CONFIG":  # as in the usage line: 'lrplot stats CONFIG --help'
            return name, self.config_command(), args[1:]
        if os.path.exists(name) or name.lower().endswith((".yaml", ".yml")):
            return "CONFIG", self.config_command(), args
        from lrplot.suggest import closest

        close = closest(name, schedules.names())
        hint = f" Did you mean {close!r}?" if close else ""
        raise InputError([f"{name!r} is neither a schedule nor a config file.{hint} "
                          f"'lrplot list' shows every schedule."])

    def config_command(self) -> click.Command:
        def callback(configs, steps, base_lr, **options):
            sources = [load_config(c, steps, base_lr) for c in configs]
            self.action(sources, **options)

        params = [
            click.Argument(["configs"], nargs=-1, required=True, metavar="CONFIG...",
                           type=click.Path(dir_okay=False)),
            click.Option(["--steps"], type=COUNT, metavar="N",
                         help="Override the figure's default steps."),
            click.Option(["--base-lr"], type=float, metavar="LR",
                         help="Override the figure's default base_lr."),
            ALLOW_OUTSIDE,
            *self.extra,
            *run_params(),
        ]
        group = self

        class ConfigCommand(click.Command):
            def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
                formatter.write_usage(f"lrplot {group.name}", "CONFIG... [OPTIONS]")

        return ConfigCommand("CONFIG", callback=callback, params=params,
                             context_settings=CONTEXT, help=self.help)

    def kind_command(self, kind: schedules.Kind) -> click.Command:
        """The kind's generated command, with this group's options instead of output options."""
        from lrplot import spec as specs

        base = kind_command(kind)
        skip = _output_option_names()
        flags = {p.flag: p.name for p in kind.params}
        params = [p for p in base.params if p.name not in skip] + list(self.extra)
        by_option = {p.name: flags[p.opts[0]] for p in base.params
                     if isinstance(p, click.Option) and p.opts[0] in flags}
        extra = {p.name for p in self.extra}

        def callback(**values):
            raw = {param: values[option] for option, param in by_option.items()}
            options = {k: v for k, v in values.items() if k in extra}
            spec = _guard(lambda: specs.from_flags(
                kind.name, raw, steps=values.get("steps"),
                base_lr=values.get("base_lr", 0.1)))
            self.action([Source(kind.name, spec)], **options)

        return KindCommand(kind.name, kind=kind, callback=callback, params=params,
                           context_settings=CONTEXT, help=base.help, short_help=base.short_help)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "(KIND [PARAM FLAGS] | CONFIG...) [OPTIONS]")

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Options (before or after KIND or CONFIG)"):
            formatter.write_dl([p.get_help_record(ctx) for p in self.extra
                                if p.get_help_record(ctx)])
        with formatter.section("Schedules (lrplot " + (self.name or "") + " KIND -h for flags)"):
            formatter.write_dl([(k.name, k.framework_class) for k in schedules.all_kinds()])


# -- stats -------------------------------------------------------------------------------------


class Steps(click.ParamType):
    """``--at 1000,5000`` (repeatable): steps, written as counts are (1e3 too)."""

    name = "steps"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        steps = []
        for item in str(value).split(","):
            step = COUNT.convert(item, param, ctx)
            if step < 0:
                self.fail(f"expected steps >= 0, got {item.strip()!r}", param, ctx)
            steps.append(step)
        return tuple(steps)


def _stats(sources: list[Source], below: float | None, fmt: str, rtol: float,
           at: tuple[tuple[int, ...], ...] = ()) -> None:
    from lrplot import stats

    rows = []
    steps = tuple(step for group in at for step in group)
    for source in sources:
        for note in source.spec.notes:
            click.echo(note, err=True)
        try:
            rows.extend(stats.figure_stats(source.spec, below=below, rtol=rtol, at=steps))
        except ValueError as exc:
            located = getattr(exc, "problems", None)  # a SpecError names its place already
            raise InputError([str(p) for p in located] if located else
                             [f"{source.name}: {exc}"]) from None
    click.echo(stats.FORMATS[fmt](rows), nl=False)


def _finite(value: float | None, param: click.Parameter) -> float | None:
    """A threshold must be a number: every comparison with NaN is false, so ``--below nan``
    would silently report nothing."""
    import math

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"expected a finite number such as 0.01, got {value}",
                                 param=param)
    return value


stats = SourceGroup(
    "stats", _stats,
    [click.Option(["--below"], type=float, metavar="LR", callback=lambda ctx, param, value:
                  _finite(value, param),
                  help="Also report the first step whose lr is below LR."),
     click.Option(["--at"], type=Steps(), multiple=True, metavar="STEP,...",
                  help="Also report the lr at these steps (comma list or repeat the flag): "
                       "lr[STEP] is the value after STEP scheduler steps."),
     click.Option(["--format", "fmt"], type=click.Choice(["table", "csv", "json"]),
                  default="table", show_default=True, help="Output format."),
     click.Option(["--rtol"], type=click.FloatRange(min=0), default=1e-4, show_default=True,
                  callback=lambda ctx, param, value: _finite(value, param),
                  help="Logged (type: data) and planned lr diverge beyond this relative "
                       "difference.")],
    help="Summary numbers per curve: initial, peak (and its step), minimum, final, mean and sum "
         "of the lr, and the first step below a threshold.\n\n"
         "The sum of the lr over all steps is how far plain SGD moves a weight with a unit "
         "gradient: schedules with equal sums travel equally far. A logged curve (type: data) is "
         "compared with its panel's planned schedule: where they first diverge, and by how much.",
    epilog="Examples:\n\n  lrplot stats cosine --t-max 150 --steps 400 --below 0.01\n\n"
           "  lrplot stats hf.cosine --num-warmup-steps 500 --num-training-steps 10000 "
           "--at 1000,5000\n\n"
           "  lrplot stats configs/article.yaml --format csv\n\n"
           "  lrplot stats exponential --gamma 0.9,0.95 --format json",
)


# -- lint --------------------------------------------------------------------------------------


def lint_messages(source: Source) -> list[str]:
    """The lint warnings of a source, as printed (for commands that only mention them)."""
    from lrplot import lint

    return [str(w) for w in lint.check(source.spec, source.doc)]


def _lint(sources: list[Source], strict: bool, fmt: str,
          lint_ignore: tuple[str, ...] = ()) -> None:
    from lrplot import lint

    from lrplot.spec import SpecError

    try:
        warnings = [w for source in sources for w in lint.check(source.spec, source.doc,
                                                                      ignore=lint_ignore)]
    except SpecError as exc:  # a schedule that fails at some step (found by a rule computing it)
        raise InputError([str(p) for p in exc.problems]) from None
    click.echo(lint.FORMATS[fmt](warnings), nl=False)
    count = len(warnings)
    click.echo(f"{count} warning{'s' if count != 1 else ''}" if count else "no warnings",
               err=True)
    if strict and warnings:
        click.get_current_context().exit(1)


def _lint_rules() -> str:
    """The rule names, wrapped without breaking a name at its hyphens."""
    import textwrap

    from lrplot import lint

    return "\n".join(textwrap.wrap(", ".join(lint.rule_names()), 76, break_on_hyphens=False))


def _rule_names(values: tuple[str, ...]) -> tuple[str, ...]:
    from lrplot import lint

    names = tuple(n.strip() for v in values for n in v.split(",") if n.strip())
    problems = [f"--lint-ignore: {p}" for p in map(lint.unknown_rule, names) if p]
    if problems:
        raise InputError(problems)
    return names


lint = SourceGroup(
    "lint", _lint,
    [click.Option(["--strict"], is_flag=True, help="Exit 1 when there is any warning."),
     click.Option(["--lint-ignore", "lint_ignore"], metavar="RULE", multiple=True,
                  callback=lambda ctx, param, value: _rule_names(value),
                  help="Do not report this rule (comma list or repeat the flag); a curve "
                       "of a config acknowledges one with lint: {ignore: [RULE]}."),
     click.Option(["--format", "fmt"], type=click.Choice(["text", "json"]), default="text",
                  show_default=True, help="Output format.")],
    help="Warn about likely mistakes in a schedule, each with its fix and its location "
         "(file:line:col and key path, or the flag).\n\n"
         "Duplicate milestones that compound, a cosine stepped past T_max (it rises again), a "
         "decay after the end of the run, a floor never reached, a one-cycle run longer than "
         "total_steps, epoch-sized parameters stepped every iteration, ... Exits 0 with "
         "warnings unless --strict. 'lrplot compare' and the drawing commands print the same "
         "warnings on stderr.\n\n"
         "\b\nRules (for --lint-ignore, or lint: {ignore: [RULE]} on a curve):\n"
         + _lint_rules(),
    epilog="Examples:\n\n  lrplot lint configs/article.yaml\n\n"
           "  lrplot lint --strict --lint-ignore stepped-per-iteration configs/*.yaml\n\n"
           "  lrplot lint multistep --milestones 30,60,90 --steps 100000\n\n"
           "  lrplot lint configs/*.yaml --strict",
)


# -- code --------------------------------------------------------------------------------------


def _code(sources: list[Source]) -> None:
    from lrplot import codegen

    scripts = []
    for source in sources:
        for note in source.spec.notes:
            click.echo(note, err=True)
        try:
            scripts.append(codegen.figure_code(source.spec))
        except codegen.CodegenError as exc:
            raise InputError([f"{source.name}: {exc}"]) from None
    click.echo(("\n# " + "=" * 77 + "\n\n").join(scripts), nl=False)


code = SourceGroup(
    "code", _code, [],
    help="Print runnable Python that builds the same schedule in its framework: "
         "torch.optim.lr_scheduler for torch kinds (SequentialLR and ChainedScheduler with their "
         "children), transformers' functions for hf.* kinds, keras.optimizers.schedules, "
         "timm's schedulers.\n\n"
         "A figure (a kind's flags, or a CONFIG) becomes one script: the imports once, one "
         "function per curve that builds an SGD optimizer at base_lr and the scheduler, and "
         "returns lrs, which equals lrplot's series step for step; SCHEDULES maps each label to "
         "its function, and running the script prints them.",
    epilog="Examples:\n\n  lrplot code cosine --t-max 150\n\n"
           "  lrplot code configs/article.yaml > schedules.py",
)
COMMANDS = [stats, lint, code]
