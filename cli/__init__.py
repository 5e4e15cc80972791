"""The `campaign` command line: parse, call the engine's public API, print."""
