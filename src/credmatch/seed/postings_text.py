"""Job postings that arrive as plain text or Markdown, as pasted from an e-mail or a PDF."""

from __future__ import annotations

TEXT_POSTINGS: dict[str, str] = {
    "lakeview-forklift-operator.txt": """\
LAKEVIEW DISTRIBUTION - WAREHOUSE OPERATIVE / FORKLIFT DRIVER
Location: Stockton, CA    Pay: $21.50/hr + $1.25 night differential
Posted: 2026-10-19    Closing date: 2026-11-30

Lakeview Distribution runs a 600,000 sq ft grocery distribution centre serving 90 stores.
We are hiring forklift drivers for nights (Sun-Thu, 10pm-6:30am).

What you'll do
- Load and unload trailers with a counterbalance forklift
- Put away and replenish pallets in racking up to 8m
- Carry out pre-use forklift checks and report defects
- Follow site safety rules at all times

What you need
- Current counterbalance forklift certification (we will assess you on day one)
- 6 months' warehouse experience
- Able to lift up to 50 lbs and work in a chilled environment

Nice to have: reach truck experience, basic English and Spanish.

Benefits: weekly pay, medical/dental after 30 days, paid time off, free safety boots.

Lakeview Distribution is an equal opportunity employer.
""",
    "alpentech-german-support.md": """\
# Technical Support Agent (German/English) - AlpenTech Devices

**Location:** Vienna, Austria (hybrid) · **Type:** Full-time
**Posted:** 2026-10-27 · **Apply by:** 2026-12-15

## About us
AlpenTech makes smart thermostats and heat pump controllers sold in 11 countries. Our
support team helps homeowners and installers get their systems running.

## What you'll do
- Answer phone, chat and e-mail questions from customers in German and English
- Troubleshoot connectivity and configuration problems step by step
- Log issues accurately and escalate bugs to engineering
- Handle complaints with patience and find a fair solution

## Must have
- German at C1 level or native, English at B2 or above
- At least one year in customer service or technical support
- Comfortable with apps, Wi-Fi and basic networking

## Nice to have
- Knowledge of heating systems or electrical installations
- French or Italian

## Benefits
- Klimaticket Österreich paid by us
- Home office 2 days a week
- Gross annual salary from EUR 36,400 (14 payments), more with experience

*AlpenTech welcomes applications from people of all backgrounds.*
""",
    "riverside-charge-nurse.txt": """\
Riverside Community Hospital
Job title: Charge Nurse - Emergency Department (Band 6 equivalent)
Hours: 37.5 per week, rotating days and nights
Posted 2026-10-26, applications close 2026-12-01

About us: Riverside is a 250-bed community hospital with a busy emergency department that
sees 180 patients a day.

The role: you will coordinate the department on your shift, allocate staff, support junior
nurses and make sure patients are seen safely and on time. You'll still do hands-on care.

Requirements:
* Registered nurse with at least 3 years' emergency or acute experience
* Current Basic Life Support; Advanced Life Support within 12 months
* Experience supervising and mentoring nursing staff
* Confident with IV medicines and infusion pumps
* Competent in the electronic patient record

Desirable: leadership or management qualification, triage training, wound care.

We offer: NHS-style pension, 27 days annual leave plus bank holidays, funded
leadership programme, on-site nursery.

Riverside is committed to equality, diversity and inclusion.
""",
    "bluefin-bi-analyst.md": """\
## BI Analyst (12-month contract) - Bluefin Hotels

Bluefin runs 38 hotels across Spain and Portugal. Our commercial team needs an analyst to
help revenue managers price rooms better.

**Posted:** 2026-10-28 · **Closes:** 2026-12-20 · **Location:** Madrid or remote within Spain

### Responsibilities
* Build and maintain Power BI dashboards on bookings, pricing and channel mix
* Write SQL to pull data from our reservation and property-management systems
* Forecast demand with the revenue team and explain the numbers
* Keep the data model documented and tidy

### Requirements
* 2+ years in a BI or data analyst role
* SQL and a BI tool (Power BI preferred)
* Good statistics: forecasting, seasonality
* Spanish and English, both at professional level

### Nice to have
* Python for data analysis
* Hospitality or travel experience

### What we offer
Discounted stays at all Bluefin hotels, flexible hours, private health insurance.

Bluefin Hotels is an equal opportunities employer.
""",
}
