"""Sign a Verifiable Presentation of your credentials with a did:key, over a verifier's challenge.

    # once: make a key (a 32-byte Ed25519 seed, hex, mode 600) and see your DID
    python scripts/sign_presentation.py new-key my-key.hex

    # each time: get a challenge, sign a presentation of your credential files over it
    curl -s -X POST http://127.0.0.1:8000/challenges
    python scripts/sign_presentation.py sign --key my-key.hex --challenge CHALLENGE \\
        --domain credmatch.local badge1.json badge2.json > presentation.json

A credential file holds one credential (JSON, or a VC-JWT); a ``.jsonl`` file one per line.
With no files the presentation is a sign-in. ``--jwt`` writes a VP-JWT instead (EdDSA);
``--suite`` picks the Data Integrity suite (eddsa-rdfc-2022, eddsa-jcs-2022,
Ed25519Signature2020); ``--vc1`` makes a VCDM 1.1 presentation. The key never leaves this
process. Only credentials whose ``credentialSubject.id`` is your DID will load.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credmatch.credentials.presenting import SUITES, presentation, sign_presentation, sign_vp_jwt
from credmatch.credentials.signing import did_key, did_key_verification_method, keypair_from_seed


def read_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key whose 32-byte seed ``path`` holds as 64 hex characters."""
    text = path.read_text(encoding="utf-8").strip()
    try:
        seed = bytes.fromhex(text)
    except ValueError as e:
        raise SystemExit(f"{path}: expected 64 hex characters (a 32-byte Ed25519 seed)") from e
    return keypair_from_seed(seed)


def new_key(path: Path) -> str:
    """Write a fresh seed to ``path`` (mode 600, never overwritten); the DID it controls."""
    seed = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(seed.hex() + "\n")
    return did_key(keypair_from_seed(seed).public_key())


def read_credentials(paths: list[Path]) -> list[Any]:
    """Credentials from files: JSON objects, VC-JWTs, or JSON Lines of either."""
    found: list[Any] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines() if path.suffix == ".jsonl" else [text]
        for line in (x.strip() for x in lines):
            if line:
                found.append(json.loads(line) if line.startswith(("{", '"')) else line)
    return found


def signed_presentation(
    key: Ed25519PrivateKey,
    credentials: list[Any],
    challenge: str,
    domain: str,
    *,
    suite: str = "eddsa-rdfc-2022",
    jwt: bool = False,
    vc1: bool = False,
) -> dict[str, Any] | str:
    """A presentation by the DID of ``key`` of ``credentials``, signed over challenge/domain."""
    holder = did_key(key.public_key())
    method = did_key_verification_method(holder)
    vp = presentation(holder, credentials, vc1=vc1)
    if jwt:
        return sign_vp_jwt(vp, key, method, challenge=challenge, domain=domain)
    return sign_presentation(vp, key, method, challenge=challenge, domain=domain, suite=suite)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("new-key", help="write a new key file and print its DID")
    make.add_argument("path", type=Path)
    sign = commands.add_parser("sign", help="print a signed presentation")
    sign.add_argument("--key", type=Path, required=True)
    sign.add_argument("--challenge", required=True)
    sign.add_argument("--domain", default="credmatch.local")
    sign.add_argument("--suite", choices=SUITES, default="eddsa-rdfc-2022")
    sign.add_argument("--jwt", action="store_true", help="a VP-JWT (EdDSA) instead")
    sign.add_argument("--vc1", action="store_true", help="a VCDM 1.1 presentation")
    sign.add_argument("credentials", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.command == "new-key":
        print(new_key(args.path))
        return 0
    result = signed_presentation(
        read_key(args.key),
        read_credentials(args.credentials),
        args.challenge,
        args.domain,
        suite=args.suite,
        jwt=args.jwt,
        vc1=args.vc1,
    )
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
