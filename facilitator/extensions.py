"""Extension singletons, bound to the app in ``create_app``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

# the base class of every table: Flask-SQLAlchemy's ``db.Model`` (a subclass of ``Base`` made
# at run time, with the table name and session bindings); type checkers see ``Base``
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
socketio = SocketIO()
csrf = CSRFProtect()

#: Flask-Limiter, for the join code (facilitator/web/public.py): each limit names its own key
#: (browser session, code, everyone), never the IP address; the storage is set per app in
#: ``create_app`` (Redis when configured, so that every process counts together)
limiter = Limiter(
    key_func=lambda: "all",
    default_limits=[],
    strategy="moving-window",
    in_memory_fallback_enabled=True,  # Redis unreachable: this process counts alone
)
