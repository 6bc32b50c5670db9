"""Development / embedded entry point: one gevent process, SQLite in instance/.

python run.py            (HOST and PORT override 127.0.0.1:5000)
"""

from gevent import monkey

monkey.patch_all()  # first, before anything imports socket, ssl or threading

import logging  # noqa: E402
import os  # noqa: E402

from facilitator import create_app, db_migrate, socketio  # noqa: E402
from facilitator.seed import demo_atelier, seed_demo  # noqa: E402


def main() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"), format="%(levelname)s %(name)s: %(message)s"
    )
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    app = create_app()
    with app.app_context():
        db_migrate.upgrade()
        info = seed_demo() if os.environ.get("SEED_DEMO", "1") == "1" else None
        atelier = demo_atelier() if info else None
        base = app.config.get("PUBLIC_URL") or f"http://{host}:{port}"
        if info:
            print("\n=== facilitator ===", flush=True)
            print(f"Animateur : {base}/connexion", flush=True)
            print(f"  identifiant : {info['email']}", flush=True)
            print(f"  mot de passe : {info['password']}", flush=True)
        if atelier is not None:
            print(f"Participants : {base}/rejoindre/{atelier.link_token}", flush=True)
            print(f"  ou code {atelier.join_code} sur {base}/", flush=True)
        print(f"Serveur : {base}  (Ctrl+C pour arrêter)\n", flush=True)
    socketio.run(app, host=host, port=port, log_output=os.environ.get("ACCESS_LOG") == "1")


if __name__ == "__main__":
    main()
