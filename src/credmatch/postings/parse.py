"""Job postings from JSON-LD (schema.org JobPosting) and from plain text / Markdown.

Ids (stable across re-imports): the JSON-LD ``identifier`` (a string, or a PropertyValue's
``value``), else the node's absolute ``@id``, else its ``url``; for text the ``Id:`` header
line or front-matter ``id``; else ``identity.fallback_id`` (a hash of title, organization and
file name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from credmatch.errors import PostingFormatError
from credmatch.postings import guard, jsonld
from credmatch.postings.html_text import decode_entities, html_to_text, looks_like_html
from credmatch.postings.identity import content_hash, fallback_id
from credmatch.postings.model import DEFAULT_WEIGHTS, Posting, Section, Weights
from credmatch.postings.requirements import extract_requirements
from credmatch.postings.sections import clean_inline, split_sections
from credmatch.postings.textmeta import split_header

JSON_SUFFIXES: Final = frozenset({".json", ".jsonld"})
JSONL_SUFFIXES: Final = frozenset({".jsonl", ".ndjson"})
TEXT_SUFFIXES: Final = frozenset({".txt", ".md", ".markdown", ".text"})
_MAX_TITLE: Final = 200
_ATX_MARK: Final = re.compile(r"^\s{0,3}#{1,6}\s+")


def parse_jsonld(
    doc: Mapping[str, Any],
    source: str,
    weights: Weights = DEFAULT_WEIGHTS,
    graph: Mapping[str, Mapping[str, Any]] | None = None,
) -> Posting:
    """One JobPosting node (or a document whose @graph holds exactly one).

    ``graph`` maps @id to the other nodes of the same document, for references such as
    ``"hiringOrganization": {"@id": "#acme"}``. Raises PostingFormatError.
    """
    if not isinstance(doc, Mapping):
        raise PostingFormatError(f"{source}: expected a JSON object, found {type(doc).__name__}")
    guard.check_document(doc, source)
    if "@graph" in doc and not jsonld.is_job_posting(doc):
        return _single_from_graph(doc, source, weights)
    if not jsonld.is_job_posting(doc):
        found = ", ".join(jsonld.types(doc)) or "no @type"
        raise PostingFormatError(
            f'{source}: not a schema.org JobPosting ({found}); set "@type": "JobPosting"'
        )
    graph = graph or {}
    title = jsonld.first_text(doc.get("title") or doc.get("name"), graph)
    if not title:
        raise PostingFormatError(f'{source}: the JobPosting has no title; add a "title"')
    description_markup = "\n\n".join(jsonld.texts(doc.get("description"), graph))
    description_text = jsonld.as_markdown(description_markup) if description_markup else ""
    sections = split_sections(description_text)
    for name, role, kind in jsonld.REQUIREMENT_PROPERTIES:
        values = jsonld.texts(doc.get(name), graph)
        sections.extend(jsonld.property_sections(name, values, role, kind))
    if not any(section.lines for section in sections):
        raise PostingFormatError(
            f"{source}: the JobPosting {title!r} has no description and no skills, "
            'qualifications or responsibilities; add a "description"'
        )
    url = jsonld.first_text(doc.get("url"), graph)
    return _posting(
        posting_id=jsonld.identifier(doc.get("identifier"), graph) or _node_id(doc) or url,
        fields={
            "title": " ".join(title.split()),
            "organization": jsonld.first_text(doc.get("hiringOrganization"), graph),
            "description": _plain(description_text),
            "occupational_category": jsonld.category(doc.get("occupationalCategory"), graph),
            "date_posted": jsonld.first_text(doc.get("datePosted"), graph),
            "valid_through": jsonld.first_text(doc.get("validThrough"), graph),
            "url": url,
        },
        sections=sections,
        source=source,
        weights=weights,
    )


def parse_text(text: str, source: str, weights: Weights = DEFAULT_WEIGHTS) -> Posting:
    """A plain-text or Markdown posting: title = front-matter ``title`` or the first line.

    Header lines under the title (``Company: Acme``, ``Id: DE-42``) and YAML-style front
    matter give the organization, id, url and dates. Raises PostingFormatError.
    """
    guard.check_text(text, source)
    header = split_header(text)
    if not header.title:
        raise PostingFormatError(f"{source}: the posting is empty; expected a title line")
    if len(header.title) > _MAX_TITLE:
        raise PostingFormatError(
            f"{source}: the first line is not a title ({len(header.title)} characters); "
            "start the posting with the job title on its own line"
        )
    body = html_to_text(header.body) if looks_like_html(header.body) else header.body
    sections = split_sections(decode_entities(body))
    if not any(section.lines for section in sections):
        raise PostingFormatError(
            f"{source}: the posting {header.title!r} has a title but no text under it"
        )
    meta = header.meta
    return _posting(
        posting_id=meta.get("id"),
        fields={
            "title": decode_entities(header.title),
            "organization": meta.get("organization"),
            "description": _plain(body),
            "occupational_category": meta.get("occupational_category"),
            "date_posted": meta.get("date_posted"),
            "valid_through": meta.get("valid_through"),
            "url": meta.get("url"),
        },
        sections=sections,
        source=source,
        weights=weights,
    )


def read_postings(
    path: Path, weights: Weights = DEFAULT_WEIGHTS
) -> Iterator[Posting | PostingFormatError]:
    """Every posting in one file, each one parsed on its own.

    .json/.jsonld hold a JobPosting, a list of them or an @graph; .jsonl/.ndjson one JSON
    document per line; .txt/.md one text posting. A bad record (or an unreadable file) is
    yielded as a PostingFormatError naming it, and the other records still come.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in JSON_SUFFIXES | JSONL_SUFFIXES | TEXT_SUFFIXES:
        yield PostingFormatError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; "
            "use .json, .jsonld, .jsonl, .txt or .md"
        )
        return
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        yield _error(f"{path}: cannot read the file ({e})", e)
        return
    if suffix in TEXT_SUFFIXES:
        yield _attempt(lambda: parse_text(content, str(path), weights))
    elif suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(content, path, weights)
    else:
        yield from _read_json(content, path, weights)


