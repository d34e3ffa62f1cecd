"""Numbers past 64 bits, wherever the app reads a number, answer 404 or 400: never a server
error. The URL map is walked, so a new route or query parameter is covered by itself."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bimtek.extensions import limiter
from tests.support.authorization import LAST, build_url, endpoint_keys, world_of

HUGE = str(2**64)
# Every query parameter the views read as a number, found in the code, so none is missed.
NUMERIC_QUERY = re.compile(r"""args\.get(?:list)?\("(\w+)"[^)]*type=int""")
BIMTEK = Path(__file__).resolve().parent.parent / "bimtek"
# Form fields that name objects or hold counts, sent to every POST endpoint at once.
NUMERIC_FIELDS = ("id", "ids", "course_id", "session_id", "registration_id", "institution_id",
                  "room_id", "speaker_id", "kecamatan_id", "team_id", "objective_id",
                  "source_id", "copy-source_id", "capacity", "jp", "batch", "seats", "page",
                  "registration_ids", "participant_id", "user_id", "number")


def numeric_query_parameters() -> set[str]:
    return {name for path in BIMTEK.rglob("*.py") for name in NUMERIC_QUERY.findall(
        path.read_text())}


@pytest.fixture(autouse=True)
def _clean_state():
    """The world lives for the whole module."""
    yield


@pytest.fixture(scope="module")
def world(app, tmp_path_factory):
    with world_of(app, tmp_path_factory) as built:
        yield built


def test_the_code_reads_the_parameters_the_issue_names():
    # The badges' `institution_id` and `id` are form fields now that badges print as a job:
    # NUMERIC_FIELDS sends them to every POST endpoint.
    assert {"page", "session_id"} <= numeric_query_parameters()
    assert {"institution_id", "id"} <= set(NUMERIC_FIELDS)


def int_rules(app):
    return [(key, rule) for key, rules in endpoint_keys(app).items() for rule in rules
            if any(type(rule._converters[name]).__name__ == "IdConverter"
                   for name in rule.arguments)]


def test_an_id_past_64_bits_in_any_url_is_not_found(app, world):
    rules = int_rules(app)
    assert len(rules) > 40
    client = world.clients["admin"]
    answers = {}
    for key, rule in rules:
        extra = {name: HUGE for name in rule.arguments
                 if type(rule._converters[name]).__name__ == "IdConverter"}
        url = build_url(rule, world.values["admin"], extra)
        method = key.split(" ")[0]
        response = client.get(url) if method == "GET" else client.post(
            url, data={"csrf_token": world.tokens["admin"]})
        answers[key] = response.status_code
    assert {key: status for key, status in answers.items() if status != 404} == {}


@pytest.mark.parametrize("role", ["admin", "organiser", "hr"])
def test_numbers_past_64_bits_in_query_parameters_answer_400_or_less(app, world, role):
    query = dict.fromkeys(numeric_query_parameters(), HUGE)
    client = world.clients[role]
    failures = {}
    for key, rules in endpoint_keys(app).items():
        if not key.startswith("GET "):
            continue
        for rule in rules:
            url = build_url(rule, world.values[role])
            with app.app_context():
                limiter.reset()
            response = client.get(url, query_string=query)
            if response.status_code >= 500:
                failures[url] = response.status_code
    assert failures == {}


def test_numbers_past_64_bits_in_form_fields_answer_400_or_less(app, world):
    client = world.clients["organiser"]
    form = dict.fromkeys(NUMERIC_FIELDS, HUGE)
    failures = {}
    for key, rules in endpoint_keys(app).items():
        if not key.startswith("POST ") or key in LAST:
            continue
        for rule in rules:
            url = build_url(rule, world.values["organiser"])
            with app.app_context():
                limiter.reset()
            response = client.post(url, data={"csrf_token": world.tokens["organiser"], **form})
            if response.status_code >= 500:
                failures[url] = response.status_code
    assert failures == {}
