"""Printable badges: A4 sheets of eight, cut along the dashed lines, each with the QR code
the check-in desk scans."""
from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

import segno
from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.pdf import render_pdf
from bimtek.registration.models import Registration
from bimtek.registration.services import ACTIVE

BADGES_PER_SHEET = 8  # 2 columns × 4 rows on A4 portrait
BADGES_PER_ROW = 2


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
    """The QR code as inline SVG sized by the stylesheet (a viewBox, no width/height).

    WeasyPrint 70 draws inline <svg> and <img src="data:image/svg+xml,…"> alike, as vectors
    that decode after printing; inline keeps the code out of the URL fetcher altogether.
    The 4-module quiet zone is part of the drawing because scanners need it and the badge
    around it is not guaranteed to stay blank. The markup is path data computed from the
    badge code, never text, so it is safe to insert unescaped. Always a full QR code: a
    code this short would otherwise become a Micro QR, which phone cameras do not read."""
    return Markup(segno.make_qr(badge_code, error="m").svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None))


def badges_pdf(course: Course, registrations: list[Registration]) -> bytes:
    """The badges of `registrations` (normally from `badge_selection`) on A4 sheets.
    Cancelled participants and other courses' participants are left out, whatever the
    caller passed; nobody left to print is an error rather than an empty PDF."""
    printable = sorted((r for r in registrations
                        if r.course_id == course.id and r.is_active), key=attrgetter("number"))
    if not printable:
        raise ValidationError(_("There is no registered or waitlisted participant to print a "
                                "badge for."), field="registration_ids")
    return render_pdf(render_template("registration/badges_pdf.html", course=course,
                                      sheets=_sheets([(registration, badge_qr_svg(
                                          registration.badge_code))
                                          for registration in printable])))


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
