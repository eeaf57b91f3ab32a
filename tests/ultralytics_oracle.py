"""Oracles for ultralytics.yolo and ultralytics.yolov5, shared by
scripts/make_goldens_frameworks.py and tests/test_frameworks_ultralytics.py.

``yolo_run(...)`` / ``yolov5_run(...)`` step a training loop without a model's forward pass and
record, at every optimizer step, each param group's lr and momentum. The parts that decide them
are the trainer's own code:

- Ultralytics: ``import ultralytics`` needs OpenCV and the rest of the package, so the installed
  8.4.190 source files are read and the code that matters is compiled from them, unchanged:
  ``one_cycle`` (``utils/torch_utils.py``), ``BaseTrainer._setup_scheduler``,
  ``_get_warmup_iterations`` and ``build_optimizer`` (``engine/trainer.py``, over a real torch
  model with a conv, a BatchNorm and a detection head ``cv3``; MuSGD from ``optim/muon.py``),
  the accumulate lines of ``_build_train_pipeline``, and from ``_do_train`` the warm-up block
  (``if nw and ni <= nw: ...``) and the optimizer-step test (``ni - last_opt_step >=
  self.accumulate``), run by a loop that does what ``_do_train`` does around them
  (``scheduler.step()`` when an epoch starts, ``ni = i + nb * epoch``).
- YOLOv5 cannot be installed: :func:`yolov5_run` is a port of ultralytics/yolov5 ``train.py`` at
  :data:`YOLOV5_SOURCE` (lines 233-248 optimizer and scheduler, 337-343 warm-up length and
  ``scheduler.last_epoch``, 354-438 the loop), with ``smart_optimizer`` from
  ``utils/torch_utils.py`` and ``one_cycle`` as train.py imports it (ultralytics'
  ``utils/torch_utils.py``), over torch's own LambdaLR and optimizers.
"""

from __future__ import annotations

import ast
import importlib.util
import math
import types
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

YOLOV5_SOURCE = ("ultralytics/yolov5", "train.py", "5081342f04fb287fc2e5f2b5a4e06752b7937b1c")
"""Repository, path and commit the YOLOv5 port follows."""

YOLO_DEFAULTS = {"epochs": 100, "batch": 16, "nbs": 64, "lr0": 0.01, "lrf": 0.01,
                 "cos_lr": False, "momentum": 0.937, "weight_decay": 0.0005,
                 "warmup_epochs": 3.0, "warmup_momentum": 0.8, "warmup_bias_lr": 0.1,
                 "optimizer": "SGD", "time": None}
"""ultralytics 8.4.190 cfg/default.yaml, for the keys the loop reads (optimizer: SGD here;
default.yaml's auto is a case of its own)."""

YOLOV5_DEFAULTS = {"epochs": 100, "batch": 16, "lr0": 0.01, "lrf": 0.01, "cos_lr": False,
                   "momentum": 0.937, "weight_decay": 0.0005, "warmup_epochs": 3.0,
                   "warmup_momentum": 0.8, "warmup_bias_lr": 0.1, "optimizer": "SGD"}
"""YOLOv5 data/hyps/hyp.scratch-low.yaml and train.py's --epochs, --batch-size, --optimizer."""


# -- Ultralytics: its own source, compiled piece by piece ---------------------------------------


def ultralytics_root() -> Path:
    spec = importlib.util.find_spec("ultralytics")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("ultralytics is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def ultralytics_version() -> str:
    from importlib.metadata import version

    return version("ultralytics")


def _functions(path: Path, names: tuple[str, ...], cls: str | None = None) -> dict[str, ast.AST]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body = tree.body
    if cls is not None:
        body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls).body
    found = {n.name: n for n in body if isinstance(n, ast.FunctionDef) and n.name in names}
    missing = set(names) - set(found)
    if missing:
        raise ImportError(f"{path}: no {', '.join(sorted(missing))}")
    return found


def _compile(nodes: list[ast.stmt], path: Path, mode: str = "exec") -> Any:
    if mode == "eval":
        return compile(ast.Expression(nodes[0]), str(path), "eval")
    return compile(ast.Module(body=nodes, type_ignores=[]), str(path), "exec")


