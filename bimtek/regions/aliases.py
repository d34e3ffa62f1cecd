"""Spellings people write besides the official names (docs/domain.md), by Kemendagri code.
They are kept as aliases on top of the data; the official name is never replaced."""

ALIASES: dict[str, tuple[str, ...]] = {
    # Kutai Timur (64.08)
    "64.08.04": ("Sangata Utara",),
    "64.08.08": ("Kongbeng",),
    "64.08.09": ("Bangalon",),
    "64.08.12": ("Sangata Selatan",),
    # Kutai Kartanegara (64.02)
    "64.02.15": ("Sangasanga",),
    "64.02.17": ("Marangkayu",),
}
