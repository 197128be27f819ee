"""Protecting people's data: keyed hashes for lookups (and, with issue 12, encryption and redaction)."""
