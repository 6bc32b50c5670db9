"""gunicorn settings for one facilitator process (docs/deploy.md).

    gunicorn -c deploy/gunicorn.conf.py --no-control-socket 'facilitator:create_app()'

One worker per process: a process's Socket.IO state (rooms, presence, rate limits) lives in
that process; several processes share PostgreSQL (DATABASE_URL) and the Redis message queue
(REDIS_URL) and sit behind nginx (deploy/nginx.conf). Run the migrations once before
starting them: ``flask --app facilitator db upgrade``.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8001")
# gevent + gevent-websocket: the handler that gives Engine.IO a real WebSocket (no
# permessage-deflate is ever negotiated) and lets facilitator/realtime/wire.py write
# pre-framed messages. Not gunicorn's plain "gevent" worker: with gevent-websocket
# installed, Engine.IO then answers every WebSocket upgrade with HTTP 500; without it,
# simple-websocket would accept the compression every browser offers (3× slower, +110 KB
# per client: docs/performance.md).
worker_class = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
workers = 1
# the gevent worker accepts at most this many connections at once and leaves the others
# waiting in the listen backlog, without a word: a plenary above it never joined (160 × 25
# clients on two processes: 160 connections timed out, joins of minutes). Far above
# MAX_CONNECTIONS, which refuses with a French message and a retry delay instead
# (docs/deploy.md « Capacité »).
_max = int(os.environ.get("MAX_CONNECTIONS", "0") or 0)
worker_connections = int(os.environ.get("WORKER_CONNECTIONS") or max(10000, 2 * _max))
backlog = 2048  # a whole plenary reconnecting at once after a restart
timeout = 30
graceful_timeout = 10
keepalive = 5
control_socket_disable = True  # same as --no-control-socket (gunicorn ≥ 25.1)
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's TCP listener sets TCP_NODELAY; accepted sockets inherit it (no Nagle delay on
# small WebSocket frames).


def post_worker_init(worker):  # noqa: ANN001, ANN201 (gunicorn hook)
    """As run.py's tune_gc: objects alive after start-up out of the collector's reach, full
    collections rarer (one over a room of 300 took ~100 ms: docs/performance.md); SIGTERM
    handled as run.py does (a rolling restart, docs/deploy.md). The personal-data model is
    not loaded here: on a busy machine that took longer than gunicorn's ``timeout`` (30 s),
    whose arbiter then kills the worker before its first heartbeat, again and again."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(700, 10, 100)
    announce_restart_on_sigterm(worker)


def announce_restart_on_sigterm(worker):  # noqa: ANN001, ANN201
    """gunicorn's gevent worker, on SIGTERM, stops accepting within a second, then waits
    ``graceful_timeout`` for its connections to end: WebSockets never do, so its clients were
    cut after 10 s and came back on their growing backoff. Here, once the listener is closed,
    every client is told ``restart {retry_ms}`` (docs/protocol.md) and the worker exits:
    the clients reconnect within ~0.25 s, through nginx to the other processes while this
    one is down. Every acknowledged change was committed before its ack: nothing is lost."""
    import logging
    import signal

    import gevent

    from facilitator.realtime.wire import wire

    def stop():  # noqa: ANN202
        gevent.sleep(1.1)  # the worker's loop closes its listener within 1 s of alive=False
        told = wire.announce_restart()
        logging.getLogger("facilitator").warning(
            "Arrêt demandé : %s connexion(s) prévenue(s) du redémarrage.", told
        )
        gevent.sleep(0.2)  # the frames leave (direct writes are already in the kernel)
        os._exit(0)

    def on_sigterm(signum, frame):  # noqa: ANN001, ANN202, ARG001
        worker.alive = False
        signal.setitimer(signal.ITIMER_REAL, 5.0)  # SIGALRM ends it, whatever holds the loop
        gevent.get_hub().loop.run_callback_threadsafe(gevent.spawn, stop)

    signal.signal(signal.SIGTERM, on_sigterm)
