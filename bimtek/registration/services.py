"""Registration rules: identity checks, capacity and waitlist, cancelling, badges."""
from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field

import segno
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from bimtek import audit
from bimtek.auth.models import Role
from bimtek.concurrency import flush_or_refuse, increment
from bimtek.courses import services as course_services
from bimtek.courses.agenda import AGENDA_READERS_BEYOND_STAFF
from bimtek.courses.models import Course
from bimtek.errors import ErrorCollector, ValidationError
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.regions.models import Desa, Kecamatan
from bimtek.regions.services import PlaceIndex
from bimtek.registration.badge_codes import new_badge_code
from bimtek.registration.identity import (
    Nik,
    clean_text,
    identity_warnings,
    normalise_phone,
    parse_gender,
    parse_nik,
    parse_nip,
    parse_nrp,
)
from bimtek.registration.models import Registration, RegistrationStatus, UnitQuota
from bimtek.speakers.models import fold_name
from bimtek.spreadsheet_writing import check_no_hidden_formula
from bimtek.unit_of_work import flush_changes

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


@dataclass
class ParticipantInput:
    """What is known about a person before they are registered, as typed."""

    name: str
    nik: str
    gender: str
    institution_id: int | None
    front_titles: str = ""
    back_titles: str = ""
    nip: str = ""
    rank: str = ""
    position: str = ""
    unit: str = ""
    kecamatan_id: int | None = None
    phone: str = ""
    email: str = ""
    nrp: str = ""
    desa_id: int | None = None


@dataclass
class CheckedParticipant:
    """A participant whose identity numbers and phone have been read and normalised."""

    fields: dict
    warnings: list[str] = field(default_factory=list)


def check_participant(course: Course, data: ParticipantInput,
                      known_kecamatan: Container[str] | None = None) -> CheckedParticipant:
    """Errors raise ValidationError naming the field (ValidationErrors naming every bad
    field, so a form shows them all at once); disagreements are warnings.
    `known_kecamatan`: every kecamatan code, when many participants are checked at once."""
    errors = ErrorCollector()
    name = clean_text(data.name)
    with errors:
        if not name:
            raise ValidationError(_("The name is required."), field="name")
    for field_name in ("name", "front_titles", "back_titles"):
        with errors:
            check_no_hidden_formula(getattr(data, field_name), field_name)
    for field_name in ("front_titles", "back_titles"):
        limit = Registration.__table__.c[field_name].type.length
        with errors:
            if len(clean_text(getattr(data, field_name))) > limit:
                raise ValidationError(_("The titles are longer than %(limit)d characters.",
                                        limit=limit), field=field_name)
    nik = nip = nrp = gender = None
    with errors:
        nik = parse_nik(data.nik)
    with errors:
        nip = parse_nip(data.nip)
    with errors:
        nrp = parse_nrp(data.nrp)
    with errors:
        gender = parse_gender(data.gender)
    with errors:
        if data.institution_id is None or db.session.get(Institution, data.institution_id) is None:
            raise ValidationError(_("Choose the participant's institution."),
                                  field="institution_id")
    with errors:
        if data.kecamatan_id is not None:
            kecamatan = db.session.get(Kecamatan, data.kecamatan_id)
            if kecamatan is None or not course_services.in_course_regions(course, kecamatan):
                raise ValidationError(_("This kecamatan is not in the course's region."),
                                      field="kecamatan_id")
    with errors:
        if data.desa_id is not None:
            desa = db.session.get(Desa, data.desa_id)
            if desa is None or desa.kecamatan_id != data.kecamatan_id:
                raise ValidationError(_("This desa/kelurahan is not in the participant's "
                                        "kecamatan."), field="desa_id")
    email = clean_text(data.email).lower()
    with errors:
        if email and "@" not in email:
            raise ValidationError(_("This is not a valid e-mail address."), field="email")
    errors.raise_any()
    return CheckedParticipant(
        fields={
            "name": name, "front_titles": clean_text(data.front_titles),
            "back_titles": clean_text(data.back_titles), "gender": gender,
            "nik": nik.digits, "nip": nip.digits if nip else None, "nrp": nrp,
            "rank": clean_text(data.rank), "position": clean_text(data.position),
            "institution_id": data.institution_id, "unit": clean_text(data.unit),
            "kecamatan_id": data.kecamatan_id, "desa_id": data.desa_id,
            "phone": normalise_phone(data.phone) or "", "email": email,
        },
        warnings=identity_warnings(nik, nip, gender) + nik_region_warnings(
            nik, known_kecamatan),
    )


