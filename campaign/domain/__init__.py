"""The domain: the campaign's vocabulary, its calendar, its aggregates and their events.

Pure: it imports the standard library, pydantic and `eventsourcing.domain` only, never the
store, the read side or the command line. Its events are what the log holds; each is stored
under the topic `campaign.domain:<Aggregate>.<Event>` (see `events.py`), whatever module
defines it.
"""
