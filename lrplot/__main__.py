"""``python -m lrplot``, and the ``lrplot`` command (:func:`run`)."""

from lrplot import _collector


def run() -> None:
    with _collector.paused():  # click, yaml and lrplot's commands: nothing to collect yet
        from lrplot.cli import main
    main(prog_name="lrplot")


if __name__ == "__main__":
    run()
