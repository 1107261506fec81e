"""People-facing outputs of the curated data: the monitoring report, the exports (CSV, xlsx, JSON-LD), the
synthetic demo history, and the redaction of personal data they all apply by default."""
