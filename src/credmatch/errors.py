"""The exceptions credmatch raises.

Hierarchy::

    CredmatchError                 root: catch this to catch everything credmatch raises
    ├── ConfigError                a setting is missing or wrong (names the variable)
    ├── InputError                 a record, file or argument is malformed (names what and where)
    │   ├── CredentialFormatError  not JSON, not a credential, unreadable envelope
    │   ├── PostingFormatError     a job posting that cannot be parsed
    │   └── TaxonomyFormatError    a taxonomy file with a missing column or bad row
    ├── NotFoundError              a node the caller named does not exist
    ├── PermissionDeniedError      the caller's role does not allow the operation
    ├── DocumentNotAvailableError  a JSON-LD context, DID document or status list is not in the
    │                              document store and may not be fetched
    ├── GraphUnavailableError      Neo4j cannot be reached (down, wrong address, wrong password)
    ├── GraphError                 Neo4j answered with an error
    └── Neo4jLaunchError           the bundled Neo4j server could not be built or started

Messages say what was wrong and what to do about it. Adapters translate library errors into
these with ``raise ... from e`` so the cause stays in the traceback.
"""

from __future__ import annotations


class CredmatchError(Exception):
    """Root of every error credmatch raises on purpose."""

    code = "INTERNAL"


class ConfigError(CredmatchError):
    code = "CONFIG"


class InputError(CredmatchError):
    code = "BAD_INPUT"


class CredentialFormatError(InputError):
    code = "BAD_CREDENTIAL"


class PostingFormatError(InputError):
    code = "BAD_POSTING"


class TaxonomyFormatError(InputError):
    code = "BAD_TAXONOMY"


class NotFoundError(CredmatchError):
    code = "NOT_FOUND"


class PermissionDeniedError(CredmatchError):
    code = "FORBIDDEN"


class DocumentNotAvailableError(CredmatchError):
    code = "DOCUMENT_NOT_AVAILABLE"


class GraphUnavailableError(CredmatchError):
    code = "GRAPH_UNAVAILABLE"


class GraphError(CredmatchError):
    code = "GRAPH_ERROR"


class Neo4jLaunchError(CredmatchError):
    code = "NEO4J_LAUNCH"
