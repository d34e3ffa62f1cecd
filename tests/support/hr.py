"""HR offices and their staff over several years of courses: the world of the JP transcript,
shared by its service tests and its browser journey."""
from __future__ import annotations

from datetime import date

import pytest

from bimtek.certificates.models import Certificate
from bimtek.extensions import db
from bimtek.registration import services as registration_services
from tests.certificates.factories import institution, participant_nip
from tests.factories import make_course
from tests.registration.factories import participant

HR = "hr@bimtek.test"  # Kesbangpol Kutim
OTHER_HR = "hr2@bimtek.test"  # Satpol PP Kutim


# Courses as (code, first day, JP): one in 2023, three in 2024.
COURSES = (("KSP-2023", date(2023, 6, 5), 30), ("PKS-2024", date(2024, 10, 28), 12),
           ("SIM-2024", date(2024, 3, 4), 8), ("KOM-2024", date(2024, 8, 12), 7))


# Who holds which certificate: (serial, name, NIP?, institution, unit, courses).
STAFF = (
    (1, "Andi Pratama", True, "Kesbangpol Kutim", "Bidang Politik",
     ("KSP-2023", "PKS-2024", "SIM-2024")),  # 12 + 8 = exactly 20 in 2024
    (2, "Budi Santoso", False, "Kesbangpol Kutim", "Sekretariat",
     ("PKS-2024", "KOM-2024")),  # 12 + 7 = 19, known by the NIK across courses
    (3, "Citra Lestari", True, "Kesbangpol Kutim", "Sekretariat", ("KSP-2023",)),
    (4, "Dedi Satpol", True, "Satpol PP Kutim", "Trantib", ("SIM-2024",)),
)


@pytest.fixture
def staff(app, make_user):
    with app.app_context():
        host = institution("Pemkab Kutim", "Pemerintah Kabupaten Kutai Timur")
        courses = {code: make_course(code, starts_on=starts_on, capacity=10,
                                     host_institution_id=host.id)
                   for code, starts_on, _jp in COURSES}
        jp = {code: value for code, _starts_on, value in COURSES}
        seq = 0
        for serial, name, has_nip, short_name, unit, codes in STAFF:
            for code in codes:
                registration = registration_services.register(courses[code], participant(
                    serial, institution(short_name).id, name=name, unit=unit,
                    nip=participant_nip(serial) if has_nip else ""))
                seq += 1
                db.session.add(Certificate(
                    course_id=courses[code].id, registration_id=registration.id, seq=seq,
                    number=f"{seq:03}/{code}", attended_jp=jp[code], total_jp=jp[code],
                    pdf_file=f"{seq}.pdf"))
        # Citra also went to a 2024 course, but her certificate was revoked: it counts nothing.
        revoked = registration_services.register(courses["KOM-2024"], participant(
            3, institution("Kesbangpol Kutim").id, name="Citra Lestari", unit="Sekretariat",
            nip=participant_nip(3)))
        db.session.add(Certificate(course_id=courses["KOM-2024"].id,
                                   registration_id=revoked.id, seq=99, number="099/KOM",
                                   attended_jp=7, total_jp=7, pdf_file="99.pdf",
                                   revoked_at=date(2024, 9, 1), revoked_reason="Data salah"))
        db.session.commit()
    make_user(HR, "hr", institutions=("Kesbangpol Kutim",))
    make_user(OTHER_HR, "hr", institutions=("Satpol PP Kutim",))
