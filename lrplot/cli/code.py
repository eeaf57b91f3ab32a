"""``lrplot code``: the same schedule as a runnable script (lrplot.codegen)."""

from __future__ import annotations

import click

from lrplot.cli import InputError
from lrplot.cli.sources import Source, SourceGroup


def _code(sources: list[Source]) -> None:
    from lrplot import codegen

    scripts = []
    for source in sources:
        for note in source.spec.notes:
            click.echo(note, err=True)
        try:
            scripts.append(codegen.figure_code(source.spec))
        except codegen.CodegenError as exc:  # it names the kind: a kind's flags are the source
            said = str(exc)
            raise InputError([said if said.startswith(f"{source.name}:")
                              else f"{source.name}: {said}"]) from None
    click.echo(("\n# " + "=" * 77 + "\n\n").join(scripts), nl=False)


command = SourceGroup(
    "code", _code, [],
    help="Print runnable Python that builds the same schedule in its framework: "
         "torch.optim.lr_scheduler for torch kinds (SequentialLR and ChainedScheduler with their "
         "children), transformers' functions for hf.* kinds, and each other framework's own "
         "classes or loop (keras, timm, DeepSpeed, Megatron-core, NeMo, mmengine, fvcore in "
         "detectron2's LRMultiplier, torchtitan, nanoGPT, Ultralytics).\n\n"
         "A figure (a kind's flags, or a CONFIG) becomes one script: the imports once, one "
         "function per curve that builds an SGD optimizer at base_lr and the scheduler, and "
         "returns lrs, which equals lrplot's series step for step; SCHEDULES maps each label to "
         "its function, and running the script prints them.",
    epilog="Examples:\n\n  lrplot code cosine --t-max 150\n\n"
           "  lrplot code configs/article.yaml > schedules.py",
)
