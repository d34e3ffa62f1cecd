"""Institutions: the directory, the names files write them by, and merging duplicates."""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bimtek import audit
from bimtek.errors import ErrorCollector, ValidationError, check_length
from bimtek.extensions import db
from bimtek.institutions.models import Institution, InstitutionAlias, InstitutionKind
from bimtek.institutions.reference import REFERENCE_INSTITUTIONS
from bimtek.regions.models import Region
from bimtek.unit_of_work import flush_changes


def list_institutions(region_ids: list[int] | None = None) -> list[Institution]:
    """Every institution, or those of these regions and those of no region."""
    query = select(Institution).order_by(Institution.short_name)
    if region_ids is not None:
        query = query.where(sa.or_(Institution.region_id.in_(region_ids),
                                   Institution.region_id.is_(None)))
    return list(db.session.scalars(query))


INSTITUTIONS_PER_PAGE = 100


def institutions_page(page: int = 1, per_page: int | None = None):
    return db.paginate(select(Institution).order_by(Institution.short_name), page=page,
                       per_page=per_page or INSTITUTIONS_PER_PAGE, error_out=False)


def find_by_short_names(short_names: Iterable[str]) -> list[Institution]:
    """The institutions with these short names (any case), in the order given."""
    wanted = [name.strip() for name in short_names]
    found = {
        i.short_name.lower(): i
        for i in db.session.scalars(
            select(Institution).where(
                func.lower(Institution.short_name).in_([n.lower() for n in wanted])
            )
        )
    }
    missing = [name for name in wanted if name.lower() not in found]
    if missing:
        raise ValidationError(
            _("Unknown institution: %(names)s.", names=", ".join(missing)),
            field="institutions",
        )
    return [found[name.lower()] for name in wanted]


def check_institution(institution: Institution | None, *, name: str, short_name: str,
                      kind: InstitutionKind | str | None = None, region_id: int | None = None
                      ) -> tuple[str, str]:
    """The institution's names, spaces tidied, when they and its kind and region read;
    otherwise ValidationErrors naming every bad field at once."""
    name, short_name = " ".join(name.split()), " ".join(short_name.split())
    errors = ErrorCollector()
    for field, value, column in (("name", name, Institution.name),
                                 ("short_name", short_name, Institution.short_name)):
        with errors:
            if not value:
                raise ValidationError(_("This field is required."), field=field)
            check_length(value, column, field)
            clash = db.session.scalar(
                select(Institution).where(func.lower(column) == value.lower()))
            if clash is not None and clash is not institution:
                raise ValidationError(_("%(value)s is already used by another institution.",
                                        value=value), field=field)
    with errors:
        if kind is not None and kind not in {member.value for member in InstitutionKind}:
            raise ValidationError(_("Not a valid choice."), field="kind")
    with errors:
        if region_id is not None and db.session.get(Region, region_id) is None:
            raise ValidationError(_("Unknown region."), field="region_id")
    errors.raise_any()
    return name, short_name


def save_institution(institution: Institution | None, *, name: str, short_name: str,
                     kind: InstitutionKind | str | None = None, region_id: int | None = None,
                     by=None) -> Institution:
    """Create (institution=None) or update an institution: the admin's form, the course and
    speaker forms' "add in place", imports; checked by check_institution. Kind and region
    go together: without a kind both stay (a new one is of kind "other"). `by`, the
    account adding it, is remembered: an organiser may name as host an institution they
    added themselves (courses.services.may_name_as_host)."""
    name, short_name = check_institution(institution, name=name, short_name=short_name,
                                         kind=kind, region_id=region_id)
    if institution is None:
        institution = Institution(created_by_id=getattr(by, "id", None))
        db.session.add(institution)
    institution.name, institution.short_name = name, short_name
    if kind is not None:
        institution.kind, institution.region_id = InstitutionKind(kind), region_id
    flush_changes()
    return institution


# --- how people write institutions -----------------------------------------------------

# The abbreviations people use, written out, so that 'Kesbangpol Kab. Kukar' is found
# near 'Badan Kesatuan Bangsa dan Politik Kabupaten Kutai Kartanegara'.
ABBREVIATIONS = {
    "kab": "kabupaten", "kec": "kecamatan", "prov": "provinsi", "pemkab": "pemerintah kabupaten",
    "kesbangpol": "kesatuan bangsa dan politik", "satpol": "satuan polisi",
    "pp": "pamong praja", "setda": "sekretariat daerah", "setkab": "sekretariat kabupaten",
    "disdukcapil": "dinas kependudukan dan pencatatan sipil",
    "bkpsdm": "badan kepegawaian dan pengembangan sumber daya manusia",
    "bkd": "badan kepegawaian daerah", "bpbd": "badan penanggulangan bencana daerah",
    "kpu": "komisi pemilihan umum", "bawaslu": "badan pengawas pemilihan umum",
    "polres": "kepolisian resor", "polsek": "kepolisian sektor", "polda": "kepolisian daerah",
    "kodim": "komando distrik militer", "koramil": "komando rayon militer",
    "ppk": "panitia pemilihan kecamatan", "pps": "panitia pemungutan suara",
    "panwaslu": "panitia pengawas pemilihan umum", "diskominfo": "dinas komunikasi dan informatika",
    "kutim": "kutai timur", "kukar": "kutai kartanegara", "kubar": "kutai barat",
}
KIND_WORDS = (
    (InstitutionKind.AD_HOC_BODY, ("ppk", "pps", "panwaslu", "kpps", "pkd", "panwascam")),
    (InstitutionKind.ELECTION_BODY, ("kpu", "bawaslu")),
    (InstitutionKind.POLICE, ("polres", "polsek", "polda", "polri", "kepolisian")),
    (InstitutionKind.MILITARY, ("kodim", "koramil", "korem", "tni", "kodam", "lanal", "lanud")),
    (InstitutionKind.UNIVERSITY, ("universitas", "unhan", "politeknik", "institut", "stia")),
    (InstitutionKind.CENTRAL_GOVERNMENT, ("bin", "kementerian", "kemendagri", "bps", "kanwil")),
    (InstitutionKind.LOCAL_GOVERNMENT, ("dinas", "badan", "kesbangpol", "satpol", "setda",
                                        "sekretariat", "kecamatan", "bappeda", "inspektorat",
                                        "disdukcapil", "bkpsdm", "bpbd", "diskominfo", "opd")),
)


