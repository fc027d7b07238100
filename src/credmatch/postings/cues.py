"""Wording that tells what a heading or a statement is: the vocabulary of job postings.

Everything here is English-only keyword matching; the patterns are ordered so that the more
specific reading wins ("Preferred qualifications" is preferred, not required).
"""

from __future__ import annotations

import re
from typing import Final

from credmatch.postings.model import Role

_HEADING_ROLES: Final[tuple[tuple[Role, re.Pattern[str]], ...]] = (
    (
        Role.BOILERPLATE,
        re.compile(
            r"salary|compensation|\bpay\b|benefit|perks?\b|\bequity\b|we offer|what we offer"
            r"|in it for you|equal (employment )?opportunit|\beeo\b|diversity|inclusion"
            r"|how to apply|to apply|application process|next steps|hiring process"
            r"|^about (?!(you|the (role|job|position|opportunity|team)|this (role|job|position))\b)"
            r"|who we are|our (company|mission|story|values|culture|team)|why (join|work)"
            r"|life at|location|working hours|disclaimer|privacy|legal|contact"
        ),
    ),
    (
        Role.PREFERRED,
        re.compile(
            r"nice[ -]to[ -]have|good to have|bonus|preferred|desired|desirable|\bplus\b|ideal"
            r"|extra credit|would be great|not required|optional|brownie|advantage"
            r"|even better|stand out"
        ),
    ),
    (
        Role.RESPONSIBILITY,
        re.compile(
            r"responsibilit|what you('ll| will) (do|be doing|work on)|duties|day[ -]to[ -]day"
            r"|your (role|impact|mission)|in this role|tasks|accountabilit|the job|the work"
        ),
    ),
    (
        Role.REQUIRED,
        re.compile(
            r"requirement|required|must|qualification|what you (bring|need|have)"
            r"|what you('ll| will) need|looking for|who you are|about you|you have|you are"
            r"|skills|experience|education|competenc|profile|candidate|your background"
            r"|essential|minimum|basic|mandatory|knowledge|expertise|you bring|you should"
        ),
    ),
    (Role.PREFERRED, re.compile(r"tech(nology)? stack|technolog|tools|our stack|\bstack\b")),
)

_KIND_HINTS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("education", re.compile(r"education|degree|academic")),
    ("qualification", re.compile(r"certific|licen[cs]e|accreditation")),
    ("experience", re.compile(r"experience")),
    ("skill", re.compile(r"skill|tech|stack|tools|competenc|expertise")),
)


def heading_role(heading: str) -> tuple[Role, str | None]:
    """The role a heading announces, and the kind of its items when the heading says so."""
    text = " ".join(heading.lower().replace("’", "'").split()).strip(" :*#")
    role = next((role for role, pattern in _HEADING_ROLES if pattern.search(text)), Role.GENERAL)
    kind = next((kind for kind, pattern in _KIND_HINTS if pattern.search(text)), None)
    if role is Role.RESPONSIBILITY:
        kind = "duty"
    return role, kind


_PREFERRED_WORDS: Final = re.compile(
    r"\b(a (big |huge |strong |real |definite )?plus|nice[ -]to[ -]have|preferred|preferably"
    r"|ideally|desirable|desired|an advantage|advantageous|bonus|would be (great|nice|good)"
    r"|not required|is a benefit|optional|even better)\b",
    re.I,
)
_REQUIRED_WORDS: Final = re.compile(
    r"\b(must|required|requires?|mandatory|essential|need to|needs to|necessary|minimum"
    r"|at least)\b",
    re.I,
)


