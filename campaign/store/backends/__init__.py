"""Store backends: eventsourcing's recorders with the campaign's guarantees on top.

Each backend adds what the library leaves to us: the store itself refuses UPDATE and DELETE of
stored events, and a command can hold the write lock across read, validate and append (so that
recorded times never decrease and validation sees the latest committed log).
"""
