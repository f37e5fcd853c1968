"""Proofreading for government text (issue 4). See ``findings`` for the shared result type."""
