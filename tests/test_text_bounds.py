"""Every text a user can type has a maximum length, enforced by its form and its column."""
from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms.validators import Length

from bimtek import VIEW_MODULES
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.speakers.models import Speaker
from bimtek.speakers.services import save_speaker
from tests.support.web import login, post

# Written by the app itself, never typed: error reports, mail it sends, region spellings
# from the vendored data.
WRITTEN_BY_THE_APP = {"certificate_batch.error", "badge_job.error", "mail_job.error",
                      "mail_message.body", "mail_message.error", "kecamatan.variants",
                      "desa.variants",
                      # read from a signatory's PKCS#12 file, never typed
                      "signatory.certificate_pem", "signatory.chain_pem"}
TEXT_INPUTS = ("StringField", "TextAreaField", "PasswordField", "EmailField", "SearchField",
               "TelField", "URLField")


def test_every_text_column_has_a_length(app):
    unbounded = sorted(
        f"{table.name}.{column.name}" for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, sa.String) and column.type.length is None)
    assert sorted(set(unbounded) - WRITTEN_BY_THE_APP) == []


def all_forms() -> list[type[FlaskForm]]:
    for name in VIEW_MODULES:
        module = importlib.import_module(f"bimtek.{name}")
        importlib.import_module(module.__package__ + ".forms") if importlib.util.find_spec(
            module.__package__ + ".forms") else None
    found, queue = [], list(FlaskForm.__subclasses__())
    while queue:
        form = queue.pop()
        found.append(form)
        queue.extend(form.__subclasses__())
    return [form for form in found if form.__module__.startswith("bimtek.")]


def text_fields(form: type[FlaskForm]):
    for name in dir(form):
        unbound = getattr(form, name, None)
        if getattr(unbound, "field_class", None) is not None and \
                unbound.field_class.__name__ in TEXT_INPUTS:
            yield name, unbound


def test_every_text_field_of_every_form_has_a_maximum_length(app):
    forms = all_forms()
    assert len(forms) > 30
    unbounded = sorted(
        f"{form.__module__}.{form.__name__}.{name}" for form in forms
        for name, field in text_fields(form)
        if not any(isinstance(validator, Length) and validator.max not in (None, -1)
                   for validator in field.kwargs.get("validators") or ()))
    assert unbounded == []


def test_a_text_longer_than_its_column_is_refused_by_the_form_and_changes_nothing(
        app, client, make_user):
    make_user("organiser@bimtek.test", "organiser")
    login(client, "organiser@bimtek.test")
    response = post(client, "/speakers/new", {"name": "Narasumber", "institution_id": "",
                                              "bio": "x" * (Speaker.bio.type.length + 1)})
    assert response.status_code == 200
    assert "Isian tidak boleh lebih dari 2000 karakter." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Speaker).count() == 0


def test_a_text_longer_than_its_column_is_refused_on_every_other_way_in(app):
    with app.app_context():
        with pytest.raises(ValidationError) as refused:
            save_speaker(None, name="Narasumber", bio="x" * 2001)
        assert refused.value.field == "bio"
        assert refused.value.message == "Paling banyak 2000 karakter."
        db.session.rollback()
        assert db.session.query(Speaker).count() == 0
