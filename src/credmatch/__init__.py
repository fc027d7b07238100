"""credmatch: rank candidates for job postings by verified micro-credentials."""

__version__ = "0.1.0"
