"""``lrplot lint``: likely mistakes and their fixes (lrplot.lint), for a kind or configs."""

from __future__ import annotations

import click

from lrplot.cli import InputError, evaluate
from lrplot.cli.sources import Source, SourceGroup


def lint_messages(source: Source) -> list[str]:
    """The lint warnings of a source, as printed (for commands that only mention them)."""
    from lrplot import lint

    return [str(w) for w in lint.check(source.spec, source.doc, evaluate=evaluate)]


def _lint(sources: list[Source], strict: bool, fmt: str,
          lint_ignore: tuple[str, ...] = ()) -> None:
    from lrplot import lint

    from lrplot.spec import SpecError

    try:
        warnings = [w for source in sources for w in lint.check(source.spec, source.doc,
                                                                ignore=lint_ignore,
                                                                evaluate=evaluate)]
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


command = SourceGroup(
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
