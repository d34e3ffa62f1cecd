"""The paper sign-in sheet (daftar hadir) of one session: the fallback when the network is
down, signed by hand and marked in afterwards."""
from __future__ import annotations

from flask import render_template

from bimtek.attendance.roll import registered_participants
from bimtek.courses.models import Session
from bimtek.i18n import zone_label
from bimtek.pdf import render_pdf


def sign_in_sheet_pdf(session: Session) -> bytes:
    """A4 portrait: the session's details, then every registered participant by number
    with an empty signature cell; the table header repeats on every page."""
    course = session.course
    html = render_template("attendance/sign_in_sheet_pdf.html", course=course, session=session,
                           zone=zone_label(course.timezone),
                           participants=registered_participants(course))
    return render_pdf(html)
