"""The record types, one module each; every module defines `RECORD_TYPE`, a
`tracker.records.registry.RecordType`, and holds what is particular to its type."""
