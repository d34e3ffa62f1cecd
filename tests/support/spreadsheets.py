"""Upload files as people make them: workbooks, and CSVs in any encoding and separator."""
from __future__ import annotations

import csv
import io

import openpyxl


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows, delimiter=";", encoding="utf-8", bom=True) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode(encoding)


def agenda_xlsx(*rows) -> bytes:
    return xlsx([["Tanggal", "Mulai", "Selesai", "Materi", "Jenis", "Ruang", "Narasumber",
                  "Instansi", "JP"], *rows])