def parse_posting(path_or_text: Path | str, weights: Weights = DEFAULT_WEIGHTS) -> Posting:
    """One posting from a file path, a JSON-LD string or a plain-text string."""
    if isinstance(path_or_text, Path) or _is_file(path_or_text):
        path = Path(path_or_text)
        results = list(read_postings(path, weights))
        for result in results:
            if isinstance(result, PostingFormatError):
                raise result
        if len(results) != 1:
            raise PostingFormatError(
                f"{path}: holds {len(results)} postings; use read_postings() for many"
            )
        posting = results[0]
        assert isinstance(posting, Posting)
        return posting
    text = path_or_text.strip()
    if text.startswith("{"):
        guard.check_text(text, "<text>")
        return parse_jsonld(guard.loads(text, "<text>"), "<text>", weights)
    return parse_text(path_or_text, "<text>", weights)


def _node_id(doc: Mapping[str, Any]) -> str | None:
    """The node's @id when it is an absolute IRI (a relative "#job" is not unique)."""
    node_id = doc.get("@id")
    if isinstance(node_id, str) and re.match(r"^[a-z][a-z0-9+.-]*:", node_id, re.I):
        return node_id
    return None


def _is_file(value: str) -> bool:
    if "\n" in value or len(value) > 4096:
        return False
    try:
        return Path(value).is_file()
    except (OSError, ValueError):
        return False


