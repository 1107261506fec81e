"""Prefect flows: thin wrappers that batch, retry, log and schedule the pipeline stages."""
