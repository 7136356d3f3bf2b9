"""Benchmarks: they print figures; targets are checked by reading them, never by tests."""
