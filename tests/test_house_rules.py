"""The house's size rule (STYLE.md: files under ~400 lines): a file that grows past it is
split by what it does, before it becomes the place where everything lands."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
#: our own sources: Python, browser scripts and styles (vendored libraries excepted)
SOURCES = ("facilitator", "tests", "bench")
SUFFIXES = {".py", ".js", ".css"}
SKIPPED = {"vendor", "node_modules", ".venv"}


def over_limit(root: Path = ROOT) -> dict[str, int]:
    found = {}
    for top in SOURCES:
        for path in (root / top).rglob("*"):
            if (
                path.suffix not in SUFFIXES
                or "vendor" in path.parts
                or "node_modules" in path.parts
            ):
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > LIMIT:
                found[str(path.relative_to(root))] = lines
    return found


def test_no_source_file_is_over_400_lines() -> None:
    assert over_limit() == {}


def test_the_rule_sees_a_long_file(tmp_path: Path) -> None:
    (tmp_path / "facilitator").mkdir()
    (tmp_path / "facilitator" / "long.py").write_text("x = 1\n" * (LIMIT + 1))
    (tmp_path / "facilitator" / "vendor").mkdir()
    (tmp_path / "facilitator" / "vendor" / "lib.js").write_text("x\n" * 5000)
    for top in ("tests", "bench"):
        (tmp_path / top).mkdir()
    assert over_limit(tmp_path) == {"facilitator/long.py": LIMIT + 1}