def nik_region_warnings(nik: Nik, known_kecamatan: Container[str] | None = None) -> list[str]:
    """A NIK whose first six digits name no kecamatan in the region data: a warning, not an
    error, because a NIK keeps the region where it was first issued (people move, and
    kecamatan are split and renumbered)."""
    if known_kecamatan is None:
        known_kecamatan = kecamatan_codes()
    if not known_kecamatan or nik.region_code in known_kecamatan:
        return []
    return [_("NIK %(nik)s: its first six digits (%(code)s) name no kecamatan in the region "
              "data; check the NIK.", nik=nik.digits, code=nik.region_code)]


def kecamatan_codes() -> set[str]:
    """Every kecamatan code in the region data (none before it is loaded)."""
    return set(db.session.scalars(select(Kecamatan.code)))


def _next_numbers(course: Course, count: int) -> range:
    last = increment(Course, course.id, Course.last_participant_number, count)
    return range(last - count + 1, last + 1)


def _registered_counts(course: Course) -> tuple[int, dict[str, int]]:
    """Registered participants in all, and per unit (folded)."""
    rows = db.session.execute(
        select(Registration.unit, func.count()).where(
            Registration.course_id == course.id,
            Registration.status == RegistrationStatus.REGISTERED)
        .group_by(Registration.unit)).all()
    per_unit: dict[str, int] = {}
    for unit, count in rows:
        per_unit[fold_name(unit)] = per_unit.get(fold_name(unit), 0) + count
    return sum(per_unit.values()), per_unit


def unit_quotas(course: Course) -> dict[str, int]:
    return {fold_name(q.unit): q.seats for q in db.session.scalars(
        select(UnitQuota).where(UnitQuota.course_id == course.id))}


class Seats:
    """Seats left in the course and in each unit with a quota. Counted under the course's
    lock while registering; counted without it, it is a forecast (an import's preview)."""

    def __init__(self, course: Course):
        self.capacity = course.capacity
        self.taken, self.per_unit = _registered_counts(course)
        self.quotas = unit_quotas(course)

    def refusal(self, unit: str) -> str | None:
        """Why one more participant of `unit` gets no seat; None when they get one."""
        if self.taken >= self.capacity:
            return _("The course is full (%(capacity)d seats); allow the waitlist to put "
                     "this participant on it.", capacity=self.capacity)
        key = fold_name(unit)
        if key in self.quotas and self.per_unit.get(key, 0) >= self.quotas[key]:
            return _("The unit %(unit)s has no seat left (quota %(seats)d); allow the "
                     "waitlist to put this participant on it.", unit=unit,
                     seats=self.quotas[key])
        return None

    def take(self, unit: str) -> None:
        self.taken += 1
        self.per_unit[fold_name(unit)] = self.per_unit.get(fold_name(unit), 0) + 1


def active_numbers(course: Course, niks: Iterable[str]) -> dict[str, int]:
    """The participant number of each of these NIKs already active in the course."""
    niks = list(niks)
    if not niks:
        return {}
    return dict(db.session.execute(
        select(Registration.nik, Registration.number).where(
            Registration.course_id == course.id, Registration.nik.in_(niks),
            Registration.status.in_(ACTIVE))).all())


