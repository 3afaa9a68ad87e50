"""The built site over HTTP, answered as the CDN answers it: a missing page gets the site's own
404.html with status 404.

`python3 tasks.py serve` previews the site with it, and the tests serve the site they built with
it (tests/browser/conftest.py, tests/test_search.py). The standard library only: tasks.py imports
it once the bootstrap has made .venv/, and nothing here needs Pelican or the plugin.
"""

from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site; a missing page gets the site's 404.html with status 404, as on the CDN."""

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def make_server(directory, host="127.0.0.1", port=0, handler=SiteHandler, **handler_options):
    """A threaded HTTP server of the built site in `directory` on host:port (port 0: a free one,
    which `server.server_address[1]` tells); `handler` is SiteHandler or a subclass of it, and
    `handler_options` go to it. Nothing is served until `serve_forever()`."""
    return ThreadingHTTPServer((host, int(port)), partial(handler, directory=str(directory), **handler_options))
