"""Callbacks as plain functions (unit-tested directly) plus thin `register(app)` wrappers."""
