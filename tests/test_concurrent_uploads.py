"""A form with a file waits for SQLite's write lock like any form (web/__init__.py runs it
again while nothing of it was committed): the run again must read the same file, not the
end of an already read (or closed) upload."""

from __future__ import annotations

import io
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import yaml
from flask import Flask

from facilitator.core import organiser
from facilitator.extensions import db
from facilitator.models import Animateur, Deroule
from tests.test_deroule_editor import DEROULE
from tests.test_documents_web import login
from tests.test_organiser import png


def _locked_for(app: Flask, seconds: float) -> tuple[sqlite3.Connection, threading.Timer]:
    """Another process (the mail worker, say) holds the write lock for ``seconds``."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(seconds, lambda: other.execute("COMMIT"))
    releaser.start()
    return other, releaser


def _signed_in(app: Flask, client: Any, make_animateur: Callable[..., Animateur]) -> Any:
    login(client, make_animateur())
    return client


def test_an_imported_deroule_is_read_again_after_waiting_for_the_lock(
    app: Flask, client: Any, make_animateur: Callable[..., Animateur]
) -> None:
    _signed_in(app, client, make_animateur)
    good = yaml.safe_dump({"format": 1, **DEROULE}, allow_unicode=True).encode()
    other, releaser = _locked_for(app, 0.4)
    try:
        answer = client.post(
            "/animateur/deroules/importer",
            data={"fichier": (io.BytesIO(good), "atelier.yaml")},
            content_type="multipart/form-data",
        )
    finally:
        releaser.join()
        other.close()
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert db.session.query(Deroule).count() == 1


def test_a_logo_is_read_again_after_waiting_for_the_lock(
    app: Flask, client: Any, make_animateur: Callable[..., Animateur]
) -> None:
    _signed_in(app, client, make_animateur)
    other, releaser = _locked_for(app, 0.4)
    try:
        answer = client.post(
            "/animateur/structure",
            data={
                "name": "CRPV",
                "address": "",
                "colour": "",
                "logo": (io.BytesIO(png()), "logo.png"),
            },  # fmt: skip
            content_type="multipart/form-data",
        )
    finally:
        releaser.join()
        other.close()
    assert answer.status_code == 302, answer.get_data(as_text=True)
    found = organiser.identity()
    assert found["name"] == "CRPV" and found["logo"]
