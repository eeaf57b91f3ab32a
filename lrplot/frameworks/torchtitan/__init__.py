"""torchtitan's warmup-stable-decay schedule (a LambdaLR built by its lr_scheduler component), as
``torchtitan.NAME``. Its TOML job configs are read by lrplot.readers.torchtitan."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="torchtitan",
    title="torchtitan, its warmup-stable-decay LambdaLR (torchtitan.NAME)",
    namespace="torchtitan",
    prefixes=("torchtitan",),
    modules=("components.optimizer.lr_scheduler", "components.lr_scheduler"),
    code="lrplot.frameworks.torchtitan.code:write_script",
    lint="lrplot.frameworks.torchtitan.lint",
    order=5,
))

from lrplot.frameworks.torchtitan import kinds  # noqa: E402,F401  (registers the kinds)
