"""Reference data shipped with the pipeline (see README.md here for sources and licences)."""