class _Source:
    """The pieces of ultralytics' code the loop's lr depends on, compiled from its files."""

    def __init__(self) -> None:
        import torch
        from torch import nn, optim

        root = ultralytics_root()
        trainer = root / "engine" / "trainer.py"
        utils = root / "utils" / "torch_utils.py"
        muon_spec = importlib.util.spec_from_file_location("_ultralytics_muon",
                                                           root / "optim" / "muon.py")
        muon = importlib.util.module_from_spec(muon_spec)
        muon_spec.loader.exec_module(muon)
        self.globals: dict[str, Any] = {
            "math": math, "np": np, "torch": torch, "nn": nn, "optim": optim,
            "partial": partial, "MuSGD": muon.MuSGD, "TORCH_2_0": True,
            "unwrap_model": lambda m: m, "colorstr": lambda *a: a[-1],
            "LOGGER": types.SimpleNamespace(info=lambda *a, **k: None,
                                            warning=lambda *a, **k: None)}
        cycle = _functions(utils, ("one_cycle",))["one_cycle"]
        exec(_compile([cycle], utils), self.globals)
        methods = _functions(trainer, ("_setup_scheduler", "_get_warmup_iterations",
                                       "build_optimizer", "_build_train_pipeline",
                                       "_do_train"), cls="BaseTrainer")
        namespace: dict[str, Any] = {}
        for name in ("_setup_scheduler", "_get_warmup_iterations", "build_optimizer"):
            exec(_compile([methods[name]], trainer), self.globals, namespace)
        self.setup_scheduler = namespace["_setup_scheduler"]
        self.get_warmup_iterations = namespace["_get_warmup_iterations"]
        self.build_optimizer = namespace["build_optimizer"]
        self.globals.update(namespace)
        # _build_train_pipeline: the accumulate and its cap
        accumulate = []
        for node in methods["_build_train_pipeline"].body:
            text = ast.unparse(node)
            if text.startswith("self.accumulate =") or (
                    isinstance(node, ast.If) and "self.accumulate = min(" in text):
                accumulate.append(node)
        if len(accumulate) != 2:
            raise ImportError(f"{trainer}: _build_train_pipeline's accumulate lines not found")
        self.accumulate = _compile(accumulate, trainer)
        # _do_train: the warm-up block and the optimizer step's test
        warmup = step = None
        for node in ast.walk(methods["_do_train"]):
            if isinstance(node, ast.If):
                test = ast.unparse(node.test)
                if test == "nw and ni <= nw":
                    warmup = node
                elif test == "ni - last_opt_step >= self.accumulate":
                    step = node.test
        if warmup is None or step is None:
            raise ImportError(f"{trainer}: _do_train's warm-up or optimizer step not found")
        self.warmup = _compile([warmup], trainer)
        self.step_test = _compile([step], trainer, "eval")


_SOURCE: _Source | None = None


def ultralytics_source() -> _Source:
    global _SOURCE
    if _SOURCE is None:
        _SOURCE = _Source()
    return _SOURCE


def tiny_model() -> Any:
    """A model with every kind of parameter build_optimizer sorts: conv weights (2D/4D), conv
    biases, BatchNorm weights and biases, and a head ``model[-1].cv3`` (MuSGD's boosted lr)."""
    from torch import nn

    class Head(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.cv3 = nn.Sequential(nn.Conv2d(4, 4, 1), nn.BatchNorm2d(4))
            self.cv2 = nn.Conv2d(4, 4, 1)

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), Head())

    return Model()


