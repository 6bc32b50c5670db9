"""Socket.IO layer: identity at connect, thin handlers, broadcast of stored events."""

from facilitator.realtime import handlers  # noqa: F401  (registers the handlers)
