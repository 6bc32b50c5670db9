"""Development / embedded entry point: one gevent process, SQLite in instance/.

python run.py            (HOST and PORT override 127.0.0.1:5000)
"""

from gevent import monkey

monkey.patch_all()  # first, before anything imports socket, ssl or threading

import contextlib  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from facilitator import create_app, db_migrate  # noqa: E402
from facilitator.seed import demo_atelier, seed_demo  # noqa: E402


def main() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"), format="%(levelname)s %(name)s: %(message)s"
    )
    if os.environ.get("ACCESS_LOG") != "1":
        # RGPD: no IP address in the logs (gevent-websocket logs each request with it)
        logging.getLogger("geventwebsocket.handler").setLevel(logging.WARNING)
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    app = create_app()
    with app.app_context(), quiet_setup():
        db_migrate.upgrade()
        info = seed_demo() if os.environ.get("SEED_DEMO", "1") == "1" else None
        atelier = demo_atelier() if info else None
        base = app.config.get("PUBLIC_URL") or f"http://{host}:{port}"
        lines = [f"facilitator est prêt : {base}  (Ctrl+C pour arrêter)"]
        if atelier is not None:
            lines += [
                "",
                f"Atelier de démonstration « {atelier.title} »",
                f"  participants : {base}/rejoindre/{atelier.link_token}",
                f"  ou code {atelier.join_code} sur {base}/",
            ]
        if info:
            lines += [
                "",
                f"Animateur : {base}/connexion",
                f"  identifiant : {info['email']}",
                f"  mot de passe : {info['password']}",
            ]
    print(framed(lines), flush=True)
    tune_gc()  # first: the model makes many objects (collections would rescan the app)
    if os.environ.get("PRIVACY_MODEL_WARMUP", "1") == "1":
        # the personal-data model takes seconds of CPU to load (docs/security.md): before
        # listening. Loaded in a greenlet after, it held the whole process for those seconds
        # while clients were already connecting (after a restart: every client of the room),
        # and the memory measured per client counted it (docs/performance.md, issue 19)
        from facilitator.privacy import ner  # noqa: PLC0415

        ner.model()
        import gc  # noqa: PLC0415

        gc.freeze()  # the model's objects too: out of the collector's reach
    serve(app, host, port, access_log=os.environ.get("ACCESS_LOG") == "1")


@contextlib.contextmanager
def quiet_setup() -> Iterator[None]:
    """Migrating and seeding the demo cycle log a few hundred INFO lines (every atelier,
    card, vote of the demo): at start, say only what went wrong, and what the setup was."""
    loggers = [logging.getLogger(name) for name in ("facilitator", "alembic")]
    levels = [logger.level for logger in loggers]
    if os.environ.get("LOG_LEVEL", "INFO").upper() != "DEBUG":
        for logger in loggers:
            logger.setLevel(max(logging.WARNING, logger.getEffectiveLevel()))
    print("Préparation de la base (au premier lancement : le cycle de démonstration)…", flush=True)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def framed(lines: list[str]) -> str:
    """The lines in a box: what to open, and the credentials last, found at a glance."""
    width = max(len(line) for line in lines) + 2
    rule = "+" + "-" * width + "+"
    body = [f"| {line.ljust(width - 2)} |" for line in lines]
    return "\n".join(["", rule, *body, rule, ""])


def tune_gc() -> None:
    """Once started: move every object alive now (modules, app, metadata) out of the cyclic
    collector's reach, and make full collections rarer (young ones stay small and frequent).
    With a room of 300 connected, a full collection over everything took ~100 ms, during
    which no message leaves the process (docs/performance.md)."""
    import gc  # noqa: PLC0415

    gc.collect()
    gc.freeze()
    gc.set_threshold(700, 10, 100)


def serve(app: object, host: str, port: int, access_log: bool = False) -> None:
    """What ``socketio.run`` does under gevent, with a listening socket of our own:
    TCP_NODELAY (inherited by every accepted connection: without it, Nagle's algorithm and
    delayed ACKs hold small WebSocket frames back for up to 40 ms) and a backlog that
    absorbs a whole room (re)connecting at once."""
    import socket  # noqa: PLC0415 (patched by gevent)

    from gevent import pywsgi  # noqa: PLC0415
    from geventwebsocket.handler import WebSocketHandler  # noqa: PLC0415

    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(info[0], socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind(info[4])
    listener.listen(2048)
    server = pywsgi.WSGIServer(
        listener, app, handler_class=WebSocketHandler, log="default" if access_log else None
    )
    stop_on_sigterm(server)
    server.serve_forever()


def stop_on_sigterm(server: object) -> None:
    """SIGTERM (systemd's stop, a restart): stop accepting, tell every connected client
    that the server restarts so that they come back as soon as it is up (jittered,
    docs/protocol.md ``restart``) rather than after their growing backoff, then exit.
    Every acknowledged change was committed before its ack: nothing is lost by exiting."""
    import signal  # noqa: PLC0415

    import gevent  # noqa: PLC0415

    from facilitator.realtime.wire import wire  # noqa: PLC0415

    def stop() -> None:
        server.close()  # type: ignore[attr-defined]  # a gevent WSGIServer
        told = wire.announce_restart()
        logging.getLogger("facilitator").warning(
            "Arrêt demandé : %s connexion(s) prévenue(s) du redémarrage.", told
        )
        gevent.sleep(0.2)  # the frames leave (direct writes are already in the kernel)
        os._exit(0)

    def on_sigterm(signum: int, frame: object) -> None:
        # a plain handler runs even while a greenlet holds the loop (the spaCy model
        # loading, seconds): stop as soon as the loop turns, and within 3 s whatever happens
        # (SIGALRM's default action ends the process, as SIGTERM's did)
        signal.setitimer(signal.ITIMER_REAL, 3.0)
        gevent.get_hub().loop.run_callback_threadsafe(gevent.spawn, stop)

    signal.signal(signal.SIGTERM, on_sigterm)


if __name__ == "__main__":
    main()
