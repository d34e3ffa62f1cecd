"""The demo participants: made up with identity numbers that agree with each other, then
registered in each demo course."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, select

from bimtek.auth.models import Role, User
from bimtek.courses import services as course_services
from bimtek.courses.models import Course
from bimtek.demo.data.courses import DEMO_ACCOUNTS, DEMO_REGION_CODE
from bimtek.demo.data.people import (
    BACHELORS,
    DEMO_GROUPS,
    DEMO_KECAMATAN_MIX,
    DEMO_NAMES,
    DEMO_ONE_WORD_NAMES,
    DEMO_PARTICIPANT,
    DEMO_PARTICIPANT_INDEX,
    DEMO_PARTICIPANT_INSTITUTION,
    DEMO_PARTICIPANTS_SEED,
    DEMO_REGION,
    DEMO_TOWN_MIX,
    DEMO_TOWN_WEIGHTS,
    DEMO_UNITS,
    DEMO_YEAR,
    EDUCATION_GRADES,
    GRADES,
    MASTERS,
    MOBILE_PREFIXES,
    DemoUnit,
)
from bimtek.extensions import db
from bimtek.institutions import services as institution_services
from bimtek.regions import services as region_services
from bimtek.registration import services as registration_services
from bimtek.registration.models import Registration


class _DemoPeople:
    """Makes up people whose identity numbers agree with each other and are unique."""

    def __init__(self, rng: random.Random, kecamatan_codes: list[str]):
        self.rng = rng
        self.kecamatan_codes = kecamatan_codes  # '01' … '18'
        self.niks = {DEMO_PARTICIPANT["nik"]}
        self.nips = {DEMO_PARTICIPANT["nip"].replace(" ", "")}
        self.phones = {DEMO_PARTICIPANT["phone"]}

    def _weighted(self, options, weights):
        return self.rng.choices(options, weights=weights)[0]

    def unit(self, unit: DemoUnit) -> list[dict]:
        codes = self.kecamatan_codes
        if unit.per_kecamatan:
            people = []
            for code in codes:
                members = [self.person(unit, code) for _ in range(unit.count)]
                for person, position in zip(members, unit.leaders, strict=False):
                    person["position"] = position
                people += members
            return people
        weights = [DEMO_TOWN_WEIGHTS.get(code, 2) for code in codes]
        people = [self.person(unit, self._weighted(codes, weights)) for _ in range(unit.count)]
        # The heads of the office's sections are its civil servants of highest grade.
        seniors = sorted((p for p in people if p["grade"] is not None),
                         key=lambda p: (-p["grade"], p["birth"]))
        for person, position in zip(seniors, unit.leaders, strict=False):
            person["position"] = position
        return people

    def person(self, unit: DemoUnit, kecamatan: str) -> dict:
        rng = self.rng
        gender = "L" if rng.random() < unit.men else "P"
        draw = rng.random()
        service = "pns" if draw < unit.pns else "pppk" if draw < unit.pns + unit.pppk else None
        # Civil servants born before 1967 have retired by 2024 (retirement age 58).
        first_year, last_year = {"pns": (1967, 1998), "pppk": (1975, 1998)}.get(
            service, (1965, 2000))
        birth = date(rng.randint(first_year, last_year), 1, 1) + timedelta(rng.randrange(365))
        education = self._weighted(("sma", "d3", "s1", "s2"), unit.education)
        group = self._weighted(DEMO_GROUPS, DEMO_KECAMATAN_MIX.get(kecamatan, DEMO_TOWN_MIX))
        front_titles, back_titles = self._titles(group, gender, birth, education)
        nip, grade = self._nip(service, birth, gender, education)
        positions = unit.staff[0 if education in ("s1", "s2") else 1]
        return {
            "front_titles": front_titles, "name": self._name(group, gender),
            "back_titles": back_titles, "gender": gender,
            "nik": self._nik(kecamatan, birth, gender), "nip": nip,
            "rank": "{}, {}".format(*GRADES[grade]) if grade is not None else "",
            "position": rng.choice(positions) if positions else "", "unit": unit.unit,
            "institution": unit.institution, "kecamatan": kecamatan, "phone": self._phone(),
            "email": "", "birth": birth, "grade": grade,
        }

    def _name(self, group: str, gender: str) -> str:
        given_names, second_names = DEMO_NAMES[group][gender]
        given = self.rng.choice(given_names)
        seconds = [s for s in second_names if s != given
                   and (s or given in DEMO_ONE_WORD_NAMES)]
        return f"{given} {self.rng.choice(seconds)}".strip()

    def _titles(self, group: str, gender: str, birth: date, education: str
                ) -> tuple[str, str]:
        front, back = [], []
        if education in ("s1", "s2"):
            # Drs./Dra.: the bachelor's title of those who graduated before the 1990s.
            if birth.year <= 1969 and self.rng.random() < 0.6:
                front.append("Drs." if gender == "L" else "Dra.")
            else:
                back.append(self.rng.choice(BACHELORS))
            if education == "s2":
                back.append(self.rng.choice(MASTERS))
        elif education == "d3":
            back.append("A.Md.")
        if group != "dayak" and birth.year <= 1982 and self.rng.random() < 0.2:
            front.append("H." if gender == "L" else "Hj.")
        return " ".join(front), ", ".join(back)

    def _nik(self, kecamatan: str, birth: date, gender: str) -> str:
        """PP KK CC DDMMYY NNNN, 40 added to a woman's day of birth."""
        day = birth.day + 40 if gender == "P" else birth.day
        prefix = f"{DEMO_REGION}{kecamatan}{day:02d}{birth:%m%y}"
        serial = self.rng.randint(1, 40)
        while f"{prefix}{serial:04d}" in self.niks:
            serial += 1
        self.niks.add(f"{prefix}{serial:04d}")
        return f"{prefix}{serial:04d}"

    def _nip(self, service: str | None, birth: date, gender: str, education: str
             ) -> tuple[str, int | None]:
        """A PNS NIP (birth, start of service YYYYMM, gender, serial) with the grade reached
        by regular promotion, or a NI PPPK (birth, appointment year, 2, contract number,
        gender, serial), or none."""
        if service is None:
            return "", None
        gender_digit = "1" if gender == "L" else "2"
        if service == "pns":
            age, first, highest = EDUCATION_GRADES[education]
            start = min(self.rng.randint(birth.year + age, birth.year + age + 10), 2021)
            middle = f"{start}{self._weighted((1, 3, 4, 12), (4, 3, 1, 2)):02d}"
            grade = min(first + (DEMO_YEAR - start) // 4, highest)
        else:
            middle, grade = f"{self.rng.choice((2021, 2022, 2023))}21", None
        prefix = f"{birth:%Y%m%d}{middle}{gender_digit}"
        serial = self.rng.randint(1, 12)
        while f"{prefix}{serial:03d}" in self.nips:
            serial += 1
        self.nips.add(f"{prefix}{serial:03d}")
        return f"{prefix}{serial:03d}", grade

    def _phone(self) -> str:
        while True:
            prefix = self.rng.choice(MOBILE_PREFIXES)
            number = f"0{prefix}-{self.rng.randint(1000, 9999)}-{self.rng.randint(1000, 9999)}"
            if number not in self.phones:
                self.phones.add(number)
                return number


def demo_people(count: int = 2) -> list[list[dict]]:
    """The participants of `count` courses (different people in each batch), the demo
    participant among each course's Kesbangpol list."""
    districts = region_services.read_region_data(within=[DEMO_REGION_CODE])[2]
    people = _DemoPeople(random.Random(DEMO_PARTICIPANTS_SEED),
                         [code[-2:] for code, _region, _name in districts])
    own_name = next(name for _email, name, role, _i in DEMO_ACCOUNTS
                    if role == Role.PARTICIPANT)
    courses = []
    for _ in range(count):
        lists = []
        for unit in DEMO_UNITS:
            if unit.institution != DEMO_PARTICIPANT_INSTITUTION:
                lists += people.unit(unit)
                continue
            members = people.unit(replace(unit, count=unit.count - 1))
            members.insert(DEMO_PARTICIPANT_INDEX, {
                **DEMO_PARTICIPANT, "front_titles": "", "name": own_name,
                "institution": unit.institution, "own": True})
            lists += members
        courses.append(lists)
    return courses


def add_participants(courses: list[Course], participant: User) -> None:
    """Fill each demo course with its 400 participants, unless it has participants
    already. One transaction per course; scrypt is not involved, so this is quick."""
    institutions = {i.short_name: i.id for i in institution_services.list_institutions()}
    known_kecamatan = registration_services.kecamatan_codes()
    for course, people in zip(courses, demo_people(len(courses)), strict=True):
        if db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.course_id == course.id)):
            continue
        kecamatan = {k.code[-2:]: k.id for k in course_services.course_kecamatan(course)}
        checked = [registration_services.check_participant(
            course, registration_services.ParticipantInput(
                front_titles=p["front_titles"], name=p["name"], back_titles=p["back_titles"],
                gender=p["gender"], nik=p["nik"], nip=p["nip"], rank=p["rank"],
                position=p["position"], institution_id=institutions[p["institution"]],
                unit=p["unit"], kecamatan_id=kecamatan[p["kecamatan"]], phone=p["phone"],
                email=p["email"]), known_kecamatan)
            for p in people]
        registration_services.register_many(
            course, checked, user_ids=[participant.id if p.get("own") else None
                                       for p in people])
