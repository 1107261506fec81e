"""Bundled data files: patterns, word lists and reference tables."""
