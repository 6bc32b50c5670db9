"""Socket.IO layer: identity at connect, thin handlers, broadcast of stored events."""

from facilitator.realtime import (
    connections,  # noqa: F401  (people changing under open connections, issue 16)
    group_handlers,  # noqa: F401, E402  (sub-groups, issue 18)
    handlers,  # noqa: F401  (registers the handlers)
)
