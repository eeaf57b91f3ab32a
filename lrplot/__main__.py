"""``python -m lrplot``, and the ``lrplot`` command (:func:`run`)."""

from lrplot import gc_pause


def run() -> None:
    with gc_pause.paused():  # click, yaml and lrplot's commands: nothing to collect yet
        from lrplot.cli import main
    main(prog_name="lrplot")


if __name__ == "__main__":
    run()
