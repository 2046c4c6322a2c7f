"""Queue Celery tasks after the surrounding transaction commits (never for a rolled-back change)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, **kwargs: Any) -> None:
    """``task.delay(**kwargs)`` once the current transaction commits.

    A broker outage is logged, not raised: the change the user made is already committed and must not
    turn into an error page. (Periodic jobs pick up what was missed where that matters.)
    """

    def _send() -> None:
        try:
            task.delay(**kwargs)
        except Exception:  # broker down: keep the committed change, report loudly
            logger.exception("could not queue %s(%s)", getattr(task, "name", task), kwargs)

    transaction.on_commit(_send)
