"""The command groups of `campaign`, one module each."""
