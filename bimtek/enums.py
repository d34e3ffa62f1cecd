"""Enum helpers: states are enums whose labels are translated where they are shown."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from wtforms import SelectChoice


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a lazily translated label."""

    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[SelectChoice]:
        return [SelectChoice(member.value, member.label) for member in cls]


def enum_column_type(enum_class: type[enum.Enum]) -> sa.Enum:
    """Store an enum by its value in a VARCHAR, guarded by a CHECK constraint."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        name=enum_class.__name__.lower(),
    )
