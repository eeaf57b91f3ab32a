"""``lrplot serve CONFIG``: a live preview of a config while it is edited.

One long-lived process (so numpy, the kinds and the kernels are imported once) serves the
interactive page of :mod:`lrplot.html` on 127.0.0.1 only. A watcher thread polls the modification
time and size of the config and of every file it reads (a logged CSV, a metric file) a few times a
second; when one changes, the figure is rebuilt — or, when the config no longer validates, its
problems (``file:line:col: key: message``) and lint warnings are what the page shows, never the
last good figure as if it were current. The page asks for ``/version`` ten times a second and,
when it moved, for ``/state``, and redraws. Standard library only: ``http.server`` and ``os.stat``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # http.server costs 25 ms: imported when serving, not for 'lrplot --help'
    from http.server import BaseHTTPRequestHandler

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
POLL_SECONDS = 0.1
"""How often the watcher looks at the files (a few stat calls). The page asks for the version
as often (a few bytes) and for the whole state only when it moved."""


SETTLE_SECONDS = 0.02
"""After a change is seen, how long the files must stay unchanged before they are read."""


def _signature(paths: list[str]) -> tuple:
    out = []
    for path in paths:
        try:
            st = os.stat(path)
            out.append((path, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((path, None, None))
    return tuple(out)


class Preview:
    """The current state of one config: a figure, or the problems that stop it; a version that
    moves whenever the state is rebuilt."""

    def __init__(self, config: str):
        self.config = config
        self.version = 0
        self.state: dict[str, Any] = {}
        self.watched: list[str] = [config]
        self.signature: tuple = ()
        self.seconds = 0.0
        self.lock = threading.Lock()

    def build(self) -> dict[str, Any]:
        """Read, validate, lint and compute the config: the state the page shows."""
        from lrplot import html, lint, yamlio
        from lrplot import spec as specs
        from lrplot.compute import chunks, compute

        watched = [self.config]
        try:
            doc = yamlio.load(self.config)
            spec = specs.from_document(doc)
            watched += spec.input_files()
            warnings = [str(w) for w in lint.check(spec, doc, evaluate=chunks)]
            figure = html.figure_data(compute(spec), title=spec.title, log_y=spec.log_y)
            state = {"figure": figure, "warnings": list(spec.notes) + warnings}
        except specs.SpecError as exc:
            state = {"problems": [str(p) for p in exc.problems]}
        except yamlio.YamlError as exc:
            state = {"problems": [line for line in str(exc).splitlines() if line]}
        except OSError as exc:
            state = {"problems": [f"{self.config}: cannot read: {exc.strerror or exc}"]}
        except Exception as exc:  # a preview keeps running whatever the config holds
            state = {"problems": [f"{self.config}: {type(exc).__name__}: {exc}"]}
        self.watched = watched
        return state

    def refresh(self, force: bool = False) -> bool:
        """Rebuild when a watched file changed (or ``force``); whether it did."""
        signature = _signature(self.watched)
        if not force and signature == self.signature:
            return False
        for _ in range(10):  # an editor may still be writing: wait until the files hold still
            time.sleep(SETTLE_SECONDS)
            settled = _signature(self.watched)
            if settled == signature:
                break
            signature = settled
        start = time.perf_counter()
        state = self.build()
        seconds = time.perf_counter() - start
        with self.lock:
            self.version += 1
            self.state = state
            self.seconds = seconds
            # the files the new state read, as they were before reading them: a save during the
            # build is seen as a change at the next look
            read = {entry[0]: entry for entry in signature}
            self.signature = tuple(read.get(entry[0], entry)
                                   for entry in _signature(self.watched))
        return True

    def payload(self) -> bytes:
        with self.lock:
            body = {"version": self.version, "config": self.config,
                    "seconds": round(self.seconds, 4), **self.state}
        return json.dumps(body, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    from http.server import BaseHTTPRequestHandler
    from lrplot import html

    class Handler(BaseHTTPRequestHandler):
        server_version = "lrplot"
        sys_version = ""

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            port = self.server.server_address[1]
            if self.headers.get("Host") not in (f"{HOST}:{port}", f"localhost:{port}"):
                # another site's page reaching this port through a name of its own (DNS
                # rebinding) gets nothing
                self._send(403, "text/plain; charset=utf-8", b"forbidden\n")
            elif path == "/":  # the page, with the current state: live.js shows it, then polls
                body = html.page(json.loads(preview.payload()), live=True)
                self._send(200, "text/html; charset=utf-8", body)
            elif path == "/state":
                self._send(200, "application/json", preview.payload())
            elif path == "/version":
                with preview.lock:
                    version = preview.version
                self._send(200, "application/json", b'{"version":%d}' % version)
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found\n")

        def _send(self, code: int, kind: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: one line per poll
            pass

    return Handler


def _watch(preview: Preview, stop: threading.Event) -> None:
    while not stop.wait(POLL_SECONDS):
        if preview.refresh():
            with preview.lock:
                problems = preview.state.get("problems")
                seconds = preview.seconds
            click.echo(f"{preview.config}: " + (f"{len(problems)} problem(s)" if problems
                                                else f"redrawn in {seconds * 1000:.0f} ms"),
                       err=True)


def serve(config: str, port: int) -> None:
    """Serve the preview until interrupted (Ctrl-C): returns normally then."""
    from http.server import ThreadingHTTPServer

    preview = Preview(config)
    preview.refresh(force=True)
    try:
        server = ThreadingHTTPServer((HOST, port), _handler(preview))
    except OSError as exc:
        raise click.ClickException(f"--port {port}: cannot listen on {HOST}:{port}: "
                                   f"{exc.strerror or exc}; give another --port (0 picks a free "
                                   "one)") from None
    server.daemon_threads = True
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(preview, stop), daemon=True)
    watcher.start()
    url = f"http://{HOST}:{server.server_address[1]}/"
    click.echo(f"serving {config} at {url} (Ctrl-C stops)", err=True)
    click.echo(url)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        click.echo("stopped", err=True)


@click.command(
    "serve", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    help="Preview a config in the browser, redrawn whenever it (or a file it reads) is saved.\n\n"
         "Serves the interactive HTML figure on 127.0.0.1 only and prints its URL. Validation "
         "errors and lint warnings are shown in the page instead of a stale figure. Ctrl-C "
         "stops it.",
    epilog="Examples:\n\n  lrplot serve configs/article.yaml\n\n"
           "  lrplot serve configs/plateau.yaml --port 9000")
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
def command(config: str, port: int) -> None:
    if not os.path.isfile(config):
        raise click.BadParameter(f"{config!r}: no such file", param_hint="CONFIG")
    try:
        serve(config, port)
    except KeyboardInterrupt:  # Ctrl-C before the server was listening
        click.echo("stopped", err=True)
