"""Aggregate queries returning plain frozen dataclasses; charts are built from those."""
