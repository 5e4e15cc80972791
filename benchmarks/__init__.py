"""Benchmarks of the replay core and the write path (pytest-benchmark, and `make bench`)."""
