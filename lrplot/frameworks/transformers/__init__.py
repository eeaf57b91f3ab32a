"""Hugging Face transformers' ``get_scheduler`` schedules, as ``hf.NAME`` (or
``transformers.NAME``)."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="transformers",
    title="Hugging Face transformers, get_scheduler (hf.NAME or transformers.NAME)",
    namespace="hf",
    prefixes=("hf", "transformers"),
    modules=("", "optimization"),
    order=1,
    code="lrplot.frameworks.transformers.code:write_script",
    lint="lrplot.frameworks.transformers.lint",
))

from lrplot.frameworks.transformers import kinds  # noqa: E402,F401  (registers the kinds)
