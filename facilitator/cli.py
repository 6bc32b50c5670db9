"""Command line: ``flask --app facilitator …`` or the ``facilitator`` console script."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from facilitator.scripts import validate_path
from facilitator.scripts.cycles import is_template_path, validate_templates

NOT_MIGRATED = (
    "La base de données n'est pas à jour (ou pas encore créée) : lancez d'abord "
    "« flask --app facilitator db upgrade » (ou « make run », qui le fait), puis relancez "
    "cette commande."
)


def require_schema() -> None:
    """A command that reads or writes the database says what to run when it was never
    migrated (instead of SQLAlchemy's « no such table » traceback)."""
    from facilitator import db_migrate

    if not db_migrate.is_current():
        raise click.ClickException(NOT_MIGRATED)


@click.group("scripts", help="Déroulés d'ateliers (workshop_scripts/).")
def scripts_cli() -> None:
    pass


@scripts_cli.command("validate", help="Vérifie un déroulé YAML ou tous ceux d'un dossier.")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def validate_command(path: Path | None) -> None:
    target = path or Path(current_app.config["SCRIPTS_DIR"])
    failures = [] if is_template_path(target) else validate_path(target)
    failures += validate_templates(target)  # cycle templates (workshop_scripts/cycles/)
    if failures:
        for failure in failures:
            click.echo(str(failure), err=True)
        click.echo(f"{len(failures)} déroulé(s) invalide(s).", err=True)
        sys.exit(1)
    click.echo(f"OK : {target}")


@click.group("db", help="Base de données (migrations Alembic).")
def db_cli() -> None:
    pass


@db_cli.command("upgrade", help="Crée ou met à jour le schéma.")
def upgrade_command() -> None:
    from facilitator import db_migrate

    db_migrate.upgrade()
    click.echo("Schéma à jour.")


@db_cli.command("revision", help="(développement) Génère une migration depuis les modèles.")
@click.option("-m", "--message", required=True)
def revision_command(message: str) -> None:
    from facilitator import db_migrate

    db_migrate.revision(message)


@click.command("seed-demo", help="Crée le cycle de démonstration s'il n'existe pas.")
def seed_command() -> None:
    require_schema()
    from facilitator.seed import seed_demo

    info = seed_demo()
    click.echo("Cycle de démonstration : " + ("créé." if info["created"] else "déjà présent."))


@click.command("create-animateur", help="Crée un compte animateur.")
@click.option("--email", prompt=True)
@click.option("--name", prompt="Nom")
@click.password_option("--password", prompt="Mot de passe")
def create_animateur_command(email: str, name: str, password: str) -> None:
    require_schema()
    from facilitator.core import accounts
    from facilitator.errors import DomainError

    try:
        accounts.create_animateur(email, name, password)
    except DomainError as exc:
        raise click.ClickException(exc.message_fr) from None
    click.echo("Compte créé.")


@click.command("purge", help="Supprime les cycles dont la durée de conservation est échue.")
@click.option("--dry-run", is_flag=True, help="Affiche ce qui serait supprimé, sans supprimer.")
def purge_command(dry_run: bool) -> None:
    require_schema()
    from facilitator.core import retention
    from facilitator.documents import storage

    targets = retention.purge(dry_run=dry_run)
    verb = "serait supprimé" if dry_run else "supprimé"
    skipped = [t for t in targets if t.problem]
    for t in targets:
        if t.problem:
            click.echo(f"cycle {t.cycle_id} « {t.title} » : {t.problem} — ignoré, à corriger")
        elif t.last_activity and t.expires_at:
            click.echo(
                f"cycle {t.cycle_id} « {t.title} » : dernière activité "
                f"{t.last_activity:%Y-%m-%d}, échu le {t.expires_at:%Y-%m-%d} — {verb}"
            )
    done = len(targets) - len(skipped)
    click.echo(f"{done} cycle(s) {'à supprimer' if dry_run else 'supprimé(s)'}.")
    if skipped:
        click.echo(
            f"{len(skipped)} cycle(s) ignoré(s) : durée de conservation non calculable.",
            err=True,
        )
    if not dry_run:
        orphans = storage.remove_orphans()
        if orphans:
            click.echo(f"Documents d'ateliers supprimés auparavant effacés : {len(orphans)}.")


@click.command("export-cycle", help="Exporte un cycle entier dans un fichier JSON.")
@click.argument("cycle_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(cycle_id: int, output: Path) -> None:
    require_schema()
    import json

    from facilitator.cycle_life import portability
    from facilitator.errors import DomainError

    try:
        document = portability.export_cycle(cycle_id)
    except DomainError as exc:
        raise click.ClickException(exc.message_fr) from None
    output.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"Cycle {cycle_id} exporté dans {output}.")


@click.command("import-cycle", help="Importe un cycle exporté (fichier JSON).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--animateur", "email", help="Compte qui possédera le cycle importé.")
def import_command(path: Path, email: str | None) -> None:
    require_schema()
    import json

    from sqlalchemy import func, select

    from facilitator.cycle_life import portability
    from facilitator.errors import DomainError
    from facilitator.extensions import db
    from facilitator.models import Animateur

    if email:
        owner = db.session.scalar(
            select(Animateur).where(func.lower(Animateur.email) == email.lower())
        )
    else:
        accounts = db.session.scalars(select(Animateur).limit(2)).all()
        owner = accounts[0] if len(accounts) == 1 else None
    if owner is None:
        raise click.ClickException(
            "Précisez le compte animateur qui possédera le cycle : --animateur ADRESSE."
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"Fichier illisible : ce n'est pas du JSON ({exc}).") from None
    try:
        cycle = portability.import_cycle(document, owner)
    except DomainError as exc:
        raise click.ClickException(exc.message_fr) from None
    click.echo(f"Cycle importé : {cycle.id} « {cycle.title} ».")


@click.command(
    "compile",
    help="Compile un document. ID : celui de l'atelier pour compte-rendu, du cycle sinon. "
    "Types : compte-rendu, synthese, repertoire, charte, feuille-de-route. "
    "Formats : docx, odt, pdf, md, html, csv. Le compte rendu d'un atelier clos est celui "
    "enregistré à sa clôture (le même que sur la page) ; --as-of now le recalcule.",
)
@click.argument("scope_id", metavar="ID", type=int)
@click.option("--kind", "-k", required=True, help="Type de document.")
@click.option("--format", "-f", "fmt", default="docx", show_default=True, help="Format.")
@click.option(
    "--as-of",
    "as_of",
    type=click.Choice(["stored", "now"]),
    default="stored",
    show_default=True,
    help="stored : le compte rendu enregistré à la clôture ; now : recalculé depuis le "
    "tableau d'aujourd'hui (sans remplacer l'enregistré).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier à écrire (par défaut : nom du document, dossier courant ; - : sortie standard).",
)
def compile_command(scope_id: int, kind: str, fmt: str, as_of: str, output: Path | None) -> None:
    require_schema()
    from facilitator.documents.storage import compile_or_fetch
    from facilitator.errors import DomainError

    try:
        result = compile_or_fetch(kind, scope_id, fmt, as_of_now=as_of == "now")
    except DomainError as exc:
        raise click.ClickException(exc.message_fr) from None
    if str(output) == "-":
        click.echo(result.content, nl=False)
        return
    target = output or Path(result.filename)
    target.write_bytes(result.content)
    click.echo(f"Écrit : {target} ({len(result.content)} octets)", err=True)


@click.command("mail-worker", help="Envoie les courriels en attente (SMTP_URL, docs/mail.md).")
@click.option("--once", is_flag=True, help="Un seul passage sur ce qui est dû, puis s'arrête.")
@click.option("--until-idle", is_flag=True, help="S'arrête quand plus rien n'attend.")
@click.option("--poll", default=1.0, show_default=True, help="Attente (s) quand rien n'est dû.")
def mail_worker_command(once: bool, until_idle: bool, poll: float) -> None:
    from facilitator.errors import DomainError
    from facilitator.mail import worker

    try:
        tally = worker.run(once=once, idle_exit=until_idle, poll=poll)
    except DomainError as exc:
        raise click.ClickException(exc.message_fr) from None
    click.echo("Courriels : " + (", ".join(f"{k} {v}" for k, v in sorted(tally.items())) or "rien"))


@click.command(
    "mail-bounces",
    help="Lit les avis de non-remise (RFC 3464) : un message sur l'entrée standard (alias "
    "« | » du serveur de courrier) ou les nouveaux messages d'un Maildir (docs/mail.md).",
)
@click.option("--maildir", type=click.Path(exists=True, file_okay=False), help="Dossier Maildir.")
@click.option("--recipient", default="", help="Adresse de retour (VERP) donnée par le serveur.")
def mail_bounces_command(maildir: str | None, recipient: str) -> None:
    import sys

    from facilitator.mail import bounces

    if maildir:
        tally = bounces.read_maildir(maildir)
    else:
        raw = sys.stdin.buffer.read(10 * 1024 * 1024)
        outcome = bounces.record(raw, recipient or None)
        tally = {outcome: 1}
    for line in bounces.tally_lines(tally):
        click.echo(line)


def register_cli(app: Flask) -> None:
    app.cli.add_command(scripts_cli)
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(create_animateur_command)
    app.cli.add_command(compile_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(mail_worker_command)
    app.cli.add_command(mail_bounces_command)


def _create_app() -> Flask:
    from facilitator import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """facilitator — animation d'ateliers (mêmes commandes que ``flask --app facilitator``)."""
