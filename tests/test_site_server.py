"""site_server.py, the server of `tasks.py serve` and of the tests: the built site as the CDN
answers it, a missing page with the site's 404.html and status 404."""

import threading
import urllib.error
import urllib.request

import pytest

from site_server import SiteHandler, make_server


class Quiet(SiteHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve(tmp_path):
    """serve({"name": text}) serves those files on a free port and returns its address."""
    servers = []

    def start(files):
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        server = make_server(tmp_path, handler=Quiet)
        # Polled often, so that shutdown() returns at once rather than after the default half second.
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def fetch(url, method="GET"):
    """(status, body) of a request, whatever its status."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_page_is_served_and_a_missing_one_gets_the_sites_404_page(serve):
    address = serve({"index.html": "<h1>Home</h1>", "404.html": "<h1>Not here</h1>"})
    assert fetch(address + "/") == (200, b"<h1>Home</h1>")
    assert fetch(address + "/no-such-page/") == (404, b"<h1>Not here</h1>")
    assert fetch(address + "/no-such-page/", method="HEAD") == (404, b"")


def test_without_a_404_page_the_standard_error_page_is_served(serve):
    address = serve({"index.html": "<h1>Home</h1>"})
    status, body = fetch(address + "/no-such-page/")
    assert status == 404 and b"Error response" in body
