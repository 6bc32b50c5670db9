"""Put first on PYTHONPATH to make ``import geventwebsocket`` fail: Engine.IO then serves
WebSockets with simple-websocket under gevent (bench/run.py --worker gevent)."""

raise ImportError("gevent-websocket hidden for this benchmark run")
