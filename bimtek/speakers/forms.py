from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from bimtek.forms import Form


class InstitutionForm(Form):
    short_name = StringField(
        _l("Short name"), validators=[DataRequired(), Length(max=80)],
        description=_l("As it is usually written, e.g. Kesbangpol Kutim."),
    )
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Save"))
