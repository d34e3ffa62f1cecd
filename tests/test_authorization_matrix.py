"""Who gets what from every endpoint: the answers of tests/support/authorization.py's
MATRIX, asked of one world built per module."""
from __future__ import annotations

import pytest

from bimtek.extensions import limiter
from tests.support.authorization import (
    DONE,
    LAST,
    LOGIN,
    MATRIX,
    REDIRECT,
    ROLES,
    endpoint_keys,
    refused_for_csrf,
    world_of,
)


@pytest.fixture(autouse=True)
def _clean_state():
    """Replaces the suite's per-test emptying: the world lives for the whole module."""
    yield


@pytest.fixture(scope="module")
def world(app, tmp_path_factory):
    with world_of(app, tmp_path_factory) as built:
        yield built


# --- the tests ---------------------------------------------------------------------------

def test_every_endpoint_has_a_row(app):
    other_methods = {(rule.endpoint, method) for rules in endpoint_keys(app).values()
                     for rule in rules for method in rule.methods
                     if method not in ("GET", "POST", "HEAD", "OPTIONS")}
    assert other_methods == set(), "the matrix knows only GET and POST"
    keys = set(endpoint_keys(app))
    assert sorted(keys - set(MATRIX)) == [], "endpoints without a row in MATRIX"
    assert sorted(set(MATRIX) - keys) == [], "rows of endpoints that no longer exist"
    assert all(set(row) == set(ROLES) for row in MATRIX.values())


def matches(expected, response) -> bool:
    if isinstance(response, str):
        return False
    status = response.status_code
    to_login = status == 302 and response.location.startswith("/login")
    if expected == LOGIN:
        return to_login
    if expected == REDIRECT:
        return status == 302 and not to_login
    if expected == DONE:
        return status < 500 and status not in (401, 403, 404, 429) and not to_login \
            and not refused_for_csrf(response)
    return status == expected


def describe(response) -> str:
    if isinstance(response, str):
        return response
    if response.status_code == 302:
        return f"302 to {response.location}"
    return str(response.status_code)


ORDER = [key for key in MATRIX if key.startswith("GET ")] + \
    [key for key in MATRIX if key.startswith("POST ") and key not in LAST] + list(LAST)


@pytest.mark.parametrize("key", ORDER)
def test_matrix(app, world, key):
    method, endpoint = key.split(" ")
    rules = endpoint_keys(app).get(key)
    assert rules, f"{key} is in MATRIX but not in the app"
    unexpected = []
    with app.app_context():
        limiter.reset()
    for rule in rules:
        for role in ROLES:
            expected = MATRIX[key][role]
            url, response = world.request(method, key, rule, role, expected)
            if not matches(expected, response):
                unexpected.append(f"{role}: {method} {url} → {describe(response)}, "
                                  f"expected {expected}")
    assert unexpected == []
