"""Megatron-core's ``OptimizerParamScheduler``, as ``megatron.param_scheduler``."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="megatron",
    title="Megatron-core, megatron.core.optimizer_param_scheduler (megatron.NAME)",
    namespace="megatron",
    prefixes=("megatron",),
    modules=("core.optimizer_param_scheduler",),
    order=6,
    code="lrplot.frameworks.megatron.code:write_script",
    lint="lrplot.frameworks.megatron.lint",
))

from lrplot.frameworks.megatron import kinds  # noqa: E402,F401  (registers the kinds)
