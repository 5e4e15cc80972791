"""The `campaign` command line: a thin click adapter over the engine's public API."""
