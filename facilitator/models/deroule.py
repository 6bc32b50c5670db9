"""Déroulés composed in the browser (issue 16): stored as the YAML text that
``flask scripts validate`` accepts, personal to their author or shared with every
animateur of the instance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow


class Deroule(Model):
    __tablename__ = "deroule"
    __table_args__ = (UniqueConstraint("owner_id", "script_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("animateur.id", ondelete="CASCADE"), index=True
    )
    #: the script's ``id:``
    script_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    #: the script, exactly as exported (validated by ``scripts.load_script_text``)
    yaml_text: Mapped[str] = mapped_column(Text)
    #: shared: every animateur may use it; else only its author
    shared: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
