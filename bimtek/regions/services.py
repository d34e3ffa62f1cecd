"""Loading Indonesia's regions from the vendored idn-area-data files, and finding them."""
from __future__ import annotations

import csv
import difflib
import functools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, insert, or_, select, update

from bimtek.config import PROJECT_ROOT
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.regions.aliases import ALIASES
from bimtek.regions.models import Desa, Kecamatan, Province, Region

DATA_DIR = PROJECT_ROOT / "data" / "idn-area-data"
# (code, parent code, name) as the files hold them.
Row = tuple[str, str | None, str]


# One level of the data: its file, the pattern of its codes, its table and the column
# that points at the level above.
@dataclass(frozen=True)
class Level:
    name: str
    file: str
    code: re.Pattern
    model: type
    parent_column: str | None


LEVELS = (
    Level("provinsi", "provinces.csv", re.compile(r"\d{2}"), Province, None),
    Level("kabupaten/kota", "regencies.csv", re.compile(r"\d{2}\.\d{2}"), Region,
          "province_id"),
    Level("kecamatan", "districts.csv", re.compile(r"\d{2}\.\d{2}\.\d{2}"), Kecamatan,
          "region_id"),
    Level("desa/kelurahan", "villages.csv", re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}"), Desa,
          "kecamatan_id"),
)


@dataclass
class LoadReport:
    """What one load did, per level: rows added and official names changed."""

    added: dict[str, int] = field(default_factory=dict)
    renamed: dict[str, int] = field(default_factory=dict)
    aliases: int = 0

    def __str__(self) -> str:
        return "; ".join(f"{level}: {self.added[level]} added, {self.renamed[level]} renamed"
                         for level in self.added) + f"; {self.aliases} alias(es) added"


def _within(code: str, prefixes: Collection[str]) -> bool:
    """Whether `code` lies inside one of the prefixes or above it (its province, its
    kabupaten), so that a partial load still has every region's parents."""
    return not prefixes or any(
        code == p or code.startswith(p + ".") or p.startswith(code + ".") for p in prefixes)


def read_level(folder: Path, level: Level, parents: set[str] | None
               ) -> list[Row]:
    """The (code, parent code, name) rows of one level's file, every row checked: a file
    that is missing, damaged or names an unknown parent is refused whole."""
    path = folder / level.file
    rows = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for number, cells in enumerate(reader, start=2):
                rows.append(_checked_row(level, parents, path.name, number, cells))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ValidationError(_("The region file %(file)s could not be read: %(error)s",
                                file=path, error=error)) from error
    if not rows:
        raise ValidationError(_("The region file %(file)s holds no rows.", file=path))
    return rows


def _checked_row(level: Level, parents: set[str] | None, file: str, number: int,
                 cells: list[str]) -> tuple[str, str | None, str]:
    expected = 2 if parents is None else 3
    if len(cells) != expected or not cells[-1].strip() \
            or not level.code.fullmatch(cells[0]):
        raise ValidationError(_("%(file)s row %(row)d is not a %(level)s row (code, "
                                "parent code, name): %(cells)s", file=file, row=number,
                                level=level.name, cells=",".join(cells)))
    parent = None if parents is None else cells[1]
    if parent is not None and (parent not in parents or not cells[0].startswith(parent)):
        raise ValidationError(_("%(file)s row %(row)d: %(code)s belongs to %(parent)s, "
                                "which is not in the level above.", file=file, row=number,
                                code=cells[0], parent=parent))
    return cells[0], parent, " ".join(cells[-1].split())


def read_region_data(folder: Path = DATA_DIR, within: Collection[str] = ()
                     ) -> list[list[Row]]:
    """Every level's rows, top down, each level checked against the one above; `within`
    (codes) keeps those regions and their parents only."""
    return [list(rows) for rows in _levels_within(folder, _file_stamps(folder),
                                                   tuple(sorted(within)))]


