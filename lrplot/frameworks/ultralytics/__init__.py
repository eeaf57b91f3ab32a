"""The Ultralytics (YOLO) and YOLOv5 training loops' lr, as ``ultralytics.NAME``. Their
``default.yaml`` / ``args.yaml`` and YOLOv5 ``hyp.*.yaml`` files are read by
lrplot.readers.ultralytics."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="ultralytics",
    title="Ultralytics / YOLOv5, the training loop's lr (ultralytics.NAME)",
    namespace="ultralytics",
    prefixes=("ultralytics", "yolo"),
    modules=("engine.trainer",),
    order=8,
    code="lrplot.frameworks.ultralytics.code:write_script",
    lint="lrplot.frameworks.ultralytics.lint",
))

from lrplot.frameworks.ultralytics import kinds  # noqa: E402,F401  (registers the kinds)
