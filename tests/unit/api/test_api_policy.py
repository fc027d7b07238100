from __future__ import annotations

import pytest

from credmatch.api.auth import POLICY, Action, Grant, require
from credmatch.domain.principal import Principal, Role
from credmatch.errors import AuthenticationError, PermissionDeniedError

# The policy as the issue states it, written out independently of POLICY.
BROWSING = {"browse", "linkSkills", "viewer"}
CONSENTED = {"candidates", "candidatesForSkills", "skillGap", "learner", "candidateMatched"}
ALLOWED: dict[Role, set[str]] = {
    Role.RECRUITER: BROWSING | CONSENTED,
    Role.JOBBOARD: BROWSING | CONSENTED | {"upsertJobPosting", "deleteJobPosting", "webhooks"},
    Role.ISSUER: {"ingestCredentials", "browse", "viewer"},
    Role.LEARNER: BROWSING
    | {"skillGap", "learner", "setDiscoverable", "eraseLearner", "learnerOpportunities"},
    Role.ADMIN: {a.value for a in Action},
}
OWN_ONLY = {"skillGap", "learner", "setDiscoverable", "eraseLearner", "learnerOpportunities"}
ACTIONS = [
    "candidates",
    "candidatesForSkills",
    "skillGap",
    "browse",
    "linkSkills",
    "learner",
    "upsertJobPosting",
    "deleteJobPosting",
    "ingestCredentials",
    "setDiscoverable",
    "eraseLearner",
    "viewer",
    "candidateMatched",  # issue 15: the subscription
    "webhooks",  # issue 15: registerWebhook, deleteWebhook, webhooks, webhookDeliveries
    "learnerOpportunities",  # issue 14: the learner's own view, never a recruiter's
]


def principal(role: Role) -> Principal:
    return Principal(
        key_id="0123456789abcdef", role=role, learner_id="L1" if role is Role.LEARNER else None
    )


def test_the_action_names_are_the_issue_s() -> None:
    assert sorted(a.value for a in Action) == sorted(ACTIONS)
    assert set(POLICY) == set(Role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_role_by_every_action(role: Role, action: str) -> None:
    # Learner keys act on their own learner here; other learners are tested below.
    who = principal(role)
    learner_id = "L1" if action in OWN_ONLY else None
    if action in ALLOWED[role]:
        assert isinstance(require(who, action, learner_id=learner_id), Grant)
    else:
        with pytest.raises(PermissionDeniedError) as e:
            require(who, action, learner_id=learner_id)
        assert e.value.code == "FORBIDDEN"
        message = str(e.value)
        assert role.value in message and action in message and who.key_id in message
        assert "admin" in message  # names the roles that would do


@pytest.mark.parametrize("action", sorted(OWN_ONLY))
def test_learner_keys_reach_only_their_own_learner(action: str) -> None:
    who = principal(Role.LEARNER)
    assert require(who, action, learner_id="L1") is Grant.OWN
    with pytest.raises(PermissionDeniedError, match=r"bound to learner L1.*not for L2"):
        require(who, action, learner_id="L2")


@pytest.mark.parametrize(
    "action", ["candidates", "candidatesForSkills", "skillGap", "learner", "candidateMatched"]
)
@pytest.mark.parametrize("role", [Role.RECRUITER, Role.JOBBOARD])
def test_recruiting_roles_see_discoverable_learners_only(role: Role, action: str) -> None:
    learner_id = "L9" if action in OWN_ONLY else None
    assert require(principal(role), action, learner_id=learner_id) is Grant.DISCOVERABLE


def test_admin_reaches_every_learner() -> None:
    for action in OWN_ONLY:
        assert require(principal(Role.ADMIN), action, learner_id="anyone") is Grant.ANY


def test_learner_scoped_actions_must_name_the_learner() -> None:
    # Checked for every role, so a resolver that forgets learner_id fails in any test.
    for role in Role:
        with pytest.raises(ValueError, match="learner_id"):
            require(principal(role), "skillGap")


def test_unknown_actions_and_missing_principals_fail_closed() -> None:
    with pytest.raises(ValueError):
        require(principal(Role.ADMIN), "dropDatabase")
    with pytest.raises(AuthenticationError):
        require(None, "browse")
