"""The dossier (台账): a project's evaluation dossier and a station's yearly dossier, built from the
records in the background as a PDF and a workbook.

- `figures`: selectors computing every figure with the page it came from (`Section`s).
- `selectors`: who may build and download which dossier.
- `pdf`, `xlsx`: the two files, drawn from the same sections.
- `services`: request, build (with progress), download (audited).
- `tasks`: the Celery task (the dossier's id in).
"""