def register_many(course: Course, participants: list[CheckedParticipant], *, actor=None,
                  waitlist_when_full: bool = True, user_ids: Iterable[int | None] = ()
                  ) -> list[Registration]:
    """Register everyone in one transaction, or no one: seats are given in order, the
    rest are waitlisted (or refused when `waitlist_when_full` is off)."""
    course_services.lock_course(course)  # two registrations never take the last seat
    existing = active_numbers(course, [p.fields["nik"] for p in participants])
    for participant in participants:
        if participant.fields["nik"] in existing:
            raise ValidationError(
                _("NIK %(nik)s is already registered in this course as participant "
                  "%(number)d.", nik=participant.fields["nik"],
                  number=existing[participant.fields["nik"]]), field="nik")
    seats = Seats(course)
    registrations = []
    user_ids = list(user_ids) or [None] * len(participants)
    numbers = _next_numbers(course, len(participants))
    for participant, number, user_id in zip(participants, numbers, user_ids, strict=True):
        refusal = seats.refusal(participant.fields["unit"])
        if refusal is None:
            seats.take(participant.fields["unit"])
            status = RegistrationStatus.REGISTERED
        elif waitlist_when_full:
            status = RegistrationStatus.WAITLISTED
        else:
            raise ValidationError(refusal, field="status")
        registration = Registration(course_id=course.id, number=number, status=status,
                                    user_id=user_id, **participant.fields)
        db.session.add(registration)
        registrations.append(registration)
    db.session.flush()
    for registration in registrations:
        audit.record("registration.created", registration, actor=actor,
                     status=registration.status.value)
    _commit_registration()
    return registrations


def register(course: Course, data: ParticipantInput, *, actor=None, user_id: int | None = None,
             waitlist_when_full: bool = True) -> Registration:
    checked = check_participant(course, data)
    (registration,) = register_many(course, [checked], actor=actor, user_ids=[user_id],
                                    waitlist_when_full=waitlist_when_full)
    return registration


def update_registration(registration: Registration, data: ParticipantInput, *, actor=None
                        ) -> list[str]:
    """Correct a participant's details; returns the identity warnings. The NIK stays
    unique among the course's active registrations."""
    checked = check_participant(registration.course, data)
    clash = active_numbers(registration.course, [checked.fields["nik"]])
    if clash and clash[checked.fields["nik"]] != registration.number:
        raise ValidationError(
            _("NIK %(nik)s is already registered in this course as participant %(number)d.",
              nik=checked.fields["nik"], number=clash[checked.fields["nik"]]), field="nik")
    changed = {name: value for name, value in checked.fields.items()
               if getattr(registration, name) != value}
    for name, value in changed.items():
        setattr(registration, name, value)
    if changed:
        audit.record("registration.updated", registration, actor=actor,
                     fields=", ".join(sorted(changed)))
    _commit_registration()
    return checked.warnings


def _commit_registration() -> None:
    flush_or_refuse(_("Someone with the same NIK registered at the same moment; check the "
                       "list and try again."), field="nik")


def cancel(registration: Registration, *, actor=None, reason: str = "") -> Registration | None:
    """Cancel; the first waitlisted person who fits takes the seat. Returns them."""
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."), field="status")
    course = registration.course
    course_services.lock_course(course)  # two registrations never take the last seat
    previous = registration.status
    registration.status = RegistrationStatus.CANCELLED
    audit.record("registration.cancelled", registration, actor=actor,
                 previous=previous.value, reason=reason)
    db.session.flush()
    promoted = None
    if previous == RegistrationStatus.REGISTERED:
        seats = Seats(course)
        promoted = next((waiting for waiting in db.session.scalars(
            select(Registration).where(Registration.course_id == course.id,
                                       Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.number)) if seats.refusal(waiting.unit) is None), None)
        if promoted is not None:
            promoted.status = RegistrationStatus.REGISTERED
            audit.record("registration.promoted", promoted, actor=actor,
                         seat_of=registration.number)
    flush_changes()
    return promoted


def reissue_badge(registration: Registration, *, actor=None) -> str:
    """A lost badge: a new code, and the old one (and any older badge's) stops working
    at once."""
    old = registration.badge_code
    registration.badge_code = new_badge_code()
    registration.legacy_badge_code = None
    audit.record("registration.badge_reissued", registration, actor=actor, old=old[:4] + "…")
    flush_changes()
    return registration.badge_code


