"""Talking to the app as a browser does: logging in, and posting forms with their CSRF token."""
from __future__ import annotations

import re

TEST_PASSWORD = "rahasia-123"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                        r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token(client) -> str:
    """A valid token for this client's session, read from a rendered form."""
    html = client.get("/login", follow_redirects=True).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, "no form with a CSRF token on the page"
    return next(group for group in match.groups() if group)


def post(client, url, data=None, **kwargs):
    """POST like a browser does: with the form's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def login(client, email, password=TEST_PASSWORD):
    response = post(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, f"login as {email} failed"
    return response
