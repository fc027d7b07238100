"""``credmatch keys create|list|revoke`` and ``credmatch orgs list``: the API keys the GraphQL
API requires and the organisations they act for."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any, TypeVar

from credmatch.bootstrap import Container
from credmatch.cli.runner import with_graph
from credmatch.domain.principal import Role
from credmatch.errors import InputError
from credmatch.services.api_keys import ApiKeyInfo, KeyService
from credmatch.services.orgs import OrgInfo, list_orgs

Subparsers = Any  # argparse's _SubParsersAction is private
T = TypeVar("T")


def register(commands: Subparsers) -> None:
    keys = commands.add_parser("keys", help="create, list or revoke API keys")
    actions = keys.add_subparsers(dest="keys_action", required=True, metavar="ACTION")

    create = actions.add_parser(
        "create", help="create a key and print it once (stdout holds only the key)"
    )
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--learner", metavar="ID", help="the learner a learner key acts for")
    create.add_argument("--label", default="", help="who or what the key is for")
    create.add_argument(
        "--org",
        metavar="ORG_ID",
        help="the organisation a jobboard, recruiter or issuer key acts for (created on first "
        "use; default: 'default')",
    )
    create.add_argument("--org-name", metavar="NAME", help="the organisation's display name")
    create.add_argument(
        "--issuer",
        metavar="DID",
        action="append",
        default=[],
        help="an issuer id whose credentials an issuer key may load (repeat for several; "
        "required for --role issuer)",
    )
    create.set_defaults(handler=_create)

    listing = actions.add_parser("list", help="list keys (never their secrets)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=_list)

    revoke = actions.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id", metavar="KEYID", help="the id 'keys list' shows")
    revoke.set_defaults(handler=_revoke)

    orgs = commands.add_parser("orgs", help="list organisations with their keys and postings")
    org_actions = orgs.add_subparsers(dest="orgs_action", required=True, metavar="ACTION")
    org_list = org_actions.add_parser("list", help="organisations, their keys and posting counts")
    org_list.add_argument("--json", action="store_true", help="one JSON object per line")
    org_list.set_defaults(handler=_orgs)


def _with_keys(work: Callable[[KeyService], Awaitable[T]]) -> T:
    # The CLI authenticates nothing, so the key cache settings do not matter here; with_graph
    # makes sure the schema (and so the ApiKey.id uniqueness constraint) exists first.
    def use_case(container: Container) -> Awaitable[T]:
        return work(KeyService(container.store))

    return with_graph(use_case)


def _create(args: argparse.Namespace) -> int:
    if args.role == Role.ISSUER.value and not args.issuer:
        raise InputError(
            "an issuer key loads only its own issuers' credentials: name them with "
            "--issuer did:... (repeat for several)"
        )
    issued = _with_keys(
        lambda keys: keys.create(
            args.role,
            learner_id=args.learner,
            label=args.label,
            org_id=args.org,
            org_name=args.org_name,
            issuer_ids=args.issuer,
        ),
    )
    info = issued.info
    bound = f", learner {info.learner_id}" if info.learner_id else ""
    bound += f", organisation {info.org_id}" if info.org_id else ""
    bound += "".join(f", issuer {i}" for i in info.issuer_ids)
    print(
        f"created API key {info.id} (role {info.role.value}{bound}). It is shown only now: "
        "store it, then send it as 'Authorization: Bearer <key>'.",
        file=sys.stderr,
    )
    print(issued.token)
    return 0


def _list(args: argparse.Namespace) -> int:
    keys = _with_keys(lambda service: service.list())
    if args.json:
        for info in keys:
            print(json.dumps(_as_json(info), ensure_ascii=False))
        return 0
    print(
        f"{'ID':16}  {'ROLE':9}  {'STATUS':7}  {'CREATED':16}  {'LAST USED':16}  ORG/LEARNER/LABEL"
    )
    for info in keys:
        status = "revoked" if info.revoked else "active"
        parts = (info.org_id or "", info.learner_id or "", info.label)
        who = " ".join(part for part in parts if part)
        print(
            f"{info.id:16}  {info.role.value:9}  {status:7}  {_when(info.created_at):16}  "
            f"{_when(info.last_used_at):16}  {who}"
        )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    info = _with_keys(lambda keys: keys.revoke(args.key_id))
    print(
        f"revoked API key {info.id} (role {info.role.value}); running servers refuse it within "
        "CREDMATCH_AUTH_CACHE_TTL_S seconds (default 30)"
    )
    return 0


def _orgs(args: argparse.Namespace) -> int:
    def use_case(container: Container) -> Awaitable[list[OrgInfo]]:
        return list_orgs(container.store)

    found = with_graph(use_case)
    for org in found:
        if args.json:
            print(json.dumps(asdict(org), ensure_ascii=False))
            continue
        print(f"{org.id}  {org.name!r}  {org.postings} postings  {len(org.keys)} keys")
        for key in org.keys:
            status = "revoked" if key.revoked else "active"
            issuers = " ".join(key.issuer_ids)
            print(f"  {key.id}  {key.role:9}  {status:7}  {key.label}  {issuers}".rstrip())
    return 0


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def _as_json(info: ApiKeyInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "role": info.role.value,
        "learnerId": info.learner_id,
        "orgId": info.org_id,
        "issuerIds": list(info.issuer_ids),
        "label": info.label,
        "createdAt": info.created_at.isoformat(),
        "lastUsedAt": info.last_used_at.isoformat() if info.last_used_at else None,
        "revoked": info.revoked,
    }