def yolo_run(nb: int, optimizer_steps: int | None = None, dataset: int | None = None,
             nc: int = 80, **args: Any) -> dict[str, Any]:
    """Ultralytics' loop over ``epochs`` epochs of ``nb`` iterations (or on past them until
    ``optimizer_steps`` optimizer steps, the loop's arithmetic unchanged):
    ``{"lr": [per group: lr at each optimizer step], "momentum": [...], "names": group
    names, "iterations": ni of each optimizer step}``. ``dataset`` (images) only matters for
    ``optimizer: auto`` (``iterations = ceil(dataset / max(batch, nbs)) * epochs``)."""
    src = ultralytics_source()
    a = {**YOLO_DEFAULTS, **args}
    self = types.SimpleNamespace(args=types.SimpleNamespace(**a), epochs=a["epochs"],
                                 batch_size=a["batch"], start_epoch=0,
                                 data={"nc": nc})
    loader = _Loader(nb, dataset if dataset is not None else nb * a["batch"])
    self.train_loader = loader
    exec(src.accumulate, src.globals, {"self": self})
    self._get_warmup_iterations = types.MethodType(src.get_warmup_iterations, self)
    iterations = math.ceil(len(loader.dataset) / max(self.batch_size, a["nbs"])) * self.epochs
    weight_decay = a["weight_decay"] * self.batch_size * self.accumulate / a["nbs"]
    self.optimizer = src.build_optimizer(self, tiny_model(), name=a["optimizer"], lr=a["lr0"],
                                         momentum=a["momentum"], decay=weight_decay,
                                         iterations=iterations)
    src.setup_scheduler(self)
    self.scheduler.last_epoch = self.start_epoch - 1  # _setup_train: "do not move"
    groups = self.optimizer.param_groups
    nw = self._get_warmup_iterations(nb)
    last_opt_step = -1
    acc0 = self.accumulate
    lrs: list[list[float]] = [[] for _ in groups]
    momenta: list[list[float]] = [[] for _ in groups]
    steps: list[int] = []
    import warnings

    epoch = 0
    while (epoch < self.epochs) if optimizer_steps is None else len(steps) < optimizer_steps:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.scheduler.step()
        for i in range(nb):
            ni = i + nb * epoch
            scope = {"self": self, "ni": ni, "nw": nw, "epoch": epoch, "acc0": acc0,
                     "last_opt_step": last_opt_step}
            exec(src.warmup, src.globals, scope)
            if eval(src.step_test, src.globals, scope):
                for g, group in enumerate(groups):
                    lrs[g].append(group["lr"])
                    momenta[g].append(group.get("momentum", group.get("betas", (None,))[0]))
                steps.append(ni)
                last_opt_step = ni
        epoch += 1
    return {"lr": lrs, "momentum": momenta, "names": [g.get("param_group") for g in groups],
            "initial_lr": [g["initial_lr"] for g in groups], "iterations": steps,
            "optimizer": type(self.optimizer).__name__, "args": vars(self.args)}


class _Loader:
    """What the loop asks of its train loader: ``len()`` (nb) and ``len(.dataset)``."""

    def __init__(self, nb: int, images: int):
        self.nb, self.dataset = nb, range(images)

    def __len__(self) -> int:
        return self.nb


# -- YOLOv5: a port of train.py ------------------------------------------------------------------


def yolov5_one_cycle(y1: float = 0.0, y2: float = 1.0, steps: int = 100) -> Any:
    """``one_cycle`` as YOLOv5's train.py imports it (ultralytics/utils/torch_utils.py): the
    installed ultralytics' own function when there is one."""
    try:
        src = ultralytics_source()
    except ImportError:
        return lambda x: max((1 - math.cos(x * math.pi / steps)) / 2, 0) * (y2 - y1) + y1
    return src.globals["one_cycle"](y1, y2, steps)


def yolov5_smart_optimizer(model: Any, name: str = "Adam", lr: float = 0.001,
                           momentum: float = 0.9, decay: float = 1e-5) -> Any:
    # ported from ultralytics/yolov5 utils/torch_utils.py smart_optimizer @ 5081342f (logging cut)
    import torch
    from torch import nn

    g = [], [], []  # optimizer parameter groups
    bn = tuple(v for k, v in nn.__dict__.items() if "Norm" in k)  # normalization layers
    for v in model.modules():
        for p_name, p in v.named_parameters(recurse=0):
            if p_name == "bias":  # bias (no decay)
                g[2].append(p)
            elif p_name == "weight" and isinstance(v, bn):  # weight (no decay)
                g[1].append(p)
            else:
                g[0].append(p)  # weight (with decay)

    if name == "Adam":
        optimizer = torch.optim.Adam(g[2], lr=lr, betas=(momentum, 0.999))
    elif name == "AdamW":
        optimizer = torch.optim.AdamW(g[2], lr=lr, betas=(momentum, 0.999), weight_decay=0.0)
    elif name == "RMSProp":
        optimizer = torch.optim.RMSprop(g[2], lr=lr, momentum=momentum)
    elif name == "SGD":
        optimizer = torch.optim.SGD(g[2], lr=lr, momentum=momentum, nesterov=True)
    else:
        raise NotImplementedError(f"Optimizer {name} not implemented.")

    optimizer.add_param_group({"params": g[0], "weight_decay": decay})  # add g0 with weight_decay
    optimizer.add_param_group({"params": g[1], "weight_decay": 0.0})  # add g1 (BatchNorm2d weights)
    return optimizer


