"""The registers of casework a bureau brings in from its spreadsheets (`socialwork.imports`),
found here when the apps are ready. Each lives in its own module."""

from casework import imports_volunteers  # noqa: F401  (volunteers and their hours)
