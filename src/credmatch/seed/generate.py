"""Generate ``graph_seed/``: issuers, catalog, ESCO slice, signed credentials, postings.

Everything is derived from the hand-written sources in this package, fixed seeds and the
ESCO CSVs, so running it twice gives byte-identical output.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credmatch.credentials.documents import DocumentStore, did_web_url
from credmatch.errors import ConfigError
from credmatch.seed import readme
from credmatch.seed.catalog import CatalogEntry, build_catalog
from credmatch.seed.data_files import posting_specs, text_postings
from credmatch.seed.esco_subset import EscoIndex, select_slice, write_slice
from credmatch.seed.identities import IssuerIdentity, issuer_identity
from credmatch.seed.issuance import OB_CONTEXT, Issued, clr, issue, status_index, status_list
from credmatch.seed.issuers import ISSUERS
from credmatch.seed.plan import Award, Plan, make_plan
from credmatch.seed.postings import job_posting

# The stacks whose holders get a CLR instead of loose badges (one learner each).
CLR_STACKS = ("soc-analyst-certificate", "data-analytics-professional")
# The verifier's clock for expectations.json: validity is judged as of this instant.
AS_OF = "2026-11-01T00:00:00Z"
GENERATED_ENTRIES = (
    "README.md",
    "catalog.json",
    "trust.json",
    "learners.json",
    "expectations.json",
    "credentials",
    "documents",
    "postings",
    "esco",
)


@dataclass(frozen=True)
class SeedSummary:
    out_dir: Path
    issuers: int
    trusted_issuers: int
    achievements: int
    unheld_achievements: int
    learners: int
    credentials: int
    credentials_by_form: dict[str, int]
    deliberately_bad: dict[str, int]
    clrs: int
    postings: int
    skills: int
    occupations: int
    seconds: float = field(compare=False)


def generate(out_dir: Path, esco_dir: Path, contexts_dir: Path | None = None) -> SeedSummary:
    """Write the seed graph into ``out_dir`` (replacing what an earlier run wrote there).

    ``contexts_dir`` is a document-store folder with the OB 3.0 / CLR 2.0 JSON-LD contexts,
    needed when the installed packages do not bundle them; by default the generator looks
    for ``credentials/1edtech/contexts`` beside ``esco_dir``.
    """
    started = time.perf_counter()
    documents = context_store(esco_dir, contexts_dir)
    issuers = {spec.slug: issuer_identity(spec) for spec in ISSUERS}
    esco = EscoIndex(esco_dir)
    catalog = build_catalog(issuers, esco)
    aligned = {a["targetUrl"] for e in catalog.values() for a in e.achievement.get("alignment", [])}
    esco_slice = select_slice(esco, aligned)
    plan = make_plan([e.spec for e in catalog.values()])
    issued = [issue(a, catalog[a.key], documents, plan.learners) for a in plan.awards]

    _clear(out_dir)
    write_slice(esco_slice, out_dir / "esco")
    clrs = _write_credentials(out_dir / "credentials", plan, issued, catalog, documents)
    _write_documents(out_dir / "documents", issuers, plan, catalog, documents)
    _write_json(out_dir / "trust.json", _trust(issuers))
    _write_json(out_dir / "catalog.json", _catalog_json(issuers, catalog))
    _write_json(out_dir / "learners.json", _learners_json(plan))
    _write_json(out_dir / "expectations.json", _expectations(plan, issued, catalog))
    postings = _write_postings(out_dir / "postings")
    forms = Counter(a.form for a in plan.awards)
    bad = Counter(a.trouble for a in plan.awards if a.trouble)
    summary = SeedSummary(
        out_dir=out_dir,
        issuers=len(issuers),
        trusted_issuers=sum(1 for i in issuers.values() if i.spec.trusted),
        achievements=len(catalog),
        unheld_achievements=sum(1 for e in catalog.values() if not e.spec.held),
        learners=len(plan.learners),
        credentials=len(issued),
        credentials_by_form=dict(sorted(forms.items())),
        deliberately_bad=dict(sorted(bad.items())),
        clrs=clrs,
        postings=postings,
        skills=len(esco_slice.skills),
        occupations=len(esco_slice.occupations),
        seconds=0.0,
    )
    (out_dir / "README.md").write_text(
        readme.render(summary, plan, issued, issuers, catalog, AS_OF), encoding="utf-8"
    )
    return SeedSummary(**{**summary.__dict__, "seconds": time.perf_counter() - started})


def context_store(
    esco_dir: Path, contexts_dir: Path | None = None, first: tuple[Path, ...] = ()
) -> DocumentStore:
    """A document store with the JSON-LD contexts the seed's credentials use.

    ``first`` are store folders searched before the contexts (e.g. ``graph_seed/documents``).
    """
    if contexts_dir is not None:
        return DocumentStore(dirs=[*first, contexts_dir])
    if DocumentStore().has(OB_CONTEXT):
        return DocumentStore(dirs=list(first))
    fallback = esco_dir.parent / "credentials" / "1edtech" / "contexts"
    if (fallback / "index.json").is_file():
        return DocumentStore(dirs=[*first, fallback])
    raise ConfigError(
        f"the JSON-LD context {OB_CONTEXT} is neither bundled with the installed packages nor "
        f"in {fallback}; pass contexts_dir (--contexts) with a folder holding an index.json"
    )


def _clear(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in GENERATED_ENTRIES:
        path = out_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _line(value: dict[str, Any] | str) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def clr_holders(plan: Plan) -> dict[int, str]:
    """Learner number -> stack key, for the learners whose stacked badges come as a CLR."""
    holders: dict[int, str] = {}
    for stack in CLR_STACKS:
        award = next(
            a for a in plan.awards if a.key == stack and a.pathway and a.learner.identity is None
        )
        holders[award.learner.number] = stack
    return holders


def _write_credentials(
    folder: Path,
    plan: Plan,
    issued: list[Issued],
    catalog: dict[str, CatalogEntry],
    documents: DocumentStore,
) -> int:
    holders = clr_holders(plan)
    in_clr: dict[int, list[Issued]] = {}
    standalone: dict[int, Issued] = {}
    for item in issued:
        award = item.award
        if award.pathway and holders.get(award.learner.number) is not None:
            in_clr.setdefault(award.learner.number, []).append(item)
        elif award.trouble is None and not standalone_taken(standalone, award):
            standalone[award.number] = item
    bundled = {i.award.number for group in in_clr.values() for i in group}
    lines: dict[str, list[str]] = {}
    for item in issued:
        number = item.award.number
        if number in standalone or number in bundled:
            continue
        slug = catalog[item.award.key].issuer.spec.slug
        lines.setdefault(slug, []).append(_line(item.credential))
    folder.mkdir(parents=True, exist_ok=True)
    for slug, rows in sorted(lines.items()):
        (folder / f"{slug}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for item in standalone.values():
        name = f"{catalog[item.award.key].issuer.spec.slug}-{item.award.number:06d}"
        if isinstance(item.credential, str):
            (folder / "standalone" / f"{name}.jwt").parent.mkdir(parents=True, exist_ok=True)
            (folder / "standalone" / f"{name}.jwt").write_text(
                item.credential + "\n", encoding="utf-8"
            )
        else:
            _write_json(folder / "standalone" / f"{name}.json", item.credential)
    for number, items in sorted(in_clr.items()):
        stack = holders[number]
        parts = [(catalog[i.award.key], i) for i in sorted(items, key=lambda i: i.award.issued)]
        learner = items[0].award.learner
        _write_json(
            folder / "clr" / f"{stack}-{number:05d}.json",
            clr(learner, catalog[stack], parts, documents),
        )
    return len(in_clr)


def standalone_taken(chosen: dict[int, Issued], award: Award) -> bool:
    """Whether this award's form already has its standalone example (one per form)."""
    return any(i.award.form == award.form for i in chosen.values())


