import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """The new strings are untranslated until merge: assert the English source (COMMON4)."""
    with translation.override("en"):
        yield
