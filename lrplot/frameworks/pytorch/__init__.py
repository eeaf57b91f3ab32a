"""PyTorch's ``torch.optim.lr_scheduler``: the kinds without a prefix (``cosine``, also
``torch.cosine`` and ``torch.optim.lr_scheduler.CosineAnnealingLR``)."""

from lrplot.schedules import Framework, register_framework

FRAMEWORK = register_framework(Framework(
    name="torch",
    title="PyTorch, torch.optim.lr_scheduler (also as torch.NAME)",
    namespace="",
    prefixes=("torch", "pytorch"),
    modules=("optim.lr_scheduler",),
    order=0,
    code="lrplot.frameworks.pytorch.code:write_script",
    lint="lrplot.frameworks.pytorch.lint",
))

from lrplot.frameworks.pytorch import kinds  # noqa: E402,F401  (registers the kinds)
