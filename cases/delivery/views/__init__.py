"""Thin HTML views of service delivery: work groups in :mod:`.groups`, reports and assignments in :mod:`.reports`."""
