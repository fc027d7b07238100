"""Reading schema.org JobPosting JSON-LD values, which may be strings, lists or nodes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from credmatch.postings.html_text import decode_entities, html_to_text, looks_like_html
from credmatch.postings.model import Line, Role, Section
from credmatch.postings.sections import split_sections

Node = Mapping[str, Any]
_SCHEMA_PREFIX: Final = re.compile(r"^(schema:|https?://schema\.org/)")

# property -> (role, kind) of the requirements it lists
REQUIREMENT_PROPERTIES: Final[tuple[tuple[str, Role, str | None], ...]] = (
    ("skills", Role.REQUIRED, "skill"),
    ("qualifications", Role.REQUIRED, None),
    ("experienceRequirements", Role.REQUIRED, "experience"),
    ("educationRequirements", Role.REQUIRED, "education"),
    ("responsibilities", Role.RESPONSIBILITY, "duty"),
)
# Properties whose entries are merged into the description's statements that already name
# them (see ``postings.merge``) instead of becoming requirements of their own.
MERGED_PROPERTIES: Final = frozenset(
    {"skills", "qualifications", "experienceRequirements", "educationRequirements"}
)


def types(node: Node) -> list[str]:
    """The node's types without the schema.org prefix."""
    value = node.get("@type", node.get("type"))
    values = value if isinstance(value, list) else [value]
    return [_SCHEMA_PREFIX.sub("", v) for v in values if isinstance(v, str)]


def is_job_posting(node: object) -> bool:
    """Whether ``node`` is a JSON object typed JobPosting."""
    return isinstance(node, Mapping) and "JobPosting" in types(node)


def resolve(value: object, graph: Mapping[str, Node]) -> object:
    """A {"@id": ...} reference replaced by the node it names in the same @graph."""
    if isinstance(value, Mapping) and set(value) <= {"@id", "@type"} and "@id" in value:
        return graph.get(str(value["@id"]), value)
    return value


# References followed for one value at most: {"@id": ...} nodes may point at each other in a
# cycle, and a JobPosting's values are never more than a couple of references away.
_MAX_HOPS: Final = 4


def texts(value: object, graph: Mapping[str, Node], _hops: int = 0) -> list[str]:
    """The text values of a property: strings, numbers, or nodes' name/description."""
    target = resolve(value, graph)
    if target is not value:
        if _hops >= _MAX_HOPS:
            return []
        _hops += 1
    value = target
    if value is None:
        return []
    if isinstance(value, list):
        return [text for item in value for text in texts(item, graph, _hops)]
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, Mapping):
        return _node_texts(value, graph, _hops)
    return []


def _node_texts(node: Node, graph: Mapping[str, Node], hops: int) -> list[str]:
    for key in ("@value", "value", "name", "description", "credentialCategory"):
        if key in node:
            found = texts(node[key], graph, hops)
            if found:
                return found
    months = node.get("monthsOfExperience")
    if isinstance(months, int | float) and not isinstance(months, bool):
        return [f"{months:g} months of experience"]
    return []


def first_text(value: object, graph: Mapping[str, Node]) -> str | None:
    """The first text value, entities decoded, or None."""
    found = texts(value, graph)
    return decode_entities(found[0]) if found else None


def category(value: object, graph: Mapping[str, Node]) -> str | None:
    """occupationalCategory: a CategoryCode's codeValue (the linkable code), else its text."""
    value = resolve(value, graph)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping) and "codeValue" in value:
        return first_text(value["codeValue"], graph)
    return first_text(value, graph)


def identifier(value: object, graph: Mapping[str, Node]) -> str | None:
    """identifier as a string, or a PropertyValue's value."""
    value = resolve(value, graph)
    if isinstance(value, list):
        found = (identifier(item, graph) for item in value)
        return next((v for v in found if v), None)
    if isinstance(value, Mapping):
        for key in ("value", "@value", "@id"):
            if key in value and (found_id := first_text(value[key], graph)):
                return found_id
        return None
    return first_text(value, graph)


def as_markdown(text: str) -> str:
    """HTML or plain text as the Markdown-like text the sectioner reads."""
    return html_to_text(text) if looks_like_html(text) else decode_entities(text)


def property_sections(name: str, values: list[str], role: Role, kind: str | None) -> list[Section]:
    """Sections for a requirement-bearing property such as ``skills``.

    Single-line values are bullets; an HTML or multi-line value is sectioned like a
    description, its own headings ("Preferred") still counting.
    """
    if not any(looks_like_html(v) or "\n" in v for v in values):
        lines = tuple(Line(" ".join(decode_entities(v).split()), bullet=True) for v in values)
        return [Section(name, lines, role, kind)]
    sections: list[Section] = []
    for value in values:
        for section in split_sections(as_markdown(value)):
            if section.heading:
                sections.append(Section(section.heading, section.lines, None, kind))
            else:
                sections.append(Section(name, section.lines, role, kind))
    return sections
