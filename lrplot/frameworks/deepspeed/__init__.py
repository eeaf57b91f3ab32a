"""DeepSpeed's ``deepspeed.runtime.lr_schedules`` schedulers, as ``deepspeed.NAME``."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="deepspeed",
    title="DeepSpeed, deepspeed.runtime.lr_schedules (deepspeed.NAME or ds.NAME)",
    namespace="deepspeed",
    prefixes=("deepspeed", "ds"),
    modules=("runtime.lr_schedules",),
    order=5,
    code="lrplot.frameworks.deepspeed.code:write_script",
    lint="lrplot.frameworks.deepspeed.lint",
))

from lrplot.frameworks.deepspeed import kinds  # noqa: E402,F401  (registers the kinds)
