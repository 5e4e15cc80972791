"""The log's storage: the eventsourcing application on SQLite or PostgreSQL, how events become
bytes (codec), the hash chain written beside them, and the read-only view the read side uses."""
