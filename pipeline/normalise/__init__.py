"""Normalise: pure functions from candidate records to typed, coded rows."""
