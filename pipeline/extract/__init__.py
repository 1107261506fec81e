"""Extract: pure functions from a decoded page to candidate records with evidence."""
