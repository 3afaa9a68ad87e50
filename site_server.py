"""The built site over HTTP, answered as the CDN answers it: a missing page gets the site's own
404.html with status 404.

`python3 tasks.py serve` previews the site with it, and the tests serve the site they built with
it (tests/browser/conftest.py, tests/test_search.py). The standard library only: tasks.py imports
it once the bootstrap has made .venv/, and nothing here needs Pelican or the plugin.
"""

import errno
import socket
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site; a missing page gets the site's 404.html with status 404, as on the CDN."""

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            return super().send_error(code, message, explain)
        body = self.page_body(not_found)
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def page_body(self, path):
        """The bytes of a page the server sends itself (404.html), as they are in the file; the
        preview's server (preview_server.py) adds its reloader here."""
        return path.read_bytes()


def make_server(directory, host="127.0.0.1", port=0, handler=SiteHandler, **handler_options):
    """A threaded HTTP server of the built site in `directory` on host:port (port 0: a free one,
    which `server.server_address[1]` tells); `handler` is SiteHandler or a subclass of it, and
    `handler_options` go to it. Nothing is served until `serve_forever()`."""
    return ThreadingHTTPServer((host, int(port)), partial(handler, directory=str(directory), **handler_options))


def free_port(host="127.0.0.1", after=8000, tries=100):
    """The first port after `after` that a server could listen on now, or None."""
    for port in range(int(after) + 1, min(int(after) + 1 + tries, 65536)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    return None


def port_problem(task, port, error, free):
    """One line for an editor whose preview cannot listen on `port` (`error`, an OSError), with
    the command to use a free one instead."""
    reason = (
        "is in use (by another preview, or another program)"
        if error.errno == errno.EADDRINUSE
        else (f"cannot be used ({error.strerror or error})")
    )
    advice = f"use another: python3 tasks.py {task} --port {free}" if free else "use another with --port"
    return f"Port {port} {reason}; {advice}"
