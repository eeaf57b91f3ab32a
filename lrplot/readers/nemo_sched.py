"""What NeMo's ``prepare_lr_scheduler`` (nemo_toolkit 3.0.0) makes of a config's ``optim.sched``:
the scheduler's name and the keyword arguments it is built with, each traced to its key.

Three forms, in NeMo's order. Before anything, ``maybe_update_config_version`` rewrites Hydra 0.x
keys: ``cls`` becomes ``_target_`` and a ``params`` mapping is merged into the mapping that
holds it. Then the arguments are ``sched.args`` when there is one, else ``sched`` without its
``name``, ``monitor``, ``reduce_on_plateau`` and ``t_*`` keys:

- arguments with a ``_target_``: a params dataclass of ``nemo.core.config.schedulers``, built
  with the other keys; the scheduler is the class name without ``Params``, and every field of
  the dataclass (its defaults included) is passed on;
- arguments with a ``name`` (only under ``args``): the registered dataclass of that name
  (``auto``: ``sched.name`` + ``Params``) built with *no* overrides. NeMo reads them from
  ``args.params``, which the conversion has already merged away, so the keys written beside
  ``name`` are ignored and the dataclass's defaults are what the scheduler gets;
- otherwise the arguments as written, for the scheduler ``sched.name``.

A ``_target_`` is never imported: only the dataclasses of
:mod:`lrplot.readers.nemo_params` are accepted. A scheduler class there fails in NeMo (Hydra
builds it without the optimizer), and torch's schedulers are outside NeMo's allow-list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lrplot.readers import nemo_params
from lrplot.readers.source import Source

HYDRA_KEYS = ("_partial_", "_recursive_", "_convert_", "_args_")
NOT_ARGUMENTS = ("name", "monitor", "reduce_on_plateau", "t_max_epochs",
                 "t_accumulate_grad_batches", "t_limit_train_batches", "t_num_workers")
"""The keys of ``optim.sched`` that prepare_lr_scheduler does not pass to the scheduler."""


@dataclass
class Built:
    """The scheduler prepare_lr_scheduler builds: its name (and where it was decided), its
    arguments with their origins, and what the config says that NeMo does not use."""

    name: str
    name_at: tuple
    arguments: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, tuple] = field(default_factory=dict)
    dataclass: str | None = None  # the params dataclass the arguments came from
    target_in_sched: bool = False  # a _target_ beside max_steps, which NeMo passes to it
    ignored: list[tuple[tuple, str, Any]] = field(default_factory=list)


def entries(source: Source, path: tuple) -> dict[str, tuple[Any, tuple]]:
    """The mapping at ``path`` after maybe_update_config_version: key -> (value, where it is
    written). ``cls`` becomes ``_target_`` (when there is none); ``params`` is merged in,
    over the keys beside it."""
    node = source.get(path)
    out = {key: (value, path + (key,)) for key, value in node.items()}
    if "cls" in out and "_target_" not in out:
        out["_target_"] = out.pop("cls")
    if "params" in out:
        params, at = out.pop("params")
        if not isinstance(params, dict):
            raise source.fail(at, "expected a mapping (NeMo merges params into "
                                  f"{path[-1]}), got {type(params).__name__}")
        out.update({key: (value, at + (key,)) for key, value in params.items()})
    return out


def build(source: Source, sched: tuple, names: list[str]) -> Built:
    """The scheduler of ``sched``; ``names`` are the schedulers lrplot maps (NeMo's
    AVAILABLE_SCHEDULERS)."""
    top = entries(source, sched)
    if "max_steps" in top and top["max_steps"][1] != sched + ("max_steps",):
        raise source.fail(top["max_steps"][1], "max_steps under params: NeMo merges it into "
                                               "sched after setting it from the trainer; "
                                               "write sched.max_steps or trainer.max_steps")
    if "args" in top:
        args, at = top["args"]
        if not isinstance(args, dict):
            raise source.fail(at, f"expected a mapping of the scheduler's arguments, got "
                                  f"{type(args).__name__}")
        arguments = entries(source, at)
        in_sched = False
    else:
        arguments = {k: v for k, v in top.items() if k not in NOT_ARGUMENTS}
        in_sched = True
    name = top.get("name", (None, sched + ("name",)))
    if name[0] is not None and not isinstance(name[0], str):
        raise source.fail(name[1], f"expected a name, got {type(name[0]).__name__}")
    if "_target_" in arguments:
        return _from_target(source, arguments, names, in_sched)
    if name[0] is None:
        raise source.fail(sched, "no sched.name: NeMo builds no scheduler without it (give "
                                 "one of " + ", ".join(names) + ")")
    if "name" in arguments:  # args: {name: ...}: a registered dataclass with its defaults
        return _from_registered(source, name, arguments)
    built = Built(name[0], name[1])
    for key, (value, at) in arguments.items():
        built.arguments[key], built.origins[key] = value, at
    return built


def _from_target(source: Source, arguments: dict, names: list[str], in_sched: bool) -> Built:
    target, at = arguments["_target_"]
    prefix = nemo_params.MODULE + "."
    accepted = [f"{prefix}{n}" for n in nemo_params.DATACLASSES
                if nemo_params.scheduler_name(n) in names]
    cls = target[len(prefix):] if isinstance(target, str) and target.startswith(prefix) else None
    if cls not in nemo_params.DATACLASSES:
        raise source.fail(at, _refused_target(target, names) + "; accepted: " +
                          ", ".join(accepted))
    name = nemo_params.scheduler_name(cls)
    if name not in names:
        raise source.fail(at, f"{cls} names the scheduler {name!r}, which NeMo's "
                              "AVAILABLE_SCHEDULERS has not (prepare_lr_scheduler raises "
                              "ValueError); accepted: " + ", ".join(accepted))
    fields = nemo_params.fields(cls)
    for key, (_, where) in arguments.items():
        if key in HYDRA_KEYS:
            raise source.fail(where, f"{key} is not read: NeMo takes the instantiated "
                                     "_target_ as the scheduler's params dataclass")
        if key != "_target_" and key not in fields:
            raise source.fail(where, f"{cls} has no field {key!r} (Hydra's instantiate "
                                     f"raises TypeError); its fields: {', '.join(fields)}")
    built = Built(name, at, dataclass=cls, target_in_sched=in_sched)
    for key, default in fields.items():
        value, origin = arguments.get(key, (default, at))
        built.arguments[key], built.origins[key] = value, origin
    return built


def _refused_target(target: Any, names: list[str]) -> str:
    if not isinstance(target, str):
        return f"_target_ must be a class path, got {type(target).__name__}"
    last = target.rsplit(".", 1)[-1]
    if target.startswith(("nemo.core.optim.lr_scheduler.", "torch.optim.lr_scheduler.")):
        params = f"{last}Params"
        instead = f" or _target_: {nemo_params.MODULE}.{params}" \
            if params in nemo_params.DATACLASSES else ""
        return (f"_target_ {target!r} is a scheduler class: NeMo 3.0.0's prepare_lr_scheduler "
                "instantiates _target_ as the scheduler's params, without the optimizer (a "
                "NeMo scheduler fails there, torch's are outside NeMo's allow-list); write "
                f"sched.name: {last} with its arguments in sched{instead}")
    return (f"_target_ {target!r} is not one of NeMo's scheduler params dataclasses (lrplot "
            "never imports a _target_)")


def _from_registered(source: Source, name: tuple, arguments: dict) -> Built:
    given, at = arguments["name"]
    if not isinstance(given, str):
        raise source.fail(at, f"expected a params dataclass name or auto, got "
                              f"{type(given).__name__}")
    wanted = f"{name[0]}Params" if given == "auto" else given
    if wanted not in nemo_params.REGISTERED:
        from lrplot.suggest import hint

        how = f" (auto: {name[0]} + Params)" if given == "auto" else ""
        raise source.fail(at, f"no scheduler params named {wanted!r}{how}"
                              f"{hint(wanted, list(nemo_params.REGISTERED))}: NeMo's "
                              "get_scheduler_config raises ValueError; registered: " +
                              ", ".join(nemo_params.REGISTERED))
    cls = nemo_params.REGISTERED[wanted]
    built = Built(name[0], name[1], dataclass=cls)
    for key, default in nemo_params.fields(cls).items():
        built.arguments[key], built.origins[key] = default, at
    for key, (value, where) in arguments.items():
        if key != "name" and (key not in built.arguments or built.arguments[key] != value):
            built.ignored.append((where, key, value))
    return built
