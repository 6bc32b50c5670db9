"""nginx in front of the servers under test, configured FROM deploy/nginx.conf: the same
upstream block (``ip_hash``, its parameters, ``keepalive``), the same ``map``, the same
``/socket.io/``, ``/static/`` and ``/`` locations with their proxy headers and timeouts.
Only what must change on a test machine is replaced (``render_site``): the listen address
(127.0.0.1 on a free port, no TLS: the certificates and the port-80 redirect go), the
upstream ports, the static folder, and ``access_log off`` becomes a log of each request's
status and upstream (the test reads it). Each replacement must apply exactly once: a
change of deploy/nginx.conf that the templating no longer understands fails loudly
instead of testing another configuration.

Run as the current user, no root needed, nothing global touched:
``nginx -p PREFIX -c PREFIX/nginx.conf -e PREFIX/error.log -g 'daemon off; pid …;'`` with
its temporary folders in PREFIX. Used by tests/test_nginx_rolling.py and ``bench.run
rolling`` (bench/rolling.py)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from bench.servers import Unavailable, _wait_port, free_port

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_CONF = ROOT / "deploy" / "nginx.conf"
#: one line per request, read by ``Nginx.requests``
LOG_FORMAT = "$msec|$status|$request_method|$uri|$upstream_addr|$upstream_status|$request_time"


def _once(pattern: str, repl: str, text: str, flags: int = 0) -> str:
    new, n = re.subn(pattern, repl, text, flags=flags)
    if n != 1:
        raise ValueError(f"deploy/nginx.conf: expected one match of {pattern!r}, found {n}")
    return new


def render_site(text: str, port: int, upstreams: list[int], static: Path, log: Path) -> str:
    """deploy/nginx.conf as it runs here: listening on 127.0.0.1:``port`` without TLS,
    proxying to 127.0.0.1:``upstreams``; everything else as written."""
    # the upstream servers: one line per port, each with the parameters of the first one
    # (max_fails, fail_timeout…); the rest of the block (ip_hash, keepalive) as it is
    block = re.search(r"upstream facilitator \{.*?\n\}", text, flags=re.S)
    if block is None:
        raise ValueError("deploy/nginx.conf: no `upstream facilitator { … }` block")
    servers = re.findall(r"^([ \t]*)server\s+[\d.]+:\d+([^;]*);.*$", block.group(0), flags=re.M)
    if not servers:
        raise ValueError("deploy/nginx.conf: no server in the upstream block")
    indent, params = servers[0]
    lines = "".join(f"{indent}server 127.0.0.1:{p}{params};\n" for p in upstreams)
    first = True

    def replace(_: re.Match[str]) -> str:
        nonlocal first
        out, first = (lines if first else ""), False
        return out

    new_block = re.sub(r"^[ \t]*server\s+[\d.]+:\d+[^;]*;[^\n]*\n", replace, block.group(0),
                       flags=re.M)  # fmt: skip
    text = text.replace(block.group(0), new_block)
    # the port-80 redirect to HTTPS: no TLS here
    text = _once(r"server \{\s*listen 80;[^{}]*?return 301[^{}]*?\}\n*", "", text)
    text = _once(r"listen 443 ssl[^;]*;", f"listen 127.0.0.1:{port};", text)
    text = re.sub(r"^[ \t]*http2 on;.*\n", "", text, flags=re.M)
    text = re.sub(r"^[ \t]*ssl_certificate(_key)?\s[^;]*;.*\n", "", text, flags=re.M)
    text = _once(r"alias /srv/facilitator/static/;", f"alias {static}/;", text)
    return _once(r"access_log off;", f"access_log {log} facilitator_test;", text)


def render_main(prefix: Path, site: Path) -> str:
    """The http {} around the site, as Debian's /etc/nginx/nginx.conf includes conf.d/*.conf;
    every file nginx writes lives in ``prefix``."""
    temp = "".join(
        f"    {kind}_temp_path {prefix / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    mime = "/etc/nginx/mime.types"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the prefix
    return (
        f"{user}worker_processes auto;\nworker_rlimit_nofile 16384;\n"
        "events {\n    worker_connections 8192;\n}\n"
        "http {\n"
        + (f"    include {mime};\n" if Path(mime).exists() else "")
        + "    default_type application/octet-stream;\n    sendfile on;\n"
        + temp
        + f"    log_format facilitator_test '{LOG_FORMAT}';\n"
        + f"    include {site};\n}}\n"
    )


def nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise Unavailable("nginx not found (apt-get install nginx)")
    return found


class Nginx:
    """An nginx process in a temporary folder, on 127.0.0.1:``port``."""

    def __init__(self, upstreams: list[int], port: int | None = None) -> None:
        self.binary = nginx_binary()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.upstreams = upstreams
        self.dir = Path(tempfile.mkdtemp(prefix="facilitator-nginx-"))
        self.access_log = self.dir / "access.log"
        self.error_log = self.dir / "error.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 15) -> Nginx:
        site = self.dir / "facilitator.conf"
        site.write_text(
            render_site(
                DEPLOY_CONF.read_text(), self.port, self.upstreams, ROOT / "static", self.access_log
            )  # fmt: skip
        )
        conf = self.dir / "nginx.conf"
        conf.write_text(render_main(self.dir, site))
        args = [self.binary, "-p", str(self.dir), "-c", str(conf), "-e", str(self.error_log),
                "-g", f"daemon off; pid {self.dir / 'nginx.pid'};"]  # fmt: skip
        with open(self.dir / "stderr.log", "ab") as out:
            self.proc = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            _wait_port(self.port, self.proc, timeout, self.error_log)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{(self.dir / 'stderr.log').read_text()}") from exc
        return self

    def requests(self) -> list[dict[str, str]]:
        """The access log so far: one dict per request (keys from ``LOG_FORMAT``)."""
        keys = [k.lstrip("$") for k in LOG_FORMAT.split("|")]
        if not self.access_log.exists():
            return []
        return [dict(zip(keys, line.split("|"), strict=False))
                for line in self.access_log.read_text().splitlines()]  # fmt: skip

    def errors(self) -> str:
        return self.error_log.read_text(errors="replace") if self.error_log.exists() else ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # fast shutdown
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)
