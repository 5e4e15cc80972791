"""The engine's version: printed on every receipt, and part of what a snapshot must match."""

__version__ = "0.1.0"