def _posting(
    posting_id: str | None,
    fields: dict[str, str | None],
    sections: list[Section],
    source: str,
    weights: Weights,
) -> Posting:
    requirements = extract_requirements(sections, weights)
    title = fields["title"] or ""
    posting_id = posting_id or fallback_id(title, fields["organization"], source)
    return Posting(
        id=posting_id,
        title=title,
        organization=fields["organization"],
        description=fields["description"] or "",
        occupational_category=fields["occupational_category"],
        date_posted=fields["date_posted"],
        valid_through=fields["valid_through"],
        url=fields["url"],
        source=source,
        content_hash=content_hash({"id": posting_id, **fields}, requirements),
        requirements=requirements,
    )


def _plain(markdown: str) -> str:
    """Description text without heading marks and emphasis, bullets kept as "- "."""
    lines = (clean_inline(_ATX_MARK.sub("", line)) for line in markdown.split("\n"))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _error(message: str, cause: BaseException | None = None) -> PostingFormatError:
    error = PostingFormatError(message)
    error.__cause__ = cause
    return error


def _attempt(parse: Any) -> Posting | PostingFormatError:
    try:
        result: Posting = parse()
    except PostingFormatError as e:
        return e
    return result


def _read_json(
    content: str, path: Path, weights: Weights
) -> Iterator[Posting | PostingFormatError]:
    try:
        guard.check_text(content, str(path))
        data = guard.loads(content, str(path))
        guard.check_document(data, str(path))
    except PostingFormatError as e:
        yield e
        return
    records = list(_records(data, str(path)))
    single = len(records) == 1
    for label, node, graph in records:
        source = str(path) if single else f"{path}#{label}"
        if isinstance(node, PostingFormatError):
            yield node
        else:
            yield _attempt(lambda n=node, s=source, g=graph: parse_jsonld(n, s, weights, g))


Record = tuple[str, Any, Mapping[str, Mapping[str, Any]]]


def _records(data: object, where: str) -> Iterator[Record]:
    """(label, node, @id index) for each posting-shaped record of a JSON document."""
    if isinstance(data, list):
        for index, item in enumerate(data):
            if isinstance(item, Mapping) and "@graph" in item and not jsonld.is_job_posting(item):
                for label, node, graph in _graph_records(item, f"{where}[{index}]"):
                    yield f"{index}/{label}", node, graph
            else:
                yield str(index), item, {}
    elif isinstance(data, Mapping) and "@graph" in data and not jsonld.is_job_posting(data):
        yield from _graph_records(data, where)
    else:
        yield "0", data, {}


def _graph_records(doc: Mapping[str, Any], where: str) -> Iterator[Record]:
    nodes = doc["@graph"] if isinstance(doc["@graph"], list) else [doc["@graph"]]
    graph = {str(n["@id"]): n for n in nodes if isinstance(n, Mapping) and "@id" in n}
    postings = [(i, n) for i, n in enumerate(nodes) if jsonld.is_job_posting(n)]
    if not postings:
        error = PostingFormatError(f"{where}: the @graph holds no JobPosting node")
        yield "@graph", error, graph
    for index, node in postings:
        yield f"@graph[{index}]", node, graph


def _read_jsonl(
    content: str, path: Path, weights: Weights
) -> Iterator[Posting | PostingFormatError]:
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}#line{number}"
        try:
            guard.check_text(line, where)
            data = guard.loads(line, where)
            guard.check_document(data, where)
        except PostingFormatError as e:
            yield e
            continue
        for label, node, graph in _records(data, where):
            source = where if label == "0" else f"{where}/{label}"
            if isinstance(node, PostingFormatError):
                yield node
            else:
                yield _attempt(lambda n=node, s=source, g=graph: parse_jsonld(n, s, weights, g))


def _single_from_graph(doc: Mapping[str, Any], source: str, weights: Weights) -> Posting:
    records = list(_graph_records(doc, source))
    if len(records) != 1:
        raise PostingFormatError(
            f"{source}: the @graph holds {len(records)} JobPostings; use read_postings()"
        )
    _, node, graph = records[0]
    if isinstance(node, PostingFormatError):
        raise node
    return parse_jsonld(node, source, weights, graph)
