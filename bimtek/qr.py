"""QR codes drawn as one SVG path, for the PDFs (badges, link slips, certificates).

A badge sheet carries eight codes, a 400-person course 400: WeasyPrint reads every
command of an SVG path in Python, so the fewer commands, the cheaper the sheet. Each code
is one stroked path: a horizontal line over every run of two or more dark modules in a
row, and a vertical line over the remaining single modules that stack in a column. A line
one unit wide over a module's centre covers exactly that module, so the drawing is the
code's matrix, and it needs about a third fewer commands than a line per row run."""
from __future__ import annotations

import re

import segno
from markupsafe import Markup

QUIET_ZONE = 4  # modules of light margin around the code, which scanners need
_DARK_RUN = re.compile(rb"\x01+")


def qr_path(matrix: list[bytes], border: int = QUIET_ZONE) -> str:
    """The path data drawing the dark modules of `matrix` (rows of 0/1 bytes)."""
    size = len(matrix)
    single = [bytearray(size) for _ in range(size)]
    commands = []
    for y, row in enumerate(matrix):
        for run in _DARK_RUN.finditer(row):
            start, end = run.span()
            if end - start > 1:
                commands.append(f"M{start + border} {y + border}.5h{end - start}")
            else:
                single[y][start] = 1
    for x in range(size):
        column = bytes(single[y][x] for y in range(size))
        for run in _DARK_RUN.finditer(column):
            start, end = run.span()
            commands.append(f"M{x + border}.5 {start + border}v{end - start}")
    return "".join(commands)


def qr_svg(data: str, *, css_class: str = "qr") -> Markup:
    """`data` as a full QR code (never a Micro QR, which phone cameras do not read) in
    inline SVG, sized by the stylesheet (a viewBox, no width or height). The quiet zone is
    part of the drawing because the paper around it is not guaranteed to stay blank.
    The markup is numbers computed from `data`, never its text, so it is safe unescaped."""
    code = segno.make_qr(data, error="m")
    matrix = [bytes(row) for row in code.matrix]
    side = len(matrix) + 2 * QUIET_ZONE
    return Markup(f'<svg viewBox="0 0 {side} {side}" class="{css_class}">'
                  f'<path stroke="#000" d="{qr_path(matrix)}"/></svg>')
