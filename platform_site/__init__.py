"""Project package: settings, URLs, the Celery app and the tenancy core (tenants, organisations, roles)."""

from platform_site.celery import app as celery_app

__all__ = ["celery_app"]
