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
worker_connections = 2000  # open WebSockets per process
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
    collections rarer (one over a room of 300 took ~100 ms: docs/performance.md)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(700, 10, 100)
