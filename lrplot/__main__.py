"""``python -m lrplot``, and the ``lrplot`` command (:func:`run`)."""

from lrplot import gc_pause


def run() -> None:
    with gc_pause.paused():  # click, yaml and lrplot's commands: nothing to collect yet
        from lrplot.cli import main
    try:
        main(prog_name="lrplot")
    finally:
        _flush_stdout()


def _flush_stdout() -> None:
    """Flush standard output while an error can still be reported: a full disk (``> /dev/full``)
    exits 1 with a message instead of Python's 'Exception ignored' at shutdown."""
    import os
    import sys

    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except OSError as exc:
        try:  # what is still buffered can never be written: drop it
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        if exc.errno != 32:  # EPIPE: the reader left (lrplot list | head), not a failure
            sys.stderr.write(f"Error: cannot write standard output: {exc.strerror or exc}\n")
            sys.exit(1)


if __name__ == "__main__":
    run()
