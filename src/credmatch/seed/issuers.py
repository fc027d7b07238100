"""The seed's issuers: who they are, where they live on the web, which DID method they use."""

from __future__ import annotations

from dataclasses import dataclass

DID_WEB_HOST = "credentials.example-university.edu"


@dataclass(frozen=True)
class IssuerSpec:
    slug: str
    name: str
    kind: str
    domain: str
    url: str
    description: str
    did_web: bool = False
    trusted: bool = True
    # Issuers without a status list cannot revoke; real small providers often publish none.
    status_list: bool = True

    @property
    def key_seed_label(self) -> str:
        return f"credmatch-seed/{self.slug}"

    @property
    def status_list_url(self) -> str:
        return f"https://status.{self.domain}/lists/1"

    def achievement_url(self, key: str) -> str:
        return f"https://{self.domain}/achievements/{key}"

    def credential_url(self, number: int) -> str:
        return f"https://{self.domain}/credentials/{number:06d}"


ISSUERS: tuple[IssuerSpec, ...] = (
    IssuerSpec(
        slug="lakeshore-state",
        name="Lakeshore State University, School of Professional Studies",
        kind="university",
        domain=DID_WEB_HOST,
        url="https://www.example-university.edu/professional-studies",
        description=(
            "Lakeshore State's School of Professional Studies offers credit-bearing "
            "certificates and digital badges for working adults."
        ),
        did_web=True,
    ),
    IssuerSpec(
        slug="riverside-tech",
        name="Riverside Institute of Technology",
        kind="university",
        domain="riverside-tech.example",
        url="https://www.riverside-tech.example",
        description="A public technical university known for computing and engineering.",
    ),
    IssuerSpec(
        slug="halden-university",
        name="Halden University Continuing Education",
        kind="university",
        domain="continuing.halden.example",
        url="https://continuing.halden.example",
        description="Short courses and micro-credentials from Halden University's faculties.",
    ),
    IssuerSpec(
        slug="opencoursehub",
        name="OpenCourseHub",
        kind="mooc",
        domain="badges.opencoursehub.example",
        url="https://www.opencoursehub.example",
        description="An online learning platform with self-paced courses from industry partners.",
        status_list=False,
    ),
    IssuerSpec(
        slug="ipp",
        name="Institute of Project Professionals",
        kind="professional-body",
        domain="credentials.projectprofessionals.example",
        url="https://www.projectprofessionals.example",
        description="The professional membership body for project and programme managers.",
    ),
    IssuerSpec(
        slug="launchpad",
        name="Launchpad Code Academy",
        kind="bootcamp",
        domain="launchpadcode.example",
        url="https://launchpadcode.example",
        description="Full-time and part-time coding bootcamps with portfolio-based assessment.",
    ),
    IssuerSpec(
        slug="stratus",
        name="Stratus Cloud Certification Program",
        kind="vendor-certification",
        domain="certification.stratuscloud.example",
        url="https://www.stratuscloud.example/certification",
        description="Role-based certifications for the Stratus Cloud platform.",
    ),
    IssuerSpec(
        slug="meridian-health",
        name="Meridian Health Training Institute",
        kind="healthcare-training",
        domain="meridianhealthtraining.example",
        url="https://meridianhealthtraining.example",
        description="Clinical skills training for nurses, care staff and allied health workers.",
    ),
    IssuerSpec(
        slug="ironworks",
        name="Ironworks Trades College",
        kind="trades-college",
        domain="ironworks.example",
        url="https://www.ironworks.example",
        description="Workshop-based training for the electrical, welding and building trades.",
    ),
    IssuerSpec(
        slug="lingua-viva",
        name="Lingua Viva Language School",
        kind="language-school",
        domain="linguaviva.example",
        url="https://www.linguaviva.example",
        description="Language courses aligned to the CEFR, with certified level exams.",
        status_list=False,
    ),
    IssuerSpec(
        slug="gsab",
        name="Global Skills Accreditation Board",
        kind="unknown",
        domain="gsab-certify.example",
        url="https://gsab-certify.example",
        description="Issues certificates for a fee; not recognised by any accreditor.",
        trusted=False,
        status_list=False,
    ),
)


def issuer_by_slug(slug: str) -> IssuerSpec:
    for issuer in ISSUERS:
        if issuer.slug == slug:
            return issuer
    raise KeyError(slug)
