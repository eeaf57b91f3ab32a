"""What the insight commands (``lrplot stats``, ``lrplot lint``, ``lrplot code``: one module
each in this package) report on, and the command group they share.

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
            set(EXTRA_FLAGS.values()) | {f"--show-{n.replace('_', '-')}" for n in EXTRA_FLAGS} | \
            {"-q", "--quiet"}
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
        records = [p.get_help_record(ctx) for p in self.extra if p.get_help_record(ctx)]
        if records:  # lrplot code has no options of its own: no empty section (click refuses it)
            with formatter.section("Options (before or after KIND or CONFIG)"):
                formatter.write_dl(records)
        with formatter.section("Schedules (lrplot " + (self.name or "") + " KIND -h for flags)"):
            formatter.write_dl([(k.name, k.framework_class) for k in schedules.all_kinds()])
