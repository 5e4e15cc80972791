"""Scenario files (SPEC §8) and the seeded scenario generator."""
