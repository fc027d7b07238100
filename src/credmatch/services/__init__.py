"""Use cases that the API and the CLI call: ingest, link, rank, gap. One module per use case."""
