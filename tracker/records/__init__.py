"""Recording: the officer's home, the forms for programmes, measures and organisations,
deleting, the import; the record types' registry."""

from tracker.records import organisations as organisations  # its routes join `bp`
from tracker.records.views import bp

__all__ = ["bp"]
