"""Invoice models (filled in by the invoices part of issue 11)."""

__all__: list[str] = []
