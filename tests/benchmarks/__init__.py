"""Benchmarks: `python -m tests.benchmarks`. Only a smoke test runs with the tests."""
