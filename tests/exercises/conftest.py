import pytest

from tests.exercises.factories import exercise_setting


@pytest.fixture
def setting(english):
    """The factory's exercise, in draft, inside an English request context."""
    return exercise_setting()
