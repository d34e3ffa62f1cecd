"""Every route declares who may use it, and is refused to the others."""
import pytest

from tests.support.web import csrf_token, login


def routes(app, method):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("bootstrap."):
            continue
        if method in rule.methods:
            yield rule


def concrete(rule) -> str:
    """The rule's path with a valid value in every placeholder: 1 (an int and a string),
    or the first choice of an `any(…)` placeholder."""
    values = {name: min(getattr(rule._converters[name], "items", None) or ["1"])
              for name in rule.arguments}
    return rule.build(values)[1]


def test_every_view_declares_its_access_rule(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.endpoint != "static" and not rule.endpoint.startswith("bootstrap.")
                  and not hasattr(app.view_functions[rule.endpoint], "access_scope")]
    assert undeclared == []


def scope(app, rule) -> str:
    return app.view_functions[rule.endpoint].access_scope


def test_anonymous_visitors_are_sent_to_login(app, client):
    for rule in routes(app, "GET"):
        if scope(app, rule) == "public":
            continue
        response = client.get(concrete(rule))
        assert response.status_code == 302, rule.rule
        assert response.location.startswith("/login"), rule.rule


def test_every_post_without_csrf_token_is_refused(app, client, make_user):
    make_user("admin@bimtek.test", "admin")
    login(client, "admin@bimtek.test")
    for rule in routes(app, "POST"):
        if scope(app, rule) == "device":
            continue  # bearer tokens, no cookies: covered by the next test
        response = client.post(concrete(rule), data={"email": "x", "locale": "en"})
        assert response.status_code == 400, rule.rule
        assert "Formulir kedaluwarsa" in response.get_data(as_text=True), rule.rule


def test_device_routes_need_a_bearer_token_even_with_a_logged_in_admin(app, client,
                                                                       make_user):
    make_user("admin@bimtek.test", "admin")
    login(client, "admin@bimtek.test")
    device_routes = [rule for rule in routes(app, "POST") if scope(app, rule) == "device"]
    assert device_routes
    for rule in device_routes:
        response = client.post(concrete(rule), json={"badge": "x", "nonce": "y"})
        assert response.status_code == 401, rule.rule
        assert response.json["error"] == "unauthorized"


@pytest.mark.parametrize("token", ["", "bogus-token"])
def test_wrong_csrf_token_is_refused(client, make_user, token):
    make_user("admin@bimtek.test", "admin")
    response = client.post("/login", data={"csrf_token": token, "email": "admin@bimtek.test",
                                           "password": "rahasia-123"})
    assert response.status_code == 400


def test_anonymous_posts_with_a_valid_token_are_sent_to_login(app, client):
    token = csrf_token(client)
    for rule in routes(app, "POST"):
        if scope(app, rule) in ("public", "device"):
            continue
        response = client.post(concrete(rule), data={"csrf_token": token})
        assert response.status_code == 302, rule.rule
        assert response.location.startswith("/login"), rule.rule
