from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from bimtek.forms import Form, fits, optional_int
from bimtek.speakers.models import Speaker


class SpeakerForm(Form):
    front_titles = StringField(_l("Front titles"), validators=[Optional(), Length(max=60)],
                               description=_l("e.g. Dr. H."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    back_titles = StringField(_l("Back titles"), validators=[Optional(), Length(max=100)],
                              description=_l("e.g. M.Pd."))
    rank = StringField(_l("Rank"), validators=[Optional(), Length(max=100)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    institution_id = SelectField(_l("Institution"), coerce=optional_int, validate_choice=False)
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=20)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), fits(Speaker.bio)])
    submit = SubmitField(_l("Save"))
