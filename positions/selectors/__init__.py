"""Reads of the positions app, scoped to the person asking; one module per area."""
