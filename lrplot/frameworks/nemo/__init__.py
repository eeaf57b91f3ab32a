"""NeMo's own schedulers, ``nemo/core/optim/lr_scheduler.py``, as ``nemo.NAME``."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="nemo",
    title="NVIDIA NeMo, nemo.core.optim.lr_scheduler (nemo.NAME)",
    namespace="nemo",
    prefixes=("nemo",),
    modules=("core.optim.lr_scheduler",),
    order=6,
    code="lrplot.frameworks.nemo.code:write_script",
    lint="lrplot.frameworks.nemo.lint",
))

from lrplot.frameworks.nemo import kinds  # noqa: E402,F401  (registers the kinds)