def _write_documents(
    folder: Path,
    issuers: dict[str, IssuerIdentity],
    plan: Plan,
    catalog: dict[str, CatalogEntry],
    documents: DocumentStore,
) -> None:
    index: dict[str, str] = {}
    for issuer in issuers.values():
        if issuer.did_document is not None:
            name = f"did-web-{issuer.spec.domain}.json"
            _write_json(folder / name, issuer.did_document)
            index[did_web_url(issuer.did)] = name
    revoked: dict[str, list[int]] = {}
    for award in plan.awards:
        if award.trouble == "revoked":
            revoked.setdefault(catalog[award.key].issuer.spec.slug, []).append(status_index(award))
    for slug, issuer in issuers.items():
        if issuer.spec.status_list:
            name = f"status-{slug}-1.json"
            _write_json(
                folder / name, status_list(issuer, sorted(revoked.get(slug, [])), documents)
            )
            index[issuer.spec.status_list_url] = name
    _write_json(folder / "index.json", dict(sorted(index.items())))


def _trust(issuers: dict[str, IssuerIdentity]) -> dict[str, Any]:
    return {
        "issuers": [{"id": i.did, "name": i.spec.name} for i in issuers.values() if i.spec.trusted]
    }


def _catalog_json(
    issuers: dict[str, IssuerIdentity], catalog: dict[str, CatalogEntry]
) -> dict[str, Any]:
    profiles = [
        {**i.profile(), "description": i.spec.description, "kind": i.spec.kind}
        for i in issuers.values()
    ]
    entries = [
        {
            "issuer": e.issuer.did,
            "field": e.spec.field,
            "hours": e.spec.hours,
            "held": e.spec.held,
            "stacks_into": [e.stacks_into] if e.stacks_into else [],
            "achievement": e.achievement,
        }
        for e in catalog.values()
    ]
    return {"issuers": profiles, "achievements": entries}


def _learners_json(plan: Plan) -> dict[str, Any]:
    rows = []
    for learner in plan.learners:
        row: dict[str, Any] = {"id": learner.subject_id, "discoverable": learner.discoverable}
        if learner.display_name:
            row["displayName"] = learner.display_name
        rows.append(row)
    return {"learners": rows}


WHY = {
    "expired": "validUntil is in the past (a lapsed certification)",
    "revoked": "its bit is set in the issuer's BitstringStatusList (revoked by the issuer)",
    "tampered": "a field was changed after signing, so the proof no longer verifies",
    "untrusted": "issued by the Global Skills Accreditation Board, which trust.json does not list",
}
EXPECTED_CHECK = {
    "expired": "validity_period",
    "revoked": "status",
    "tampered": "proof",
    "untrusted": "issuer",
}


def _expectations(
    plan: Plan, issued: list[Issued], catalog: dict[str, CatalogEntry]
) -> dict[str, Any]:
    bad = {
        i.id: {
            "trouble": i.award.trouble,
            "failing_check": EXPECTED_CHECK[i.award.trouble],
            "why": WHY[i.award.trouble],
            "achievement": catalog[i.award.key].spec.name,
        }
        for i in issued
        if i.award.trouble
    }
    return {"as_of": AS_OF, "credentials": dict(sorted(bad.items()))}


def _write_postings(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    postings, texts = posting_specs(), text_postings()
    for spec in postings:
        _write_json(folder / f"{spec.slug}.json", job_posting(spec))
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return len(postings) + len(texts)
