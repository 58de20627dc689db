"""Writes of the positions app, one module per area."""
