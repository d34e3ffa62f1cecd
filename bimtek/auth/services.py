"""Accounts, roles and scopes: the rules, free of HTTP."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from bimtek.auth.models import Role, User
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.timeutil import utcnow
from bimtek.unit_of_work import flush_changes

MIN_PASSWORD_LENGTH = 8

# Checked when the e-mail is unknown, so both failures take the same time.
_UNKNOWN_USER_HASH = generate_password_hash("no such account")


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == User.normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user when e-mail and password match an active account, else None.

    Unknown e-mail, wrong password and inactive account look the same to the caller.
    """
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    flush_changes()
    return user


def log_out_everywhere(user: User) -> None:
    user.end_sessions()
    flush_changes()


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("The password must be at least %(count)d characters long.",
              count=MIN_PASSWORD_LENGTH),
            field="password",
        )


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password):
        raise ValidationError(_("The current password is not correct."), field="current_password")
    check_new_password(new_password)
    user.set_password(new_password)
    flush_changes()


def _check_email_free(email: str, user: User | None = None) -> None:
    existing = find_user_by_email(email)
    if existing is not None and existing is not user:
        raise ValidationError(
            _("The e-mail %(email)s is already used by another account.",
              email=User.normalise_email(email)),
            field="email",
        )


def _load_institutions(institution_ids: Iterable[int], field: str = "institutions"
                       ) -> list[Institution]:
    ids = set(institution_ids)
    institutions = db.session.scalars(select(Institution).where(Institution.id.in_(ids))).all()
    if len(institutions) != len(ids):
        raise ValidationError(_("Unknown institution."), field=field)
    return list(institutions)


def save_user(
    user: User | None,
    *,
    email: str,
    name: str,
    roles: Iterable[Role | str],
    active: bool = True,
    password: str | None = None,
    institution_ids: Iterable[int] = (),
    issuing_institution_ids: Iterable[int] = (),
    actor: User | None = None,
) -> User:
    """Create (user=None) or update an account. An HR account needs an institution, an
    organiser issues certificates only for the institutions given them, and an admin
    (`actor`) cannot lock themself out."""
    roles = {Role(role) for role in roles}
    if user is not None and actor is not None and user.id == actor.id \
            and (not active or Role.ADMIN not in roles):
        raise ValidationError(
            _("You cannot deactivate your own account or remove your own admin role."),
            field="active")
    if not roles:
        raise ValidationError(_("Choose at least one role."), field="roles")
    if not name.strip():
        raise ValidationError(_("The name is required."), field="name")
    _check_email_free(email, user)
    institutions = _load_institutions(institution_ids)
    issuing_institutions = _load_institutions(issuing_institution_ids, "issuing_institutions")
    if Role.HR in roles and not institutions:
        raise ValidationError(
            _("An HR account must be scoped to at least one institution."), field="institutions"
        )
    if user is None and not password:
        raise ValidationError(_("A password is required for a new account."), field="password")
    if password:
        check_new_password(password)
    if user is None:
        user = User(email=email, name=name.strip(), password_hash="")
        db.session.add(user)
    if password:
        user.set_password(password)
    if user.active and not active:
        user.end_sessions()
    user.email = email
    user.name = name.strip()
    user.active = active
    user.roles = roles
    user.institutions = institutions if Role.HR in roles else []
    user.issuing_institutions = issuing_institutions if Role.ORGANISER in roles else []
    user.course_assignments = [a for a in user.course_assignments if a.role in roles]
    flush_changes()
    return user


def may_issue_for(user: User | None, institution_id: int | None) -> bool:
    """Whether certificates may name this institution as their issuer when `user` issues
    them: an admin for any, an organiser for those an admin gave them."""
    if user is None or institution_id is None:
        return False
    return user.is_admin or Role.ORGANISER in user.roles and any(
        institution.id == institution_id for institution in user.issuing_institutions)


def can_see_institution(user: User, institution_id: int) -> bool:
    """HR offices see only the institutions they are scoped to."""
    if user.is_admin:
        return True
    return Role.HR in user.roles and any(i.id == institution_id for i in user.institutions)


def search_users(text: str = "", role: Role | None = None, page: int = 1, per_page: int = 50):
    query = select(User).order_by(func.lower(User.name), User.id)
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(func.lower(User.name).like(pattern) | User.email.like(pattern))
    if role in {r.value for r in Role}:
        query = query.where(User.role_rows.any(role=Role(role)))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