def _file_stamps(folder: Path) -> tuple:
    """What tells a changed file from the one read before."""
    stamps = []
    for level in LEVELS:
        try:
            status = (folder / level.file).stat()
        except OSError:
            stamps.append(None)
        else:
            stamps.append((status.st_mtime_ns, status.st_size))
    return tuple(stamps)


# Parsing the files takes a quarter of a second, and keeping the regions within some codes
# about as long; demo data and tests load the same parts of them again and again.
@functools.lru_cache(maxsize=4)
def _read_levels(folder: Path, _stamps: tuple) -> tuple[list[Row], ...]:
    levels, parents = [], None
    for level in LEVELS:
        rows = read_level(folder, level, parents)
        parents = {code for code, _parent, _name in rows}
        levels.append(rows)
    return tuple(levels)


@functools.lru_cache(maxsize=8)
def _levels_within(folder: Path, stamps: tuple, within: tuple[str, ...]
                   ) -> tuple[tuple[Row, ...], ...]:
    return tuple(tuple(row for row in rows if _within(row[0], within))
                 for rows in _read_levels(folder, stamps))


def load_regions(folder: Path = DATA_DIR, within: Collection[str] = ()) -> LoadReport:
    """Add the regions that are missing and correct official names that changed, in one
    transaction; `within` (codes) limits the load to those regions and their parents.
    Every file is read and checked before anything is written, so data that fails to
    load leaves the previous data as it was. Spelling variants people added stay."""
    levels = read_region_data(folder, within)
    report = LoadReport()
    parent_ids: dict[str, int] = {}
    for level, rows in zip(LEVELS, levels, strict=True):
        parent_ids = _load_level(level, rows, parent_ids, report)
    report.aliases = _add_aliases()
    db.session.flush()
    return report


def _load_level(level: Level, rows: list[Row],
                parent_ids: dict[str, int], report: LoadReport) -> dict[str, int]:
    """Writes one level; returns its ids by code, for the level below."""
    model = level.model
    existing = {code: (row_id, name) for code, row_id, name in db.session.execute(
        select(model.code, model.id, model.name))}
    new, renamed = [], []
    for code, parent, name in rows:
        if code not in existing:
            row = {"code": code, "name": name}
            if level.parent_column:
                row[level.parent_column] = parent_ids[parent]
            if model in (Kecamatan, Desa):
                row["variants"] = ""
            new.append(row)
        elif existing[code][1] != name:
            renamed.append({"row_id": existing[code][0], "new_name": name})
    if new:
        db.session.execute(insert(model), new)
    if renamed:
        table = model.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("row_id"))
                           .values(name=bindparam("new_name")), renamed)
    if level.parent_column == "province_id":
        _adopt_orphan_regions(parent_ids)
    report.added[level.name], report.renamed[level.name] = len(new), len(renamed)
    return dict(db.session.execute(select(model.code, model.id)).tuples().all())


def _adopt_orphan_regions(province_ids: dict[str, int]) -> None:
    """Regions entered before the nationwide data had no province; they get theirs."""
    orphans = db.session.execute(select(Region.id, Region.code)
                                 .where(Region.province_id.is_(None))).all()
    changes = [{"row_id": row_id, "province": province_ids[code[:2]]}
               for row_id, code in orphans if code[:2] in province_ids]
    if changes:
        table = Region.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("row_id"))
                           .values(province_id=bindparam("province")), changes)


def _add_aliases() -> int:
    """The spelling variants of aliases.py that a kecamatan or desa does not list yet."""
    added = 0
    for model in (Kecamatan, Desa):
        wanted = {code: variants for code, variants in ALIASES.items()
                  if code.count(".") == (2 if model is Kecamatan else 3)}
        for place in db.session.scalars(select(model).where(model.code.in_(wanted))):
            missing = [v for v in wanted[place.code]
                       if place_key(v) not in {place_key(s) for s in place.spellings}]
            if missing:
                place.variants = "\n".join([*place.spellings[1:], *missing])
                added += len(missing)
    db.session.flush()
    return added


# --- finding regions -------------------------------------------------------------------

