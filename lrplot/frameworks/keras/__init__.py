"""Keras 3's ``keras.optimizers.schedules``, in float32, as ``keras.NAME``."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="keras",
    title="Keras 3, keras.optimizers.schedules, float32 (keras.NAME)",
    namespace="keras",
    prefixes=("keras",),
    modules=("optimizers.schedules",),
    order=2,
    code="lrplot.frameworks.keras.code:write_script",
    lint="lrplot.frameworks.keras.lint",
))

from lrplot.frameworks.keras import kinds  # noqa: E402,F401  (registers the kinds)
