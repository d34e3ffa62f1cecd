"""Whether any cell of a CSV starts a formula when Excel opens it, whichever separator it
splits on."""
from __future__ import annotations

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def pieces(data: bytes):
    """Every cell of the file as Excel sees it, whichever separator it splits on."""
    text = data.decode("utf-8-sig")
    for separator in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator):
            yield from row


def assert_no_formula_opens(data: bytes) -> None:
    opening = [cell for cell in pieces(data) if cell.startswith(FORMULA_STARTS)]
    assert opening == []