_PREFIXES = {
    "kecamatan": ("kecamatan", "kec"),
    "desa": ("desa", "kelurahan", "kel", "ds", "desa/kelurahan"),
}


def place_key(text: str, level: str = "") -> str:
    """How place names are compared: case, punctuation and spacing aside, and without the
    level's own prefix ('Kec. Bengalon' is 'bengalon')."""
    words = re.sub(r"[^\w]+", " ", text.casefold()).split()
    prefixes = _PREFIXES.get(level, ())
    while len(words) > 1 and words[0] in prefixes:
        words = words[1:]
    return " ".join(words)


def _search_pattern(text: str) -> str:
    """'Kab. Kutai' → '%kabupaten kutai%': the usual abbreviations written out."""
    words = place_key(text).split()
    expansions = {"kab": "kabupaten", "kec": "", "prov": "", "provinsi": ""}
    words = [expansions.get(word, word) for word in words]
    return "%" + " ".join(word for word in words if word) + "%"


def _folded(column):
    """The column as place_key would compare it, as far as SQL can: lower case, with
    hyphens and full stops as spaces."""
    return func.replace(func.replace(func.lower(column), "-", " "), ".", " ")


def search_regions(text: str, *, levels: Iterable[str] = ("provinsi", "kabupaten",
                                                            "kecamatan"),
                   limit: int | None = None) -> list[Province | Region | Kecamatan]:
    """Provinces, kabupaten/kota and kecamatan whose name or a spelling variant holds
    `text`, province first, then kabupaten/kota, then kecamatan, each by code."""
    pattern = _search_pattern(text)
    if pattern == "%%":
        return []
    levels = set(levels)
    found: list = []
    queries = []
    if "provinsi" in levels:
        queries.append(select(Province).where(_folded(Province.name).like(pattern))
                       .order_by(Province.code))
    if "kabupaten" in levels:
        queries.append(select(Region).where(_folded(Region.name).like(pattern))
                       .order_by(Region.code))
    if "kecamatan" in levels:
        queries.append(select(Kecamatan).where(or_(
            _folded(Kecamatan.name).like(pattern), _folded(Kecamatan.variants).like(pattern)))
            .order_by(Kecamatan.code))
    for query in queries:
        if limit is not None:
            query = query.limit(limit - len(found))
        found += db.session.scalars(query)
        if limit is not None and len(found) >= limit:
            break
    return found


def all_kabupaten() -> list[Region]:
    """Every kabupaten/kota, by code, with its province: what an institution may serve."""
    return list(db.session.scalars(select(Region).order_by(Region.code)))


def find_area(code: str) -> Province | Region | None:
    """A province (two digits) or kabupaten/kota (PP.KK) by its code."""
    code = code.strip()
    if re.fullmatch(r"\d{2}", code):
        return db.session.scalar(select(Province).where(Province.code == code))
    return db.session.scalar(select(Region).where(Region.code == code))


class PlaceIndex:
    """Kecamatan or desa/kelurahan found by code, official name or a spelling variant,
    case, punctuation and the level's prefix aside. Never a guess: a near miss gives a
    suggestion, not a match."""

    LABELS = {"kecamatan": "kecamatan", "desa": "desa/kelurahan"}

    def __init__(self, places: Iterable[Kecamatan | Desa], level: str):
        self.level = level
        self.label = self.LABELS[level]
        self.by_key: dict[str, list] = {}
        for place in places:
            for spelling in [place.code, *place.spellings]:
                matches = self.by_key.setdefault(place_key(spelling, level), [])
                if place not in matches:
                    matches.append(place)

    def find(self, text: str) -> list:
        """Every place written `text`: none, one, or several of one name in other regions."""
        return list(self.by_key.get(place_key(text, self.level), []))

    def suggestion(self, text: str) -> str | None:
        """The official name of the place whose spelling is closest to `text`, if close."""
        close = difflib.get_close_matches(place_key(text, self.level), list(self.by_key),
                                          n=1, cutoff=0.75)
        return self.by_key[close[0]][0].name if close else None
