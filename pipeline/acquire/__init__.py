"""Acquire: bring documents into raw/ as content-addressed snapshots with fetch metadata."""
