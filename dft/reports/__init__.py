"""The monthly cause report."""
