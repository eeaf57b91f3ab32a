"""nanoGPT's ``get_lr`` (its train.py), as ``nanogpt.NAME``. Its ``config/*.py`` files and
``train.py`` command lines are read by lrplot.readers.nanogpt."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="nanogpt",
    title="nanoGPT, train.py's get_lr (nanogpt.NAME)",
    namespace="nanogpt",
    prefixes=("nanogpt",),
    modules=("train",),
    code="lrplot.frameworks.nanogpt.code:write_script",
    lint="lrplot.frameworks.nanogpt.lint",
    order=6,
))

from lrplot.frameworks.nanogpt import kinds  # noqa: E402,F401  (registers the kinds)
