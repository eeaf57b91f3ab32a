"""mmengine's parameter schedulers (``mmengine.optim.scheduler``) and mmdetection's
QuadraticWarmupLR, as ``mmengine.NAME``; a whole ``param_scheduler`` list as
``mmengine.param_scheduler``. Python configs (mmdetection, mmpretrain, mmseg) are read by
lrplot.readers.mmengine."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="mmengine",
    title="mmengine, mmengine.optim.scheduler (mmengine.NAME, mmdet.QuadraticWarmupLR)",
    namespace="mmengine",
    prefixes=("mmengine", "mmdet"),
    modules=("optim.scheduler", "optim.scheduler.lr_scheduler",
             "optim.scheduler.momentum_scheduler", "engine.schedulers"),
    order=7,
    code="lrplot.frameworks.mmengine.code:write_script",
    lint="lrplot.frameworks.mmengine.lint",
))

from lrplot.frameworks.mmengine import kinds  # noqa: E402,F401  (registers the kinds)
