"""A small static server for the built site, mounted under its base path as on GitHub Pages."""

from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path


class Handler(http.server.SimpleHTTPRequestHandler):
    base_path = "/"

    quiet = False

    def translate_path(self, path: str) -> str:
        if path.startswith(self.base_path):
            return super().translate_path("/" + path[len(self.base_path):])
        return super().translate_path("/.outside-base-path")  # no such file: answered with the 404 page

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard library's signature
        if not self.quiet:
            super().log_message(format, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)


def make_server(site: Path, base_path: str, port: int, host: str = "127.0.0.1",
                quiet: bool = False) -> http.server.ThreadingHTTPServer:
    handler = type("SiteHandler", (Handler,), {"base_path": base_path, "quiet": quiet})
    return http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site)))


def serve(site: Path, base_path: str, port: int) -> int:
    if not (site / "index.html").is_file():
        print(f"error: no built site in {site}; run `python build.py` first", file=sys.stderr)
        return 1
    try:
        server = make_server(site, base_path, port)
    except OSError as exc:
        print(f"error: cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"serving {site} at http://127.0.0.1:{server.server_port}{base_path} (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
