"""Printable badges: A4 sheets of eight, cut along the dashed lines, each with the QR code
the check-in desk scans."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.pdf import render_in_steps, render_pdf
from bimtek.qr import qr_svg
from bimtek.registration.models import Registration
from bimtek.registration.services import ACTIVE

BADGES_PER_SHEET = 8  # 2 columns × 4 rows on A4 portrait
BADGES_PER_ROW = 2
# Sheets laid out at a time: a step of the progress a badge job shows.
SHEETS_PER_STEP = 8


def badge_selection(course: Course, *, institution_id: int | None = None,
                    registration_ids: Iterable[int] | None = None) -> list[Registration]:
    """The course's registered and waitlisted participants, by number: all of them, one
    institution's, or the chosen ones. Ids of other courses' participants select nothing.
    One query: institution and kecamatan are joined in."""
    query = select(Registration).where(Registration.course_id == course.id,
                                       Registration.status.in_(ACTIVE))
    if institution_id is not None:
        query = query.where(Registration.institution_id == institution_id)
    if registration_ids is not None:
        query = query.where(Registration.id.in_(list(registration_ids)))
    return list(db.session.scalars(query.order_by(Registration.number)))


def badge_qr_svg(badge_code: str) -> Markup:
    """The QR code as inline SVG, one path (see bimtek.qr): inline keeps the code out of
    the PDF renderer's URL fetcher altogether."""
    return qr_svg(badge_code)


def badges_pdf(course: Course, registrations: list[Registration], *,
               progress: Callable[[int], None] | None = None) -> bytes:
    """The badges of `registrations` (normally from `badge_selection`) on A4 sheets.
    Cancelled participants and other courses' participants are left out, whatever the
    caller passed; nobody left to print is an error rather than an empty PDF. The sheets
    are laid out a few at a time, and `progress(n)` is told how many badges are done."""
    printable = sorted((r for r in registrations
                        if r.course_id == course.id and r.is_active), key=attrgetter("number"))
    if not printable:
        raise ValidationError(_("There is no registered or waitlisted participant to print a "
                                "badge for."), field="registration_ids")
    sheet_count = -(-len(printable) // BADGES_PER_SHEET)
    step = SHEETS_PER_STEP * BADGES_PER_SHEET

    def parts():
        for start in range(0, len(printable), step):
            cards = [(registration, badge_qr_svg(registration.badge_code))
                     for registration in printable[start:start + step]]
            first = start // BADGES_PER_SHEET
            sheets = _sheets(cards)
            yield render_template(
                "registration/badges_pdf.html", course=course, sheets=sheets,
                labels=[f"{course.code} · {first + number} / {sheet_count}"
                        for number in range(1, len(sheets) + 1)])

    def done(steps: int) -> None:
        if progress is not None:
            progress(min(len(printable), steps * step))

    return render_in_steps(parts(), done=done)


def _sheets(cards: list) -> list[list[list]]:
    """Cards on A4 sheets of 2 × 4: a list of sheets, each a list of rows."""
    sheets = [cards[start:start + BADGES_PER_SHEET]
              for start in range(0, len(cards), BADGES_PER_SHEET)]
    return [[sheet[start:start + BADGES_PER_ROW] for start in range(0, len(sheet),
                                                                     BADGES_PER_ROW)]
            for sheet in sheets]


def slip_selection(course: Course, *, everyone: bool = False) -> list[Registration]:
    """Those the desk hands a paper slip to: registered or waitlisted participants without
    an e-mail address, or everyone."""
    return [registration for registration in badge_selection(course)
            if everyone or not registration.email]


def slips_pdf(course: Course, registrations: list[Registration], links: list[str]) -> bytes:
    """A4 sheets of eight slips, each with a name, the personal link's QR code and the
    link written out, to cut and hand out at the desk."""
    if not registrations:
        raise ValidationError(_("Every participant has an e-mail address: there is no slip "
                                "to print."), field="registration_ids")
    return render_pdf(render_template("registration/slips_pdf.html", course=course,
                                      sheets=_sheets([(registration, badge_qr_svg(link), link)
                                                      for registration, link
                                                      in zip(registrations, links,
                                                             strict=True)])))
