"""A tiny indexed-colour PNG canvas (rectangles and a 5×7 pixel font for digits and a few
letters): enough for a bar chart in a DOCX without an imaging library."""

from __future__ import annotations

import struct
import zlib

#: 5×7 glyphs, one string of 5 characters per row ("#" = ink)
GLYPHS: dict[str, tuple[str, ...]] = {
    "0": (".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("####.", "....#", "....#", ".###.", "....#", "....#", "####."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": (".###.", "#....", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "....#", ".###."),
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    " ": (".....",) * 7,
}


class Canvas:
    """``palette`` is a list of RGB tuples; pixels hold palette indexes (0 = background)."""

    def __init__(self, width: int, height: int, palette: list[tuple[int, int, int]]) -> None:
        if not 1 <= len(palette) <= 256:
            raise ValueError("palette of 1 to 256 colours")
        self.width, self.height, self.palette = width, height, palette
        self.rows = [bytearray(width) for _ in range(height)]

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: int) -> None:
        """Fill [x0, x1) × [y0, y1), clipped to the canvas."""
        x0, x1 = max(0, x0), min(self.width, x1)
        y0, y1 = max(0, y0), min(self.height, y1)
        if x0 >= x1:
            return
        run = bytes([colour]) * (x1 - x0)
        for y in range(y0, y1):
            self.rows[y][x0:x1] = run

    def text(self, x: int, y: int, text: str, colour: int, scale: int = 2) -> None:
        """Draw ``text`` with its top-left corner at (x, y); unknown characters are skipped."""
        for char in text:
            glyph = GLYPHS.get(char.upper())
            if glyph is None:
                continue
            for gy, line in enumerate(glyph):
                for gx, ink in enumerate(line):
                    if ink == "#":
                        px, py = x + gx * scale, y + gy * scale
                        self.rect(px, py, px + scale, py + scale, colour)
            x += 6 * scale

    @staticmethod
    def text_width(text: str, scale: int = 2) -> int:
        return max(0, len(text) * 6 * scale - scale)

    def png(self) -> bytes:
        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 3, 0, 0, 0)
        palette = b"".join(bytes(rgb) for rgb in self.palette)
        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)
        return b"".join(
            (
                b"\x89PNG\r\n\x1a\n",
                chunk(b"IHDR", header),
                chunk(b"PLTE", palette),
                chunk(b"IDAT", zlib.compress(raw, 6)),
                chunk(b"IEND", b""),
            )
        )
