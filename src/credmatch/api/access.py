"""The learner's access log and the posting-ownership checks resolvers share."""

from __future__ import annotations

from typing import Any

import strawberry

from credmatch.api import types as t
from credmatch.api.limits import MAX_PAGE_SIZE
from credmatch.errors import PermissionDeniedError
from credmatch.keys import Principal, Role


def _principal(info: strawberry.Info[Any, Any]) -> Principal:
    principal: Principal | None = info.context.principal
    if principal is None:  # the gate lets no request without a key reach a resolver
        raise PermissionDeniedError("this operation needs an API key")
    return principal


async def access_log_page(
    info: strawberry.Info[Any, Any], learner_id: str, first: int, after: str | None
) -> t.AccessEventConnection:
    principal = _principal(info)
    own = principal.role is Role.LEARNER and principal.learner_id == learner_id
    if not own and principal.role is not Role.ADMIN:
        raise PermissionDeniedError(
            f"API key {principal.key_id} may not read the access log of learner {learner_id}: "
            "only the learner's own key may"
        )
    log = info.context.container.access_log
    entries, page, total = await log.page(learner_id, first, after, MAX_PAGE_SIZE)
    edges = [
        t.AccessEventEdge(
            cursor=log.cursor(learner_id, e),
            node=t.AccessEvent(
                at=e.at,
                first_at=e.at,
                last_at=e.last_at,
                count=e.count,
                organization=t.Organization(id=strawberry.ID(e.org_id), name=e.org_name or e.org_id)
                if e.org_id
                else None,
                key_id=strawberry.ID(e.key_id),
                operation=e.operation,
                job_posting_id=strawberry.ID(e.job_id) if e.job_id else None,
            ),
        )
        for e in entries
    ]
    return t.AccessEventConnection(
        edges=edges,
        total_count=total,
        page_info=t.page_info(page),
    )
