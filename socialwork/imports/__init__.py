"""Imports of every register: one mechanism (read, check, preview, commit), each app declaring its
registers in its own `imports.py` and writing through its own services.

- `cells`: the columns of a register and reading one cell (dates as people write them, numbers
  Excel mangled, choices in either language or the bureau's own words).
- `reading`: a file (.xlsx, or CSV in UTF-8 or GB18030) to rows, safely (`uploaded_sheets`); a
  workbook of several sheets to the rows of each register its sheets are named after.
- `registry`: `Register`, the base an app's register extends, and the registry.
- `services`: the preview that names every bad row and every duplicate, and the commit that writes
  all rows or none.
"""
