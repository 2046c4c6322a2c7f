"""The ``no_services`` marker is honest (tests/conftest.py): the PostgreSQL pass deselects what carries it, so a
test reaching the database, the broker, a worker or the live server must never carry it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NO_SERVICES_FOLDERS, no_services_violation

TESTS = Path(__file__).resolve().parent


def test_a_test_using_the_database_would_be_refused(request: Any, db: Any) -> None:
    assert no_services_violation(request.node) == "uses _django_db_helper, db, django_db_setup"


@pytest.mark.django_db(transaction=True)
def test_a_django_db_test_would_be_refused(request: Any) -> None:
    assert no_services_violation(request.node) != ""


def test_every_collected_test_of_the_no_services_folders_carries_the_marker_honestly(request: Any) -> None:
    """Of this session's collected tests (the whole suite on ``make test``), those under the folders carry it and
    none that carries it needs a service (collection would have failed)."""
    folders = [TESTS / name for name in NO_SERVICES_FOLDERS]
    marked = [item for item in request.session.items if item.get_closest_marker("no_services") is not None]
    assert all(no_services_violation(item) == "" for item in marked)
    in_folders = [i for i in request.session.items if any(Path(str(i.fspath)).is_relative_to(f) for f in folders)]
    assert all(item.get_closest_marker("no_services") is not None for item in in_folders)
