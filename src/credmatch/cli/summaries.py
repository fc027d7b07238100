"""Human-readable summaries the CLI prints after long runs."""

from __future__ import annotations

from collections import Counter

from credmatch.services.seed import SeedLoadSummary


def print_seed_summary(s: SeedLoadSummary) -> None:
    creds = s.credentials
    print("seed loaded:")
    print(
        f"  taxonomy     {s.taxonomy.skills} skills, {s.taxonomy.occupations} occupations, "
        f"{s.taxonomy.relations} relations ({len(s.taxonomy.row_errors)} bad rows)"
    )
    print(
        f"  catalog      {s.catalog.issuers} issuers, {s.catalog.achievements} achievements, "
        f"{s.catalog.alignments} ESCO alignments, {s.catalog.stacks} stacking links"
    )
    print(f"  credentials  {creds.loaded} loaded ({_fmt(creds.by_verdict)})")
    print(f"               {sum(creds.rejected.values())} rejected ({_fmt(creds.rejected)})")
    for reject in creds.rejects:
        failed = [c["detail"] for c in reject["checks"] if c["ok"] is False]
        print(f"                 {reject['source']}: {reject['reason']}: {'; '.join(failed)[:140]}")
    print(f"  learners     {s.learners} consent records applied")
    print(
        f"  postings     {len(s.postings.loaded)} loaded, {s.postings.unchanged} unchanged, "
        f"{len(s.postings.errors)} bad"
    )
    print(
        f"  links        {s.links.embedded} nodes embedded, "
        f"{s.links.requirements_linked} requirements and {s.links.achievements_linked} "
        f"achievements linked, {s.links.skill_links} skill links"
    )
    m = s.links.matches
    print(f"  match table  {m.jobs} postings and {m.learners} learners ranked, {m.rows} rows")


def _fmt(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "none"
