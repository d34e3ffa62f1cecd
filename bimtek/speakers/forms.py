from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from bimtek.forms import Form, fits, optional_int
from bimtek.speakers.models import InstitutionKind, Speaker


class InstitutionForm(Form):
    short_name = StringField(
        _l("Short name"), validators=[DataRequired(), Length(max=80)],
        description=_l("As it is usually written, e.g. Kesbangpol Kutim."),
    )
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=InstitutionKind.choices,
                       default=InstitutionKind.OTHER.value)
    region_id = SelectField(_l("Kabupaten/kota"), coerce=optional_int, validate_choice=False,
                            description=_l("The kabupaten/kota it serves; none for a national "
                                           "or provincial body."))
    submit = SubmitField(_l("Save"))


class MergeInstitutionForm(Form):
    into_id = SelectField(_l("The same institution as"), coerce=int, validate_choice=False,
                          validators=[InputRequired()],
                          description=_l("Its participants, speakers, courses and HR accounts "
                                         "move there; its names are kept as spellings of it."))
    submit = SubmitField(_l("Merge"))


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
