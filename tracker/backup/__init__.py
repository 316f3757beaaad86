"""Backups of the database and restores from them: `flask backup` and `flask restore`.

`copy` writes a backup, `checks` reads one and says whether it can be restored,
`restore` puts one in place of the configured database.
"""

from tracker.backup.checks import Backup, RestoreError, known_revisions, read_backup
from tracker.backup.copy import BackupError, backup_database
from tracker.backup.restore import restore_database

__all__ = [
    "Backup",
    "BackupError",
    "RestoreError",
    "backup_database",
    "known_revisions",
    "read_backup",
    "restore_database",
]
