"""The seed graph generator: hand-written catalog and postings plus signed demo credentials."""
