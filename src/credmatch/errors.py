"""The exceptions credmatch raises.

Hierarchy (every exception credmatch raises on purpose; those defined elsewhere name their
module)::

    CredmatchError                 root: catch this to catch everything credmatch raises
    ├── ConfigError                a setting is missing or wrong (names the variable)
    ├── InputError                 a record, file or argument is malformed (names what and where)
    │   ├── CredentialFormatError  not JSON, not a credential, unreadable envelope
    │   ├── PostingFormatError     a job posting that cannot be parsed
    │   ├── TaxonomyFormatError    a taxonomy file with a missing column or bad row
    │   ├── ChallengeRefusedError  services/challenges.py: a presentation's challenge is
    │   │                          unknown, used, expired or for another domain
    │   ├── PresentationRefusedError  services/presentations.py: the presentation itself
    │   │                          fails, so nothing from it was loaded
    │   ├── UnsafeTargetError      webhooks/targets.py: a webhook URL that may not be called
    │   ├── RequestTooLargeError   api/auth.py: a request body over the size limit
    │   └── UnsupportedMediaTypeError  api/auth.py: a POST body that is not application/json
    ├── AuthenticationError        no API key, a malformed one, or an unknown or revoked one
    ├── NotFoundError              a node the caller named does not exist
    ├── PermissionDeniedError      the caller's role does not allow the operation
    ├── RateLimitedError           api/limits.py: requests faster than the key's rate limit
    ├── DocumentNotAvailableError  a JSON-LD context, DID document or status list is not in the
    │                              document store and may not be fetched
    ├── GraphUnavailableError      Neo4j cannot be reached (down, wrong address, wrong password)
    ├── GraphError                 Neo4j answered with an error
    └── Neo4jLaunchError           the bundled Neo4j server could not be built or started

Outside the tree, and never seen by a caller of the module that raises them: MethodError
(credentials/methods.py) and ProofRefusedError (credentials/holder_proof.py) become a failed
verification check; KeyFormatError (credentials/key_codec.py) and UnsafeJsonLdError
(credentials/canonical.py) are ValueErrors the verifier turns into failed checks or
CredentialFormatError; MethodNotAllowedError (api/view.py) becomes an HTTP 405, and
_DisconnectedError (api/auth.py) ends a request whose client went away while it was read.
tests/unit/test_errors_documented.py holds this list complete.

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


class AuthenticationError(CredmatchError):
    """The request carries no API key, a malformed one, or one that is unknown or revoked."""

    code = "UNAUTHENTICATED"


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
