from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from bimtek.forms import Form, optional_int
from bimtek.institutions.models import InstitutionKind


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
