"""Socket.IO layer: identity at connect, thin handlers, broadcast of stored events."""

from facilitator.realtime import (
    group_handlers,  # noqa: F401, E402  (sub-groups, issue 18)
    handlers,  # noqa: F401  (registers the handlers)
)
