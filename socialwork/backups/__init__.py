"""Backups that restore: an encrypted copy of the database and the uploaded files, written every
night, and a check that restores the latest one into a scratch database and compares it with the
live one.

- `crypto`: the backup key (BACKUP_ENCRYPTION_KEY, kept apart from every other key) and the
  streaming, chunked authenticated encryption of a part (AES-256-GCM, or SM4-GCM).
- `dumps`: what a part is made of and made back into: pg_dump/pg_restore on PostgreSQL, SQLite's
  backup API on the quick start, a tar of MEDIA_ROOT; the row counts of every table.
- `services`: `backup_create`, `backup_prune`, `restore_check_run`, `backup_restore`; each run is a
  `BackupRun` row, a failure is told to the system administrators.
- `selectors`: what `/healthz/` shows the operator.
"""
