"""Small builders for test data; call them inside an app context."""
from __future__ import annotations

from datetime import date

from bimtek.courses.models import Course, CourseRegion
from bimtek.courses.services import course_end
from bimtek.extensions import db
from bimtek.regions import services as region_services


def make_course(code: str, starts_on: date = date(2024, 10, 28), days: int = 5,
                regions: tuple[str, ...] = (), **fields) -> Course:
    """A draft course; `regions` are codes of kabupaten/kota or provinces already loaded."""
    course = Course(code=code, title=fields.pop("title", f"Bimtek {code}"),
                    starts_on=starts_on, ends_on=course_end(starts_on, days),
                    areas=[CourseRegion.of(region_services.find_area(c)) for c in regions],
                    **fields)
    db.session.add(course)
    db.session.commit()
    return course


# The regions the tests use (docs/domain.md): Kutai Timur, Kutai Kartanegara and Sintang,
# with their provinces; loading the whole country takes seconds.
TEST_REGIONS = ("64.08", "64.02", "61.05")


def seed_regions() -> None:
    region_services.load_regions(within=TEST_REGIONS)
