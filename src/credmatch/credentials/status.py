"""The ``status`` check: BitstringStatusList (W3C) and 1EdTech revocation lists."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import KeyFormatError, decode_multibase
from credmatch.credentials.model import Check
from credmatch.credentials.parse import as_list, as_strings, first_subject, issuer_id, parse_time
from credmatch.errors import DocumentNotAvailableError

# Entry type -> the status list credential type it must point at (Bitstring Status List v1.0;
# StatusList2021 is the older W3C CCG report it grew out of).
LIST_TYPE = {
    "BitstringStatusListEntry": "BitstringStatusListCredential",
    "StatusList2021Entry": "StatusList2021Credential",
}
BITSTRING_TYPES = tuple(LIST_TYPE)
PURPOSES = ("revocation", "suspension")
ONEEDTECH_TYPE = "1EdTechRevocationList"
ProofChecker = Callable[[dict[str, Any]], Check]
Clock = Callable[[], datetime]
StatusIssuers = Callable[[str], frozenset[str]]


@dataclass(frozen=True)
class StatusList:
    url: str
    issuer: str | None
    purposes: tuple[str, ...]
    bits: bytes | None
    problem: str  # why the list cannot be used, "" when it can
    types: tuple[str, ...] = ()
    valid_from: datetime | None = None
    valid_until: datetime | None = None


class StatusChecker:
    """Checks credential status entries, loading and verifying each list once.

    ``now`` gives the instant the lists' own validity periods are judged at;
    ``status_issuers`` the issuers the trust registry accepts as signing status lists for a
    credential issuer (besides the issuer itself).
    """

    def __init__(
        self,
        documents: DocumentStore,
        verify_proof: ProofChecker,
        now: Clock,
        status_issuers: StatusIssuers = lambda issuer: frozenset(),
    ) -> None:
        self._documents = documents
        self._verify_proof = verify_proof
        self._now = now
        self._status_issuers = status_issuers
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
        # An entry credmatch cannot read (a "message" list, multi-bit entries) does not
        # outweigh the revocation / suspension entries it can.
        judged = [r for r in results if r.code != "unsupported_status"] or results
        unknown = [r for r in judged if r.ok is None]
        if unknown:
            return unknown[0]
        skipped = [r.detail for r in results if r.code == "unsupported_status"]
        return Check("status", True, "; ".join([*(r.detail for r in judged), *skipped]))

    def _entry(self, entry: Any, doc: dict[str, Any]) -> Check:
        if not isinstance(entry, dict):
            return Check("status", False, "credentialStatus entry is not an object", "bad_status")
        kind = entry.get("type")
        if kind in BITSTRING_TYPES:
            return self._bitstring(entry, str(kind), issuer_id(doc))
        if kind == ONEEDTECH_TYPE:
            return self._oneedtech(entry, doc)
        return Check(
            "status", None, f"credentialStatus type {kind!r} is not supported; status unknown"
        )

    def _bitstring(self, entry: dict[str, Any], kind: str, issuer: str | None) -> Check:
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
            return Check("status", False, f"{kind} has no statusListCredential URL", "bad_status")
        unsupported = _unsupported(entry, purpose)
        if unsupported:
            return Check(
                "status",
                None,
                f"status list {url}: {unsupported}; not read",
                "unsupported_status",
            )
        status_list = self._load(url)
        if status_list is None:
            return Check(
                "status", None, f"status list {url}: {self._unavailable[url]}; status unknown"
            )
        problem = status_list.problem or self._list_problem(status_list, kind, issuer, purpose)
        if problem:
            return Check("status", False, f"status list {url}: {problem}", "bad_status")
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
        via = (
            f"; the list is signed by {status_list.issuer}, a status issuer the trust registry "
            f"accepts for {issuer}"
            if status_list.issuer != issuer
            else ""
        )
        return Check("status", True, f"not {state} per status list {url} (index {index}){via}")

    def _list_problem(
        self, status_list: StatusList, kind: str, issuer: str | None, purpose: Any
    ) -> str:
        """Why this (proof-checked) list may not answer for this entry; "" when it may."""
        expected = LIST_TYPE[kind]
        if expected not in status_list.types:
            return f"its type is {list(status_list.types)}; a {kind} must point at a {expected}"
        now = self._now()
        if status_list.valid_from is not None and status_list.valid_from > now:
            return f"the list is not valid until {status_list.valid_from.isoformat()}"
        if status_list.valid_until is not None and status_list.valid_until < now:
            return f"the list expired on {status_list.valid_until.isoformat()}"
        signer = status_list.issuer
        if signer != issuer and (
            issuer is None or signer is None or signer not in self._status_issuers(issuer)
        ):
            return (
                f"it is issued by {signer}, not by the credential's issuer {issuer}, and the "
                f"trust registry does not list {signer} as a status issuer for {issuer}"
            )
        if purpose not in status_list.purposes:
            return (
                f"entry purpose {purpose!r} does not match the list's purpose "
                f"{', '.join(map(repr, status_list.purposes)) or '(none)'}"
            )
        return ""

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
        proof = self._verify_proof(doc)
        if proof.ok is not True:
            what = (
                "signing key is not its issuer's"
                if proof.name == "key_binding"
                else "proof does not verify"
            )
            return StatusList(url, None, (), None, f"its {what} ({proof.detail})")
        encoded = subject.get("encodedList")
        if not isinstance(encoded, str):
            return StatusList(url, None, (), None, "it has no encodedList")
        try:
            raw = decode_multibase(encoded if encoded[:1] == "u" else "u" + encoded)
            bits = _gunzip(raw)
        except (KeyFormatError, OSError, EOFError, zlib.error) as e:
            return StatusList(url, None, (), None, f"encodedList is not GZIP+base64url: {e}")
        return StatusList(
            url,
            issuer_id(doc),
            as_strings(subject.get("statusPurpose")),
            bits,
            "",
            types=as_strings(doc.get("type")),
            valid_from=parse_time(doc.get("validFrom", doc.get("issuanceDate"))),
            valid_until=parse_time(doc.get("validUntil", doc.get("expirationDate"))),
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


def _unsupported(entry: dict[str, Any], purpose: Any) -> str:
    """What credmatch cannot judge about this entry ("" when it can)."""
    if purpose not in PURPOSES:
        return f"statusPurpose {purpose!r} is not supported (supported: {', '.join(PURPOSES)})"
    size = entry.get("statusSize", 1)
    if size != 1 or isinstance(size, bool):
        return f"statusSize {size!r} is not supported (only single-bit entries are)"
    return ""


# A status list of 131,072 entries is 16 KiB; a million-entry list 128 KiB. Anything far larger
# is a decompression bomb, refused before it is inflated.
MAX_LIST_BYTES = 16 * 1024 * 1024


def _gunzip(raw: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    bits = inflater.decompress(raw, MAX_LIST_BYTES)
    if inflater.unconsumed_tail:
        raise zlib.error(f"the list inflates to more than {MAX_LIST_BYTES} bytes")
    return bits
