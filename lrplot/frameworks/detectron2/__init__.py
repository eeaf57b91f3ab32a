"""detectron2's lr schedules and the fvcore param schedulers they are built from, as
``detectron2.NAME`` (also ``d2.NAME`` and ``fvcore.NAME``). Its yacs YAML and LazyConfig files are
read by lrplot.readers.detectron2."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="detectron2",
    title="detectron2 / fvcore: LRMultiplier over fvcore param schedulers, the yacs solver "
          "(detectron2.NAME, d2.NAME or fvcore.NAME)",
    namespace="detectron2",
    prefixes=("detectron2", "d2", "fvcore"),
    # detectron2.solver.lr_scheduler.LRMultiplier, fvcore.common.param_scheduler.X
    modules=("solver.lr_scheduler", "solver.build", "solver", "common.param_scheduler"),
    order=7,
    code="lrplot.frameworks.detectron2.code:write_script",
    lint="lrplot.frameworks.detectron2.lint",
))

from lrplot.frameworks.detectron2 import kinds  # noqa: E402,F401  (registers the kinds)