def set_unit_quota(course: Course, unit: str, seats: int | None, *, actor=None) -> None:
    unit = clean_text(unit)
    quota = next((q for q in db.session.scalars(select(UnitQuota).where(
        UnitQuota.course_id == course.id)) if fold_name(q.unit) == fold_name(unit)), None)
    if seats is None:
        if quota is not None:
            db.session.delete(quota)
    elif seats < 0:
        raise ValidationError(_("Seats cannot be negative."), field="seats")
    elif quota is None:
        db.session.add(UnitQuota(course_id=course.id, unit=unit, seats=seats))
    else:
        quota.seats = seats
    audit.record("course.unit_quota", course, actor=actor, course_id=course.id, unit=unit,
                 seats=seats)
    flush_changes()


def kecamatan_index(course: Course) -> PlaceIndex:
    return PlaceIndex(course_services.course_kecamatan(course), "kecamatan")


def desa_index(kecamatan: Kecamatan) -> PlaceIndex:
    return PlaceIndex(db.session.scalars(select(Desa).where(Desa.kecamatan_id == kecamatan.id)),
                      "desa")


def find_kecamatan(course: Course, text: str, index: PlaceIndex | None = None) -> Kecamatan:
    """The kecamatan of the course's regions written `text` (`index`: the course's
    kecamatan_index, when many are looked up); ValidationError saying what is wrong."""
    if not course.areas:
        raise ValidationError(_(
            "The course has no region to look up the kecamatan %(value)s in; choose the "
            "course's regions on its form or leave the column empty.",
            value=f"'{clean_text(text)}'"), field="kecamatan")
    return resolve_place(text, index or kecamatan_index(course), course.region_names)


def resolve_place(text: str, index: PlaceIndex, where: str) -> Kecamatan | Desa:
    """The one kecamatan or desa/kelurahan of `index` written `text` (its name, a spelling
    variant or its code); never a guess: a near miss is refused with a suggestion.
    `where` names the area searched, e.g. 'Kabupaten Kutai Kartanegara'."""
    matches = index.find(text)
    if len(matches) == 1:
        return matches[0]
    value = f"'{clean_text(text)}'"
    if matches:
        raise ValidationError(_(
            "%(value)s names more than one %(level)s in %(where)s; write its code instead "
            "(%(codes)s).", value=value, level=index.label, where=where,
            codes=", ".join(f"{place.code} {place.parent.name}" for place in matches)))
    suggestion = index.suggestion(text)
    if suggestion is not None:
        raise ValidationError(_("%(value)s is not a %(level)s of %(where)s; did you mean "
                                "'%(suggestion)s'?", value=value, level=index.label,
                                where=where, suggestion=suggestion))
    raise ValidationError(_("%(value)s is not a %(level)s of %(where)s.", value=value,
                            level=index.label, where=where))


def find_registration(course: Course, registration_id: int) -> Registration | None:
    """A registration only through its own course."""
    registration = db.session.get(Registration, registration_id)
    return registration if registration and registration.course_id == course.id else None


def search_registrations(course: Course, *, text: str = "", institution_id: int | None = None,
                         unit: str = "", kecamatan_id: int | None = None,
                         status: str = "", page: int = 1, per_page: int = 100):
    query = select(Registration).where(Registration.course_id == course.id) \
        .order_by(Registration.number)
    if text.strip():
        digits = "".join(ch for ch in text if ch.isdigit())
        pattern = f"%{fold_name(text)}%"
        conditions = [func.lower(Registration.name).like(pattern)]
        if digits:
            conditions += [Registration.nik.like(f"%{digits}%"),
                           Registration.nip.like(f"%{digits}%")]
        query = query.where(or_(*conditions))
    if institution_id:
        query = query.where(Registration.institution_id == institution_id)
    if unit:
        query = query.where(func.lower(Registration.unit) == fold_name(unit))
    if kecamatan_id:
        query = query.where(Registration.kecamatan_id == kecamatan_id)
    if status in {s.value for s in RegistrationStatus}:
        query = query.where(Registration.status == RegistrationStatus(status))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def counts(course: Course) -> dict:
    """Registered, waitlisted and cancelled in all; registered per unit and kecamatan."""
    by_status = dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.course_id == course.id)
        .group_by(Registration.status)).all())
    registered = Registration.status == RegistrationStatus.REGISTERED
    per_unit = db.session.execute(
        select(Registration.unit, func.count()).where(Registration.course_id == course.id,
                                                      registered)
        .group_by(Registration.unit).order_by(Registration.unit)).all()
    per_kecamatan = db.session.execute(
        select(Kecamatan.name, func.count()).join(Registration.kecamatan)
        .where(Registration.course_id == course.id, registered)
        .group_by(Kecamatan.name, Kecamatan.code).order_by(Kecamatan.code)).all()
    return {"status": {s: by_status.get(s, 0) for s in RegistrationStatus},
            "unit": per_unit, "kecamatan": per_kecamatan}