# What the hire may obtain or train for after starting is not a requirement at hire, when the
# statement says so: "ACLS within 6 months of hire", "Advanced Life Support within 12 months"
# (a certificate, course or licence to get within a time), "obtain ... within 2 years",
# "Basic life support or willingness to train". A bare recency ("Negative TB test within 12
# months", "Clinical experience within 2 years") and "willing to train junior staff" are not.
_PERIOD = r"within (\d+|one|two|three|six|twelve) (days?|weeks?|months?|years?)"
_LATER: Final = re.compile(
    rf"\b{_PERIOD} of (hire|hiring|joining|starting|start|employment|appointment)\b"
    rf"|\b(obtain|achieve|gain|acquire|complete)\w*\b[^.;]*\b{_PERIOD}\b"
    rf"|\b(certifi\w*|certificate|licen[cs]\w*|life support|course|accreditation)\b[^.;]*"
    rf"\b{_PERIOD}\b"
    r"|\bor (a )?(willing(ness)?|happy|prepared) to (train|learn|be trained|obtain|gain|get"
    r"|work towards)\b"
    r"|\bwilling(ness)? to (obtain|gain|be trained|work towards)\b",
    re.I,
)

# "(Power BI preferred)", ", ideally in a contact centre": a preference about a detail of the
# statement, not about the statement itself; "(ACLS within 6 months of hire)" likewise.
_DETAIL_PREFERENCE: Final = re.compile(r",\s*(ideally|preferably)\b[^,;]*$", re.I)
_PARENTHESIS: Final = re.compile(r"\(([^()]*)\)")


def _without_detail_preferences(text: str) -> str:
    def keep(match: re.Match[str]) -> str:
        if _LATER.search(match[1]):
            # "(ACLS within 6 months of hire)" is about another item; "(or willingness to
            # obtain)" is about this one, so the statement keeps it.
            return match[0] if match[1].strip().lower().startswith("or ") else ""
        inner = _PREFERRED_WORDS.sub("", match[1])
        return "" if re.search(r"[A-Za-z0-9]", inner) else match[0]

    return _DETAIL_PREFERENCE.sub("", _PARENTHESIS.sub(keep, text))


def wording_required(text: str) -> bool | None:
    """True/False when the statement's own wording says required/preferred, else None.

    A preference about a detail ("SQL and a BI tool (Power BI preferred)", "Customer service
    experience, ideally in a contact centre") says nothing about the statement as a whole.
    What the hire may train for or obtain later ("Advanced Life Support within 12 months",
    "Basic life support or willingness to train") is preferred, not required.
    """
    text = _without_detail_preferences(text)
    if _PREFERRED_WORDS.search(text) or _LATER.search(text):
        return False
    if _REQUIRED_WORDS.search(text):
        return True
    return None


# Statements that read as a requirement even outside a requirements section.
_REQUIREMENT_WORDS: Final = re.compile(
    r"\b(experience (with|in|of|as|using|building|designing)|\d+\+? years|years of"
    r"|knowledge of|proficien|familiar(ity)? with|fluen(t|cy)|degree|bachelor|master'?s"
    r"|certifi|licen[cs]e|ability to|able to|skills? in|expertise|understanding of"
    r"|you (have|bring|know|are)|we('re| are) looking for|should have|comfortable with"
    r"|background in|track record)\b",
    re.I,
)


def reads_as_requirement(text: str) -> bool:
    """Whether a statement outside a requirement section still states a requirement."""
    return bool(
        _REQUIREMENT_WORDS.search(text)
        or _PREFERRED_WORDS.search(text)
        or _REQUIRED_WORDS.search(text)
    )


# Sentences that are never requirements wherever they stand.
_BOILERPLATE_LINE: Final = re.compile(
    r"equal (employment )?opportunit|affirmative action|without regard to|regardless of"
    r"|\b(race|religion|gender identity|sexual orientation|national origin|veteran status)\b"
    r"|reasonable accommodation|\bto apply\b|apply (now|today|here|via|through|by|online)"
    r"|send (us )?(your )?(cv|resume|résumé|application)|click (here|apply)"
    r"|we (encourage|welcome) (you|applications|applicants)|even if you don'?t"
    r"|don'?t (meet|tick|check)|imposter syndrome|recruitment agenc|e-?mail us"
    r"|committed to (equality|diversity|inclusion)",
    re.I,
)
_BENEFIT_LINE: Final = re.compile(
    r"salary|compensation|\$\s?\d|€\s?\d|£\s?\d|\d+k\b|401\(?k\)?|pension|health (insurance|care)"
    r"|dental|paid (time off|leave|vacation)|\bpto\b|holidays?|parental leave|stock options"
    r"|equity|gym|remote[- ]first|flexible (hours|working)|wellness|we offer|perks?",
    re.I,
)
_NOT_A_STATEMENT: Final = re.compile(
    r"^(we|we're|our|this (is|role|position)|you will join|join us|if you|please|apply"
    r"|studies|at \w+,)\b",
    re.I,
)


