"""Parse and verify Open Badges 3.0, CLR 2.0 and any W3C Verifiable Credential (VCDM 1.1, 2.0).

Entry points: ``verify.Verifier`` (checks), ``model.verdict`` (the graph's verdict),
``documents.DocumentStore`` (offline contexts, DID documents, status lists),
``signing`` (issue test credentials) and ``cli.run_verify``.

Deliberate differences from 1EdTech's validator:

- The signing key must be controlled by the issuer id (a did:key signing for a
  urn:uuid issuer fails ``key_binding``, a check of its own beside ``proof``), and
  http(s)/urn verification methods are resolved from the issuer's document in the store,
  never trusted from the URL fragment.
- A VC-JWT whose only key is the header ``jwk`` is unverifiable: nothing binds it to
  the issuer. Use a ``kid`` that resolves to the issuer's DID document.
- ``credentialSchema`` is not evaluated (remote JSON Schemas); the ``schema`` check
  covers the VC data model's structure, what the graph needs and the OB 3.0 / CLR 2.0
  type values.
- Unsupported suites (bbs-2023, proof chains, ...) make ``proof`` false with code
  ``unsupported_suite``: the verdict is ``unverifiable``, not ``invalid``.
- An ecdsa-sd-2023 derived proof value must be CBOR exactly as the spec lays it out,
  minimally encoded (it is re-encoded and compared); the spec forbids only tags.
- Terms that fall through to the VC 2.0 ``@vocab`` (issuer-dependent) count as
  undefined, like terms pyld would drop.
"""