def institution_key(name: str) -> str:
    """How an institution's name is looked up: case, punctuation and spacing aside."""
    return " ".join(re.sub(r"[^\w]+", " ", name.casefold()).split())


def _expanded(key: str) -> str:
    return " ".join(ABBREVIATIONS.get(word, word) for word in key.split())


def institution_directory() -> dict[str, Institution]:
    """Every institution by the keys of its name, short name and aliases."""
    directory: dict[str, Institution] = {}
    for institution in db.session.scalars(select(Institution).options(
            selectinload(Institution.aliases))):
        for written in (institution.short_name, institution.name,
                        *(alias.name for alias in institution.aliases)):
            directory.setdefault(institution_key(written), institution)
    return directory


def suggest_institutions(written: str, directory: dict[str, Institution], limit: int = 3
                         ) -> list[Institution]:
    """The institutions whose names are closest to `written`, abbreviations written out."""
    by_expanded: dict[str, Institution] = {}
    for key, institution in directory.items():
        by_expanded.setdefault(_expanded(key), institution)
    close = difflib.get_close_matches(_expanded(institution_key(written)), list(by_expanded),
                                      n=limit * 3, cutoff=0.6)
    return list(dict.fromkeys(by_expanded[key] for key in close))[:limit]


@dataclass
class NewInstitution:
    """What a new institution is to be: proposed from how a file writes it, or chosen."""

    name: str
    short_name: str
    kind: InstitutionKind
    region_id: int | None = None


def proposed_institution(written: str, region: Region | None) -> NewInstitution:
    """'Kesbangpol Kukar' → short name as written, the full name with its abbreviations
    written out (title case), the kind its words suggest, the course's region."""
    key = institution_key(written)
    full = " ".join(word if word.isupper() and len(word) > 1 else word.capitalize()
                    for word in _expanded(key).split()) if key else written
    words = set(key.split())
    kind = next((kind for kind, markers in KIND_WORDS if words & set(markers)),
                InstitutionKind.OTHER)
    return NewInstitution(full if full != written else written, " ".join(written.split()),
                          kind, region.id if region else None)


def add_alias(institution: Institution, written: str) -> None:
    """Remember `written` as another name of `institution` (not when it is one already)."""
    key = institution_key(written)
    taken = db.session.scalar(select(InstitutionAlias).where(InstitutionAlias.key == key))
    if taken is not None or key in {institution_key(institution.name),
                                    institution_key(institution.short_name)}:
        return
    db.session.add(InstitutionAlias(institution=institution, name=" ".join(written.split()),
                                    key=key))
    db.session.flush()


def _institution_references() -> list[sa.Column]:
    """Every column that points at an institution (participants, speakers, courses, HR
    scopes, aliases), found in the schema so that none added later is forgotten."""
    return [fk.parent for table in db.metadata.sorted_tables for fk in table.foreign_keys
            if fk.column is Institution.__table__.c.id]


def merge_institutions(duplicate: Institution, into: Institution, *, actor=None) -> None:
    """`duplicate` is the same body as `into`: its participants, speakers, courses and HR
    accounts move to `into`, its names become aliases of `into`, and it goes."""
    if duplicate.id == into.id:
        raise ValidationError(_("Choose another institution to merge into."), field="into")
    names = [duplicate.short_name, duplicate.name]
    # HR accounts scoped to both keep one scope.
    scopes = db.metadata.tables["user_institution"]
    db.session.execute(sa.delete(scopes).where(
        scopes.c.institution_id == duplicate.id, scopes.c.user_id.in_(
            select(scopes.c.user_id).where(scopes.c.institution_id == into.id))))
    for column in _institution_references():
        db.session.execute(sa.update(column.table).where(column == duplicate.id)
                           .values({column.key: into.id}))
    db.session.expire(duplicate, ["aliases"])  # moved to `into`, not to be deleted
    audit.record("institution.merged", into, actor=actor, merged=duplicate.short_name,
                 merged_id=duplicate.id)
    db.session.delete(duplicate)
    db.session.flush()
    for written in names:
        add_alias(into, written)
    flush_changes()


def seed_reference_institutions() -> int:
    """Add the reference institutions that are missing; returns how many were added."""
    existing = set(db.session.scalars(select(Institution.short_name)))
    added = [
        Institution(short_name=short, name=name)
        for short, name in REFERENCE_INSTITUTIONS
        if short not in existing
    ]
    db.session.add_all(added)
    flush_changes()
    return len(added)
