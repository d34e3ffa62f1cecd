"""WTForms' own messages come from the app's catalogue, with their numbers filled in."""
from wtforms import StringField
from wtforms.validators import Length

from bimtek.forms import Form


class PlaceForm(Form):
    class Meta:
        csrf = False

    city = StringField(validators=[Length(max=5)])
    code = StringField(validators=[Length(min=3)])


def test_length_messages_are_translated_and_formatted(app):
    with app.test_request_context(method="POST", data={"city": "Samarinda", "code": "A"}):
        form = PlaceForm()
        assert not form.validate()
        assert form.city.errors == ["Isian tidak boleh lebih dari 5 karakter."]
        assert form.code.errors == ["Isian minimal 3 karakter."]