def registered_counts(course_ids: Iterable[int]) -> dict[int, int]:
    """Registered participants (neither waitlisted nor cancelled) per course, in one query."""
    return dict(db.session.execute(
        select(Registration.course_id, func.count())
        .where(Registration.course_id.in_(list(course_ids)),
               Registration.status == RegistrationStatus.REGISTERED)
        .group_by(Registration.course_id)).all())


KNOWN_UNITS = ["Kesbangpol", "Satpol PP", "PPK", "Panwaslu Kecamatan", "PPS", "KPPS",
               "Perangkat Daerah"]


def unit_names(course: Course) -> list[str]:
    """The usual units plus any other the course's participants already belong to."""
    used = db.session.scalars(select(Registration.unit).distinct().where(
        Registration.course_id == course.id, Registration.unit != "")).all()
    known = {fold_name(unit) for unit in KNOWN_UNITS}
    return KNOWN_UNITS + sorted(unit for unit in used if fold_name(unit) not in known)


@dataclass
class FilterChoices:
    institutions: list[Institution]
    units: list[str]
    kecamatan: list[Kecamatan]


def filter_choices(course: Course) -> FilterChoices:
    """What a list of the course's participants can be narrowed to: the institutions and
    kecamatan its participants come from, and the units (the usual ones and any in use)."""
    def used_by(column, key):
        return select(Registration.id).where(Registration.course_id == course.id,
                                             column == key).exists()

    institutions = db.session.scalars(select(Institution).where(
        used_by(Registration.institution_id, Institution.id)).order_by(Institution.short_name))
    kecamatan = db.session.scalars(select(Kecamatan).where(
        used_by(Registration.kecamatan_id, Kecamatan.id)).order_by(Kecamatan.code))
    return FilterChoices(list(institutions), unit_names(course), list(kecamatan))


def unit_quotas_list(course: Course) -> list[UnitQuota]:
    return list(db.session.scalars(select(UnitQuota).where(UnitQuota.course_id == course.id)
                                   .order_by(UnitQuota.unit)))


def set_registration_open(course: Course, is_open: bool, *, actor=None) -> None:
    course.registration_open = is_open
    audit.record("course.registration_open" if is_open else "course.registration_closed",
                 course, actor=actor, course_id=course.id)
    flush_changes()


def find_by_personal_token(token: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.personal_token == token))


def registrations_of_user(user_id: int) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.user_id == user_id, Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.created_at.desc())))


def is_participant(user, course: Course) -> bool:
    """Whether `user` is registered for `course` (and has not cancelled)."""
    return Role.PARTICIPANT in user.roles and db.session.scalar(
        select(Registration.id).where(
            Registration.course_id == course.id, Registration.user_id == user.id,
            Registration.status != RegistrationStatus.CANCELLED).limit(1)) is not None


# A course's participants read its agenda once it is published.
AGENDA_READERS_BEYOND_STAFF.append(is_participant)


def badge_qr_svg(registration: Registration) -> str:
    """The badge's QR code as inline SVG (vector, sharp on any screen or printer)."""
    return segno.make_qr(registration.badge_code, error="m").svg_inline(scale=5, border=2)
