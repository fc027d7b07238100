"""The ``status`` check: BitstringStatusList (W3C) and 1EdTech revocation lists."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.keys import KeyFormatError, decode_multibase
from credmatch.credentials.model import Check
from credmatch.credentials.parse import as_list, first_subject, issuer_id
from credmatch.errors import DocumentNotAvailableError

BITSTRING_TYPES = ("BitstringStatusListEntry", "StatusList2021Entry")
ONEEDTECH_TYPE = "1EdTechRevocationList"
ProofChecker = Callable[[dict[str, Any]], Check]


@dataclass(frozen=True)
class StatusList:
    url: str
    issuer: str | None
    purpose: str | None
    bits: bytes | None
    problem: str  # why the list cannot be used, "" when it can


class StatusChecker:
    """Checks credential status entries, loading and verifying each list once."""

    def __init__(self, documents: DocumentStore, verify_proof: ProofChecker) -> None:
        self._documents = documents
        self._verify_proof = verify_proof
        self._lists: dict[str, StatusList | None] = {}
        self._unavailable: dict[str, str] = {}

    def check(self, doc: dict[str, Any]) -> Check:
        entries = as_list(doc.get("credentialStatus"))
        if not entries:
            return Check("status", None, "credential has no credentialStatus; it cannot be revoked")
        results = [self._entry(e, doc) for e in entries]
        failed = [r for r in results if r.ok is False]
        if failed:
            # Revocation is final; a credential also suspended (or with a bad entry) is revoked.
            return next((r for r in failed if r.code == "revoked"), failed[0])
        unknown = [r for r in results if r.ok is None]
        if unknown:
            return unknown[0]
        return Check("status", True, "; ".join(r.detail for r in results))

    def _entry(self, entry: Any, doc: dict[str, Any]) -> Check:
        if not isinstance(entry, dict):
            return Check("status", False, "credentialStatus entry is not an object", "bad_status")
        kind = entry.get("type")
        if kind in BITSTRING_TYPES:
            return self._bitstring(entry, issuer_id(doc))
        if kind == ONEEDTECH_TYPE:
            return self._oneedtech(entry, doc)
        return Check(
            "status", None, f"credentialStatus type {kind!r} is not supported; status unknown"
        )

    def _bitstring(self, entry: dict[str, Any], issuer: str | None) -> Check:
        url, purpose = entry.get("statusListCredential"), entry.get("statusPurpose")
        try:
            index = int(entry.get("statusListIndex"))  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):  # OverflowError: JSON Infinity
            return Check(
                "status",
                False,
                f"statusListIndex {entry.get('statusListIndex')!r} is not an integer",
                "bad_status",
            )
        if not isinstance(url, str):
            return Check(
                "status",
                False,
                "BitstringStatusListEntry has no statusListCredential URL",
                "bad_status",
            )
        status_list = self._load(url)
        if status_list is None:
            return Check(
                "status", None, f"status list {url}: {self._unavailable[url]}; status unknown"
            )
        if status_list.problem:
            return Check("status", False, f"status list {url}: {status_list.problem}", "bad_status")
        if status_list.issuer != issuer:
            return Check(
                "status",
                False,
                f"status list {url} is issued by {status_list.issuer}, "
                f"not by the credential's issuer {issuer}",
                "bad_status",
            )
        if purpose != status_list.purpose:
            return Check(
                "status",
                False,
                f"entry purpose {purpose!r} does not match the list's purpose "
                f"{status_list.purpose!r}",
                "bad_status",
            )
        assert status_list.bits is not None
        if not 0 <= index < len(status_list.bits) * 8:
            return Check(
                "status",
                False,
                f"statusListIndex {index} is outside the list "
                f"({len(status_list.bits) * 8} entries)",
                "bad_status",
            )
        # W3C Bitstring Status List: index 0 is the most significant bit of the first byte.
        if status_list.bits[index // 8] & (0x80 >> (index % 8)):
            code = "suspended" if purpose == "suspension" else "revoked"
            return Check("status", False, f"{code} per status list {url} at index {index}", code)
        state = "suspended" if purpose == "suspension" else "revoked"
        return Check("status", True, f"not {state} per status list {url} (index {index})")

    def _load(self, url: str) -> StatusList | None:
        if url not in self._lists:
            try:
                doc = self._documents.load(url)
            except DocumentNotAvailableError as e:
                # Not fetched, or the fetch failed: the message says which.
                self._unavailable[url] = str(e)
                self._lists[url] = None
            else:
                self._lists[url] = self._decode(url, doc)
        return self._lists[url]

    def _decode(self, url: str, doc: dict[str, Any]) -> StatusList:
        subject = first_subject(doc)
        purpose = subject.get("statusPurpose")
        proof = self._verify_proof(doc)
        if proof.ok is not True:
            return StatusList(url, None, None, None, f"its proof does not verify ({proof.detail})")
        encoded = subject.get("encodedList")
        if not isinstance(encoded, str):
            return StatusList(url, None, None, None, "it has no encodedList")
        try:
            raw = decode_multibase(encoded if encoded[:1] == "u" else "u" + encoded)
            bits = _gunzip(raw)
        except (KeyFormatError, OSError, EOFError, zlib.error) as e:
            return StatusList(url, None, None, None, f"encodedList is not GZIP+base64url: {e}")
        return StatusList(
            url, issuer_id(doc), purpose if isinstance(purpose, str) else None, bits, ""
        )

    def _oneedtech(self, entry: dict[str, Any], doc: dict[str, Any]) -> Check:
        url = entry.get("id")
        if not isinstance(url, str):
            return Check("status", False, "1EdTechRevocationList entry has no id URL", "bad_status")
        try:
            listing = self._documents.load(url)
        except DocumentNotAvailableError as e:
            return Check("status", None, f"revocation list {url}: {e}; status unknown")
        # Only string ids can name a credential; anything else in a (fetched) list is ignored,
        # and must not reach the set as an unhashable value.
        revoked = {
            ref
            for ref in (
                r.get("id") if isinstance(r, dict) else r
                for r in as_list(listing.get("revokedCredentials"))
            )
            if isinstance(ref, str)
        }
        credential_id = doc.get("id")
        if not isinstance(credential_id, str):
            return Check(
                "status",
                False,
                "the credential has no string id, so the revocation list cannot be checked",
                "bad_status",
            )
        if credential_id in revoked:
            return Check("status", False, f"revoked per 1EdTech revocation list {url}", "revoked")
        return Check("status", True, f"not listed in 1EdTech revocation list {url}")


# A status list of 131,072 entries is 16 KiB; a million-entry list 128 KiB. Anything far larger
# is a decompression bomb, refused before it is inflated.
MAX_LIST_BYTES = 16 * 1024 * 1024


def _gunzip(raw: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    bits = inflater.decompress(raw, MAX_LIST_BYTES)
    if inflater.unconsumed_tail:
        raise zlib.error(f"the list inflates to more than {MAX_LIST_BYTES} bytes")
    return bits
