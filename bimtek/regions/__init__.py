"""Indonesia's regions by their Kemendagri codes: provinces, kabupaten/kota, kecamatan and
desa/kelurahan, with the other spellings people write."""
from flask import Blueprint

bp = Blueprint("regions", __name__, url_prefix="/regions", cli_group=None)
