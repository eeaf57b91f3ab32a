"""``lrplot code`` for Keras kinds: the ``keras.optimizers.schedules`` class, called at each
iteration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrplot.codegen import _arguments, _Script, epoch_lines, literal, scheduler_count

if TYPE_CHECKING:
    from lrplot.spec import Curve


def write_script(curve: Curve, script: _Script) -> None:
    kind = curve.kind
    script.need("import keras")
    args = _arguments(kind, curve.params, script)
    initial = kind.param("initial_learning_rate")
    if initial is not None and curve.params.get("initial_learning_rate") is None:
        args.insert(0, f"initial_learning_rate={literal(curve.base_lr)}")
    script.lines += [
        f"schedule = keras.optimizers.schedules.{kind.framework_class}({', '.join(args)})",
        "optimizer = keras.optimizers.SGD(learning_rate=schedule)",
        "", *epoch_lines(curve),
        "# the lr of each optimizer iteration",
        f"lrs = [float(keras.ops.convert_to_numpy(schedule({scheduler_count(curve)}))) "
        f"for step in range({curve.steps})]",
    ]
