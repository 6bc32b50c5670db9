"""Command line: ``flask --app facilitator …`` or the ``facilitator`` console script."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from facilitator.scripts import validate_path


@click.group("scripts", help="Déroulés d'ateliers (workshop_scripts/).")
def scripts_cli() -> None:
    pass


@scripts_cli.command("validate", help="Vérifie un déroulé YAML ou tous ceux d'un dossier.")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def validate_command(path: Path | None) -> None:
    target = path or Path(current_app.config["SCRIPTS_DIR"])
    failures = validate_path(target)
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
    from facilitator.seed import seed_demo

    info = seed_demo()
    click.echo("Cycle de démonstration : " + ("créé." if info["created"] else "déjà présent."))


@click.command("create-animateur", help="Crée un compte animateur.")
@click.option("--email", prompt=True)
@click.option("--name", prompt="Nom")
@click.password_option("--password", prompt="Mot de passe")
def create_animateur_command(email: str, name: str, password: str) -> None:
    from facilitator.errors import DomainError
    from facilitator.services import accounts

    try:
        accounts.create_animateur(email, name, password)
    except DomainError as exc:
        raise click.ClickException(exc.message_fr) from None
    click.echo("Compte créé.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(scripts_cli)
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(create_animateur_command)


def _create_app() -> Flask:
    from facilitator import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """facilitator — animation d'ateliers (mêmes commandes que ``flask --app facilitator``)."""
