"""ODT and PDF: the DOCX converted by LibreOffice headless, in a subprocess.

Under gevent (run.py, gunicorn workers) ``subprocess`` and ``threading`` are monkey-patched:
the conversion waits without blocking the event loop. Conversions run one at a time per
process, with a LibreOffice profile kept in the instance folder (the first conversion
creates it and takes a few seconds more)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from facilitator.errors import DomainError

log = logging.getLogger(__name__)

#: tagged PDF (structure for screen readers), document title shown in the window
PDF_FILTER = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"DisplayPDFDocumentTitle":{"type":"boolean","value":"true"}}'
)
TARGETS = {"odt": "odt:writer8", "pdf": PDF_FILTER}
TIMEOUT = 120

_lock = threading.Lock()


class LibreOfficeMissing(DomainError):
    code = "libreoffice_missing"
    status = 503


class ConversionFailed(DomainError):
    code = "conversion_failed"
    status = 500


def soffice(configured: str | None = None) -> str | None:
    """Path of the LibreOffice executable (``configured``, else found on PATH), or None
    when it is not installed."""
    for candidate in (configured,) if configured else ("soffice", "libreoffice"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def missing_message(fmt: str) -> str:
    return (
        f"Le format {fmt.upper()} n'est pas disponible : LibreOffice n'est pas installé sur ce "
        "serveur (commande soffice introuvable). Téléchargez le document en DOCX, HTML ou "
        "Markdown, ou demandez à l'administrateur d'installer le paquet "
        "libreoffice-writer-nogui."
    )


def convert(
    docx: bytes,
    fmt: str,
    *,
    profile: Path,
    executable: str | None = None,
    timeout: int = TIMEOUT,
) -> bytes:
    """``docx`` converted to ``fmt`` (``odt`` or ``pdf``)."""
    binary = soffice(executable)
    if binary is None:
        raise LibreOfficeMissing(missing_message(fmt))
    target = TARGETS[fmt]
    profile.mkdir(parents=True, exist_ok=True)
    with _lock, tempfile.TemporaryDirectory(prefix="facilitator-doc-") as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(docx)
        command = [
            binary,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            tmp,
            str(source),
        ]
        env = {**os.environ, "HOME": tmp}
        try:
            result = subprocess.run(
                command, capture_output=True, timeout=timeout, check=False, env=env
            )
        except subprocess.TimeoutExpired:
            raise ConversionFailed(
                f"La conversion en {fmt.upper()} par LibreOffice a dépassé {timeout} secondes."
            ) from None
        output = Path(tmp) / f"document.{fmt}"
        if result.returncode != 0 or not output.exists():
            log.error(
                "soffice failed (%s): %s %s",
                result.returncode,
                result.stdout.decode(errors="replace")[-500:],
                result.stderr.decode(errors="replace")[-500:],
            )
            raise ConversionFailed(
                f"La conversion en {fmt.upper()} par LibreOffice a échoué. Le DOCX reste "
                "disponible."
            )
        return output.read_bytes()
