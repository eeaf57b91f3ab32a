"""timm's ``timm.scheduler`` schedulers, as ``timm.NAME``."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="timm",
    title="timm, timm.scheduler (timm.NAME)",
    namespace="timm",
    prefixes=("timm",),
    modules=("scheduler",),
    order=3,
    code="lrplot.frameworks.timm.code:write_script",
))

from lrplot.frameworks.timm import kinds  # noqa: E402,F401  (registers the kinds)