def yolov5_run(nb: int, optimizer_steps: int | None = None, **args: Any) -> dict[str, Any]:
    """YOLOv5 train.py's loop (ported, see the module's docstring) over ``epochs`` epochs (or
    on past them until ``optimizer_steps`` optimizer steps), recording each group's lr and
    momentum at every optimizer step."""
    import warnings

    from torch.optim import lr_scheduler

    a = {**YOLOV5_DEFAULTS, **args}
    hyp = {k: a[k] for k in ("lr0", "lrf", "momentum", "weight_decay", "warmup_epochs",
                             "warmup_momentum", "warmup_bias_lr")}
    epochs, batch_size = a["epochs"], a["batch"]
    # train.py lines 233-248
    nbs = 64  # nominal batch size
    accumulate = max(round(nbs / batch_size), 1)  # accumulate loss before optimizing
    hyp["weight_decay"] *= batch_size * accumulate / nbs  # scale weight_decay
    optimizer = yolov5_smart_optimizer(tiny_model(), a["optimizer"], hyp["lr0"],
                                       hyp["momentum"], hyp["weight_decay"])
    if a["cos_lr"]:
        lf = yolov5_one_cycle(1, hyp["lrf"], epochs)  # cosine 1->hyp['lrf']
    else:

        def lf(x):
            return (1 - x / epochs) * (1.0 - hyp["lrf"]) + hyp["lrf"]  # linear

    scheduler = lr_scheduler.LambdaLR(optimizer, lr_lambda=lf)
    start_epoch = 0
    # lines 337-343
    nw = max(round(hyp["warmup_epochs"] * nb), 100)  # number of warmup iterations
    last_opt_step = -1
    scheduler.last_epoch = start_epoch - 1  # do not move
    groups = optimizer.param_groups
    lrs: list[list[float]] = [[] for _ in groups]
    momenta: list[list[float]] = [[] for _ in groups]
    steps: list[int] = []
    epoch = start_epoch
    while (epoch < epochs) if optimizer_steps is None else len(steps) < optimizer_steps:
        for i in range(nb):  # lines 376-421
            ni = i + nb * epoch  # number integrated batches (since train start)
            if ni <= nw:
                xi = [0, nw]  # x interp
                accumulate = max(1, np.interp(ni, xi, [1, nbs / batch_size]).round())
                for j, x in enumerate(optimizer.param_groups):
                    # bias lr falls from 0.1 to lr0, all other lrs rise from 0.0 to lr0
                    x["lr"] = np.interp(ni, xi, [hyp["warmup_bias_lr"] if j == 0 else 0.0,
                                                 x["initial_lr"] * lf(epoch)])
                    if "momentum" in x:
                        x["momentum"] = np.interp(ni, xi, [hyp["warmup_momentum"],
                                                           hyp["momentum"]])
            if ni - last_opt_step >= accumulate:
                for g, group in enumerate(groups):
                    lrs[g].append(float(group["lr"]))
                    momenta[g].append(float(group.get("momentum", group.get("betas",
                                                                            (None,))[0])))
                steps.append(ni)
                last_opt_step = ni
        with warnings.catch_warnings():  # line 438
            warnings.simplefilter("ignore")
            scheduler.step()
        epoch += 1
    return {"lr": lrs, "momentum": momenta, "iterations": steps,
            "initial_lr": [g["initial_lr"] for g in groups]}


# -- lrplot's convention: one param group, its first ``steps`` optimizer steps -------------------

LOOP_ARGS = ("epochs", "batch", "nbs", "lrf", "cos_lr", "warmup_epochs", "warmup_bias_lr",
             "warmup_momentum", "momentum", "optimizer")
"""The kinds' parameters that are the trainers' own arguments (the rest pick the group)."""


def ultralytics_series(kind: str, steps: int, base_lr: float,
                       params: dict[str, Any]) -> dict[str, np.ndarray]:
    """``{"lr": ..., "momentum": ...}`` of the group ``params`` names at optimizer steps
    0..steps-1, ``base_lr`` being lr0 (that group's initial_lr)."""
    args = {k: v for k, v in params.items() if k in LOOP_ARGS}
    if kind == "ultralytics.yolov5":
        run = yolov5_run(params["nb"], optimizer_steps=steps, lr0=base_lr, **args)
        g = params.get("group", 1)
    else:
        run = yolo_run(params["nb"], optimizer_steps=steps, lr0=base_lr, **args)
        name = params.get("param_group", "weight")
        g = max(i for i, n in enumerate(run["names"])
                if n == name and run["initial_lr"][i] == base_lr)
    return {"lr": np.array(run["lr"][g][:steps], dtype=np.float64),
            "momentum": np.array(run["momentum"][g][:steps], dtype=np.float64)}


def ultralytics_lrs(kind: str, steps: int, base_lr: float, params: dict[str, Any]) -> np.ndarray:
    return ultralytics_series(kind, steps, base_lr, params)["lr"]