def is_boilerplate_line(text: str) -> bool:
    """EEO / how-to-apply sentences, which are boilerplate in any section."""
    return _BOILERPLATE_LINE.search(text) is not None


def is_benefit_line(text: str) -> bool:
    """Pay and perks wording; only trusted outside requirement sections."""
    return _BENEFIT_LINE.search(text) is not None


def is_company_talk(text: str) -> bool:
    """Sentences about the company or the reader ("We ...", "Our ...", "If you ...")."""
    return _NOT_A_STATEMENT.search(text) is not None


_EDUCATION: Final = re.compile(
    r"\b(degree|bachelor'?s?|master'?s?|ph\.?d|doctorate|diploma|b\.?sc?|m\.?sc?|b\.?a\.|mba"
    r"|graduate (in|of)|university|college|a-levels|high school)\b",
    re.I,
)
_QUALIFICATION: Final = re.compile(
    r"\b(certifi\w*|licen[cs]e[ds]?|accredit\w*|chartered|clearance|registered|cpa|cfa|pmp"
    r"|cissp)\b",
    re.I,
)
_EXPERIENCE: Final = re.compile(
    r"\b(\d+\+?\s*(-\s*\d+\s*)?(years?|yrs?|months?)|years of|proven track record"
    r"|experience as an? |previous experience|prior experience|professional experience"
    r"|(senior|junior|mid)[- ]level)\b",
    re.I,
)


def text_kind(text: str) -> str | None:
    """education / qualification / experience when the wording says so, else None."""
    if _EDUCATION.search(text):
        return "education"
    if _QUALIFICATION.search(text):
        return "qualification"
    if _EXPERIENCE.search(text):
        return "experience"
    return None


# Conditions of employment: what the posting demands but no micro-credential attests. A
# certificate a credential can carry (BLS, a forklift or vendor certification) is not one.
_CONDITION: Final = re.compile(
    r"\b(driv(ing|er'?s?)\s+licen[cs]e|(RN|nursing|nurse|medical|pharmacy|teaching|CDL)"
    r"\s+licen[cs]e|registered nurse|licensed (nurse|practical|electrician|plumber)"
    r"|gas safe|registration with|registered with (the )?(NMC|HCPC|GMC|GPhC)"
    r"|(rotating|night|day|weekend|early|late|split|\d+-hour)\s+shifts?|shift (work|pattern|rota)"
    r"|work (nights|weekends|shifts)|on-?call|willing(ness)? to (work|travel|relocate)"
    r"|travel(ling)? (up to|of up to|\d)|\d+\s*% travel|(frequent|regular) travel"
    r"|(right|authori[sz]ed|authori[sz]ation|eligib(le|ility)|permitted) to work"
    r"|work (permit|authori[sz]ation|visa)|visa sponsorship|security clearance"
    r"|background check|(DBS|criminal record) check|drug (test|screen)|relocat\w*"
    r"|based in|live within|commut\w*|lift (up to )?\d+|physically (demanding|fit)"
    r"|pass(ing)? a (practical|written)|available to (start|work)|availability)",
    re.I,
)
# Time served ("3+ years building ...", "6 months' warehouse experience"), not a deadline
# ("ACLS within 6 months of hire").
_DURATION: Final = re.compile(
    r"(?<!within )\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\+?\s*"
    r"(-\s*\d+\s*)?(years?|yrs?|months?)\b",
    re.I,
)
_TIME_SERVED: Final = re.compile(r"\b(experience|in|building|working|as|of)\b", re.I)


def is_condition(text: str) -> bool:
    """Whether a statement is a condition of employment rather than a skill (see KINDS)."""
    if _CONDITION.search(text):
        return True
    return _DURATION.search(text) is not None and _TIME_SERVED.search(text) is not None
