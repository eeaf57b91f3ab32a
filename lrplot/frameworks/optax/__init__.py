"""Optax's ``optax.schedules``, in float32 as jax computes them, as ``optax.NAME``."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="optax",
    title="Optax, optax.schedules, float32 as jax computes (optax.NAME)",
    namespace="optax",
    prefixes=("optax",),
    modules=("", "schedules"),
    order=4,
))

from lrplot.frameworks.optax import kinds  # noqa: E402,F401  (registers the kinds)
