"""Documents over HTTP (animateur console, read-only link), the compte rendu written at
close, regeneration, and the ``compile`` command."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from facilitator.documents import storage
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, Contribution
from tests.test_documents_formats import fill, need_soffice


def login(client: Any, animateur: Animateur) -> None:
    r = client.post(
        "/connexion", data={"email": animateur.email, "password": "mot-de-passe-solide"}
    )
    assert r.status_code == 302


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def setup(
    client: Any,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
) -> dict[str, Any]:
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    fill(atelier, ["Partager un calendrier", "<b>pas du gras</b>"])
    return {"animateur": animateur, "atelier": atelier, "client": client}


def test_animateur_index_lists_every_document_with_its_urls(setup: dict[str, Any]) -> None:
    client, atelier = setup["client"], setup["atelier"]
    login(client, setup["animateur"])
    r = client.get(f"/animateur/ateliers/{atelier.id}/documents")
    assert r.status_code == 200
    data = r.get_json()
    by_kind = {d["kind"]: d for d in data["documents"]}
    assert list(by_kind) == ["compte-rendu", "synthese", "repertoire", "charte", "feuille-de-route"]
    cr = by_kind["compte-rendu"]
    urls = {f["format"]: f["url"] for f in cr["formats"]}
    assert urls["docx"] == f"/animateur/ateliers/{atelier.id}/documents/compte-rendu.docx"
    assert "csv" not in urls
    assert cr["regenerate_url"] == (
        f"/animateur/ateliers/{atelier.id}/documents/compte-rendu/regenerer"
    )
    synth = {f["format"]: f["url"] for f in by_kind["synthese"]["formats"]}
    assert synth["csv"] == f"/animateur/cycles/{atelier.cycle_id}/documents/synthese.csv"
    assert by_kind["charte"]["available"] and by_kind["feuille-de-route"]["available"]
    charte = {f["format"]: f["url"] for f in by_kind["charte"]["formats"]}
    assert charte["docx"] == f"/animateur/cycles/{atelier.cycle_id}/documents/charte.docx"


@pytest.mark.parametrize(
    ("fmt", "mimetype"),
    [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("md", "text/markdown; charset=utf-8"),
        ("html", "text/html; charset=utf-8"),
    ],
)
def test_animateur_downloads_the_compte_rendu(setup: dict[str, Any], fmt: str, mimetype: str):
    client, atelier = setup["client"], setup["atelier"]
    login(client, setup["animateur"])
    r = client.get(f"/animateur/ateliers/{atelier.id}/documents/compte-rendu.{fmt}")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == mimetype
    disposition = r.headers["Content-Disposition"]
    assert ("inline" if fmt == "html" else "attachment") in disposition
    assert "compte-rendu-atelier-1-atelier-de-test." + fmt in disposition
    if fmt == "html":
        csp = r.headers["Content-Security-Policy"]
        assert "style-src 'sha256-" in csp and "unsafe-inline" not in csp
        assert "script-src" not in csp and "default-src 'none'" in csp
        assert "&lt;b&gt;pas du gras&lt;/b&gt;" in r.get_data(as_text=True)


def test_cycle_documents_and_csv(setup: dict[str, Any]) -> None:
    client, atelier = setup["client"], setup["atelier"]
    login(client, setup["animateur"])
    base = f"/animateur/cycles/{atelier.cycle_id}/documents"
    r = client.get(f"{base}/repertoire.csv")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.get_data().decode("utf-8-sig").startswith("Territoire;Structure;Type")
    assert client.get(f"{base}/synthese.md").status_code == 200
    index = client.get(base).get_json()
    assert [d["kind"] for d in index["documents"]] == [
        "synthese",
        "repertoire",
        "charte",
        "feuille-de-route",
    ]


def test_cycle_documents_page_for_a_browser(setup: dict[str, Any]) -> None:
    """A browser gets a page (not raw JSON), linked from the cycle page with the synthèse."""
    client, atelier = setup["client"], setup["atelier"]
    login(client, setup["animateur"])
    base = f"/animateur/cycles/{atelier.cycle_id}/documents"
    r = client.get(base, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert "Documents du cycle" in page and f'href="{base}/synthese.docx"' in page
    cycle_page = client.get(f"/animateur/cycles/{atelier.cycle_id}").get_data(as_text=True)
    assert f'href="{base}/synthese.html"' in cycle_page and f'href="{base}"' in cycle_page


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/animateur/ateliers/{atelier}/documents/charte.docx", 404, "document du cycle"),
        ("/animateur/cycles/{cycle}/documents/feuille-de-route.xls", 400, "Format inconnu"),
        ("/animateur/cycles/{cycle}/documents/bilan.docx", 400, "Type de document inconnu"),
        ("/animateur/cycles/{cycle}/documents/synthese.xls", 400, "Format inconnu"),
        ("/animateur/ateliers/{atelier}/documents/compte-rendu.csv", 404, "tabulaires"),
        ("/animateur/cycles/{cycle}/documents/compte-rendu.docx", 404, "document d'un atelier"),
        ("/animateur/ateliers/{atelier}/documents/synthese.docx", 404, "document du cycle"),
    ],
)
def test_bad_requests_get_a_french_message(
    setup: dict[str, Any], path: str, status: int, message: str
) -> None:
    client, atelier = setup["client"], setup["atelier"]
    login(client, setup["animateur"])
    r = client.get(path.format(cycle=atelier.cycle_id, atelier=atelier.id))
    assert r.status_code == status
    assert message in text(r)


def test_other_animateurs_and_strangers_are_refused(
    setup: dict[str, Any], make_animateur: Callable[..., Animateur], app: Flask
) -> None:
    atelier = setup["atelier"]
    stranger = app.test_client()
    r = stranger.get(f"/animateur/ateliers/{atelier.id}/documents/compte-rendu.docx")
    assert r.status_code == 302 and "/connexion" in r.headers["Location"]
    other = app.test_client()
    login(other, make_animateur())
    for path in (
        f"/animateur/ateliers/{atelier.id}/documents/compte-rendu.docx",
        f"/animateur/ateliers/{atelier.id}/documents",
        f"/animateur/cycles/{atelier.cycle_id}/documents/synthese.docx",
        f"/animateur/cycles/{atelier.cycle_id}/documents",
    ):
        r = other.get(path)
        assert r.status_code == 403, path
        assert "Vous n'animez pas ce cycle." in text(r)
    assert other.get("/animateur/ateliers/99999/documents/compte-rendu.md").status_code == 404


def test_read_only_link_downloads_documents(setup: dict[str, Any], app: Flask) -> None:
    atelier = setup["atelier"]
    reader = app.test_client()
    base = f"/lecture/{atelier.read_token}/documents"
    index = reader.get(base).get_json()
    by_kind = {d["kind"]: d for d in index["documents"]}
    assert "regenerate_url" not in by_kind["compte-rendu"]
    url = {f["format"]: f["url"] for f in by_kind["synthese"]["formats"]}["md"]
    assert url == f"{base}/synthese.md"
    assert reader.get(url).status_code == 200
    r = reader.get(f"{base}/compte-rendu.md")
    assert r.status_code == 200 and "Partager un calendrier" in r.get_data(as_text=True)
    charte = reader.get(f"{base}/charte.md")
    assert charte.status_code == 200 and "# Charte" in charte.get_data(as_text=True)
    bad = reader.get("/lecture/pas-un-jeton/documents/compte-rendu.md")
    assert bad.status_code == 404 and "lien de lecture" in text(bad)
    # a revoked link stops working
    from facilitator.core import cycles

    cycles.regenerate_links(atelier)
    assert reader.get(f"{base}/compte-rendu.md").status_code == 404


def test_templates_get_the_same_links(setup: dict[str, Any], app: Flask) -> None:
    from flask import render_template_string

    from facilitator.web import page_data

    atelier = setup["atelier"]
    with app.test_request_context():
        out = render_template_string(
            "{% for d in document_links(atelier, token) %}{{ d.kind }}={{ d.formats[0].url }};"
            "{% endfor %}",
            # templates receive plain data (facilitator/web/page_data.py)
            atelier=page_data.atelier(atelier),
            token=atelier.read_token,
        )
    assert f"compte-rendu=/lecture/{atelier.read_token}/documents/compte-rendu.docx;" in out


def test_without_libreoffice_the_ui_says_so(setup: dict[str, Any], app: Flask) -> None:
    app.config["SOFFICE"] = "/nonexistent/soffice"
    client, atelier = setup["client"], setup["atelier"]
    login(client, setup["animateur"])
    index = client.get(f"/animateur/ateliers/{atelier.id}/documents").get_json()
    assert index["libreoffice"] is False
    pdf = next(
        f for d in index["documents"] if d["kind"] == "compte-rendu" for f in d["formats"]
        if f["format"] == "pdf"
    )  # fmt: skip
    assert pdf["available"] is False and "LibreOffice" in pdf["message"]
    r = client.get(f"/animateur/ateliers/{atelier.id}/documents/compte-rendu.pdf")
    assert r.status_code == 503
    assert "LibreOffice n'est pas installé sur ce serveur" in text(r)


# --- written at close, regenerated on demand ---------------------------------------------


def add_card(live: dict[str, Any], text_: str) -> None:
    payload = {"step_id": live["steps"]["idees"], "client_id": "carte-0001", "text": text_}
    assert live["a"].call("card_add", {**payload, "column": "a"})["ok"]


def test_closing_an_atelier_writes_its_compte_rendu(live_atelier: dict[str, Any], app: Flask):
    atelier, anim = live_atelier["atelier"], live_atelier["anim"]
    add_card(live_atelier, "Idée d'avant la clôture")
    assert anim.call("atelier_close", {})["ok"]
    folder = Path(app.config["INSTANCE_PATH"]) / "documents" / "ateliers" / str(atelier.id)
    assert sorted(p.name for p in folder.iterdir()) == [
        "compte-rendu.docx",
        "compte-rendu.html",
        "compte-rendu.md",
        "manifest.json",
    ]
    assert "Idée d'avant la clôture" in (folder / "compte-rendu.md").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["filename"] == "compte-rendu-atelier-1-atelier-de-test"
    # closing again does not rewrite it
    (folder / "compte-rendu.md").write_text("ancien")
    assert anim.call("atelier_close", {})["ok"]
    assert (folder / "compte-rendu.md").read_text() == "ancien"


def test_stored_compte_rendu_is_served_until_regenerated(
    live_atelier: dict[str, Any], app: Flask
) -> None:
    atelier, anim = live_atelier["atelier"], live_atelier["anim"]
    add_card(live_atelier, "Version 1")
    assert anim.call("atelier_close", {})["ok"]
    card = db.session.query(Contribution).one()
    card.text = "Version 2 (retouchée après l'atelier)"
    db.session.commit()
    client = app.test_client()
    login(client, live_atelier["animateur"])
    url = f"/animateur/ateliers/{atelier.id}/documents/compte-rendu.md"
    assert "Version 1" in client.get(url).get_data(as_text=True)
    r = client.post(
        f"/animateur/ateliers/{atelier.id}/documents/compte-rendu/regenerer",
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200 and r.get_json()["ok"] is True
    assert "Version 2" in client.get(url).get_data(as_text=True)
    reader = app.test_client()
    read_url = f"/lecture/{atelier.read_token}/documents/compte-rendu.md"
    assert "Version 2" in reader.get(read_url).get_data(as_text=True)
    r = client.post(f"/animateur/ateliers/{atelier.id}/documents/compte-rendu/regenerer")
    assert r.status_code == 302


def test_regenerating_an_open_atelier_is_refused(setup: dict[str, Any]) -> None:
    client, atelier = setup["client"], setup["atelier"]
    login(client, setup["animateur"])
    r = client.post(
        f"/animateur/ateliers/{atelier.id}/documents/compte-rendu/regenerer",
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 409
    assert "n'est pas clos" in r.get_json()["error"]["message_fr"]


def test_a_failing_compte_rendu_never_blocks_the_close(
    live_atelier: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broken(atelier_id: int, settings: Any = None) -> list:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(storage, "store_compte_rendu", broken)
    assert live_atelier["anim"].call("atelier_close", {})["ok"]
    assert db.session.get(Atelier, live_atelier["atelier"].id).state == "clos"
    assert "could not be written" in caplog.text


def test_pdf_of_a_stored_compte_rendu(live_atelier: dict[str, Any], app: Flask) -> None:
    need_soffice()
    assert live_atelier["anim"].call("atelier_close", {})["ok"]
    client = app.test_client()
    login(client, live_atelier["animateur"])
    atelier = live_atelier["atelier"]
    r = client.get(f"/animateur/ateliers/{atelier.id}/documents/compte-rendu.pdf")
    assert r.status_code == 200 and r.get_data().startswith(b"%PDF-")
    assert "compte-rendu-atelier-1-atelier-de-test.pdf" in r.headers["Content-Disposition"]


# --- command line ------------------------------------------------------------------------


def test_compile_command_writes_a_file(setup: dict[str, Any], app: Flask, tmp_path: Path):
    atelier = setup["atelier"]
    runner = app.test_cli_runner()
    out = tmp_path / "cr.md"
    result = runner.invoke(
        args=["compile", str(atelier.id), "--kind", "compte-rendu", "--format", "md", "-o", out]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("# Compte rendu d'atelier")
    result = runner.invoke(
        args=["compile", str(atelier.cycle_id), "-k", "repertoire", "-f", "csv", "-o", "-"]
    )
    assert result.exit_code == 0
    assert "Territoire;Structure" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "charte", "--format", "rtf"], "Format inconnu"),
        (["--kind", "feuille-de-route", "--format", "rtf"], "Format inconnu"),
        (["--kind", "bilan"], "Type de document inconnu"),
        (["--kind", "synthese", "--format", "rtf"], "Format inconnu"),
        (["--kind", "compte-rendu", "--format", "csv"], "tabulaires"),
    ],
)
def test_compile_command_refuses_in_french(
    setup: dict[str, Any], app: Flask, args: list[str], message: str
) -> None:
    result = app.test_cli_runner().invoke(args=["compile", str(setup["atelier"].id), *args])
    assert result.exit_code != 0
    assert message in result.output


def test_compile_command_without_libreoffice(setup: dict[str, Any], app: Flask) -> None:
    app.config["SOFFICE"] = "/nonexistent/soffice"
    result = app.test_cli_runner().invoke(
        args=["compile", str(setup["atelier"].cycle_id), "-k", "synthese", "-f", "pdf"]
    )
    assert result.exit_code == 1
    assert "LibreOffice n'est pas installé" in result.output


def test_compile_command_on_a_missing_id(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["compile", "999", "-k", "synthese", "-f", "md"])
    assert result.exit_code == 1 and "Cycle introuvable" in result.output
