"""The bundled demo workbook: a fictional freight SaaS whose data tells a story.

The app must show something worth looking at before anyone uploads a file, and every page needs
a case to point at: initiatives the two sides see very differently, work without an objective or
a why, an objective nobody works on, a split room, a gap too thin to trust, a team whose
escalations climb and key stakeholders nobody has met lately. This module plants exactly those
cases in otherwise ordinary, noisy data, so the demo reads like a real company's spreadsheets and
the tests can check that each case is really there.

The company is Haulwise (invented): shippers book trucks from carriers on its "Freightline"
platform. The workbook looks like a filled-in template: headers are the schema's labels, several
IDs go in one cell as "G1, G3", dates are real Excel dates.

Everything is drawn from ``numpy.random.default_rng(seed)`` in a fixed order, and the xlsx is
written with fixed timestamps, so the same seed gives the same tables and the same file bytes
(a regenerated demo does not show up as a change in version control).

Run ``python -m alignment.demo`` to regenerate ``sample_data/demo_workbook.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

try:
    from alignment import schema
except ModuleNotFoundError:  # run as a script (python alignment/demo.py): the repo is not on path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from alignment import schema

DEFAULT_SEED = 7
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "sample_data" / "demo_workbook.xlsx"
COMPANY = "Haulwise"
ABOUT_SHEET = "About"
# The day the demo's story is told from: stakeholder 1:1s are overdue relative to it.
AS_OF = pd.Timestamp("2026-11-25")

_SURVEY_ONLY_ESTIMATES = ("time_criticality", "risk_reduction")
# Sheet order of the workbook after the About sheet; keys of build_demo_tables().
SHEETS: tuple[schema.Table, ...] = (
    schema.INITIATIVES,
    schema.OBJECTIVES,
    schema.FEEDBACK,
    schema.INDICATORS,
    schema.STAKEHOLDERS,
    schema.GLOSSARY,
)
# The fields each demo sheet fills, in column order (a filled-in template leaves optional
# columns such as "Side" out; the feedback sheet is in the wide form).
COLUMNS: dict[str, tuple[str, ...]] = {
    # The roadmap carries RICE's columns and a job size; time criticality and risk reduction
    # come from the survey, so the combined WSJF ranking rests on people and has honest ranges.
    "initiatives": tuple(
        f.name for f in schema.INITIATIVES.fields if f.name not in _SURVEY_ONLY_ESTIMATES
    ),
    "objectives": tuple(f.name for f in schema.OBJECTIVES.fields),
    "feedback": (
        "respondent",
        "group",
        "initiative",
        *schema.FEEDBACK_RATING_FIELDS,
        "comment",
        "date",
    ),
    "indicators": ("period", "scope", "metric", "value"),
    "stakeholders": ("name", "role", "group", "influence", "interest", "last_1on1", "cadence"),
    "glossary": ("term", "plain"),
}

TEAMS: tuple[str, ...] = ("Platform", "Payments", "Data", "Mobile", "Customer Apps")
RISING_TEAM = "Payments"  # the team whose escalations climb over the last four months

# --- the story's cast ----------------------------------------------------------------------------

TECH_OVER_BUSINESS: tuple[str, ...] = ("P-02", "P-04", "P-05")  # plumbing the business can't see
BUSINESS_OVER_TECH = "P-28"  # a quick win to the business, a trap to engineering
# Prioritisation: two initiatives the business ranks far above engineering, because the
# business rates their time criticality 13 where engineering says 3 (shippers' warehouses want
# dock slots before the peak season; the spring contract round needs instant quotes). The other
# WSJF components the two sides see alike.
TIME_CRITICAL_TO_BUSINESS: tuple[str, ...] = ("P-29", "P-26")
POLARISED = ("P-27", "Sales")  # the portal redesign splits Sales into two camps
EVERYONE_AGREES = ("P-25", "Marketing")  # self-service sign-up: Marketing loves it, all 4s and 5s
UNCLEAR = "P-18"  # rated by 3 engineers and 4 finance people: a gap too thin to trust
UNCLEAR_GROUPS = {"Data & Analytics": 3, "Finance": 4}
# Cells resting on one or two people: what anonymity masking at the default k_min must hide.
SMALL_CELLS: dict[tuple[str, str], int] = {
    ("P-10", "Marketing"): 1,
    ("P-06", "Operations"): 2,
    ("P-23", "Finance"): 2,
    ("P-29", "Infrastructure"): 1,
    ("P-03", "Sales"): 2,
    ("P-09", "Mobile Engineering"): 1,
}

# (group, side, respondents, the teams whose work it hears most about). Each name is inferable
# to its side by the schema's group words; no name mixes a tech and a business word.
GROUPS: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    ("Platform Engineering", "tech", 17, ("Platform",)),
    ("Payments Engineering", "tech", 14, ("Payments",)),
    ("Data & Analytics", "tech", 15, ("Data",)),
    ("Mobile Engineering", "tech", 13, ("Mobile",)),
    ("Infrastructure", "tech", 11, ("Platform",)),
    ("Sales", "business", 18, ("Customer Apps", "Payments")),
    ("Finance", "business", 14, ("Payments",)),
    ("Marketing", "business", 12, ("Customer Apps",)),
    ("Customer Support", "business", 20, ("Customer Apps", "Mobile")),
    ("Operations", "business", 16, ("Mobile", "Data")),
)


def _date(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# The hand-written story tables below are data, laid out one record per block for reading;
# the formatter would put every key on its own line.
# fmt: off
OBJECTIVES: tuple[dict[str, object], ...] = (
    {"id": "G1", "name": "Grow mid-market shipper revenue", "weight": 30, "owner": "CRO",
     "description": "Mid-market shipper revenue up 35% by end of 2027."},
    {"id": "G2", "name": "Cut cost to serve per shipment", "weight": 25, "owner": "COO",
     "description": "Cost to serve one shipment down from EUR 4.10 to EUR 3.00."},
    {"id": "G3", "name": "Reliable, visible deliveries", "weight": 20, "owner": "COO",
     "description": "95% of loads tracked live and on time; fewer 'where is my load' calls."},
    {"id": "G4", "name": "Launch in the Nordics", "weight": 15, "owner": "CEO",
     "description": "First 50 Nordic shippers booking on Haulwise by Q4 2027."},
    {"id": "G5", "name": "Stay secure and audit-ready", "weight": 10, "owner": "CFO",
     "description": "Pass PCI DSS and GDPR audits with no major findings."},
)

# One dict per initiative, keyed by schema field names. G4 is served by nothing; P-16, P-20 and
# P-30 serve no objective; P-02, P-05, P-11, P-16 and P-20 have no written why.
INITIATIVES: tuple[dict[str, object], ...] = (
    {"id": "P-01", "team": "Platform", "name": "Freightline event bus on Kafka",
     "owner": "Lena Hartmann", "objective_ids": "G2, G3",
     "description": "Move messaging between Freightline microservices from RabbitMQ to Kafka so "
                    "events can be replayed and consumers scale independently.",
     "why": "Tracking updates go missing at peak times, so shippers call support to ask where "
            "their load is.",
     "business_value": "High", "effort": 34, "risk": "High", "status": "At risk",
     "target": "Q1 2027", "depends_on": None, "kpi": "Tracking updates within 1 minute (%)"},
    {"id": "P-02", "team": "Platform", "name": "Observability and SLOs",
     "owner": "Tomasz Nowak", "objective_ids": "G3",
     "description": "Roll out OpenTelemetry tracing, structured logs and SLO dashboards for every "
                    "API, replacing ad-hoc log searches during incidents.",
     "why": None, "business_value": "Medium", "effort": 21, "risk": "Medium",
     "status": "In progress", "target": _date("2027-01-29"), "depends_on": None,
     "kpi": "Mean time to detect incidents"},
    {"id": "P-03", "team": "Platform", "name": "Cloud cost right-sizing",
     "owner": "Tomasz Nowak", "objective_ids": "G2",
     "description": "Autoscale Kubernetes node pools, right-size databases and move batch jobs "
                    "to spot instances.",
     "why": "Our cloud bill grew 40% last year while shipment volume grew 15%.",
     "business_value": "High", "effort": 13, "risk": "Low", "status": "In progress",
     "target": "Q4 2026", "depends_on": None, "kpi": "Cloud cost per 1,000 shipments"},
    {"id": "P-04", "team": "Platform", "name": "CI/CD pipeline overhaul",
     "owner": "Lena Hartmann", "objective_ids": "G2",
     "description": "Replace hand-run Jenkins jobs with a CI/CD pipeline: automated tests, "
                    "trunk-based development and one-click deploys.",
     "why": "Releases need two days of manual checks, so fixes customers wait for ship weeks "
            "late.",
     "business_value": "Medium", "effort": 20, "risk": "Medium", "status": "In progress",
     "target": "Q1 2027", "depends_on": None, "kpi": "Lead time from merge to production"},
    {"id": "P-05", "team": "Platform", "name": "Booking monolith decomposition",
     "owner": "Lena Hartmann", "objective_ids": "G2",
     "description": "Split the booking monolith into microservices behind an API gateway and pay "
                    "down tech debt in the rate engine.",
     "why": None, "business_value": "Medium", "effort": 40, "risk": "Very high",
     "status": "In progress", "target": "Q3 2027", "depends_on": "P-01, P-04",
     "kpi": "Deploys per week (booking)"},
    {"id": "P-06", "team": "Platform", "name": "Single sign-on for shipper admins",
     "owner": "Tomasz Nowak", "objective_ids": "G1, G5",
     "description": "SAML and OIDC single sign-on plus SCIM user provisioning for shipper admin "
                    "accounts.",
     "why": "Enterprise shippers will not sign without SSO, and security reviews stall deals.",
     "business_value": "High", "effort": 8, "risk": "Low", "status": "Done",
     "target": _date("2026-09-30"), "depends_on": None,
     "kpi": "Deals passing security review (%)"},
    {"id": "P-07", "team": "Payments", "name": "Carrier quick-pay",
     "owner": "Amara Osei", "objective_ids": "G1",
     "description": "Pay carriers within 48 hours of proof of delivery through a new payouts "
                    "API, for a 2% fee.",
     "why": "Carriers prefer shippers who pay in two days, and the quick-pay fee is new revenue.",
     "business_value": "Very high", "effort": 21, "risk": "Medium", "status": "Planned",
     "target": "Q2 2027", "depends_on": "P-21", "kpi": "Quick-pay fee revenue"},
    {"id": "P-08", "team": "Payments", "name": "Automated invoicing and e-invoicing",
     "owner": "Julien Moreau", "objective_ids": "G2",
     "description": "Generate invoices automatically when a load is delivered and send them as "
                    "PEPPOL e-invoices; retire the month-end spreadsheet run.",
     "why": "Finance spends four days every month-end building invoices by hand, and errors "
            "delay cash.",
     "business_value": "High", "effort": 26, "risk": "High", "status": "At risk",
     "target": "Q1 2027", "depends_on": "P-11", "kpi": "Days sales outstanding"},
    {"id": "P-09", "team": "Payments", "name": "Bank reconciliation engine",
     "owner": "Julien Moreau", "objective_ids": "G2",
     "description": "Match bank statement lines to invoices with a rules engine and a review "
                    "queue instead of spreadsheets.",
     "why": "Chasing unmatched payments takes two people in Finance every week.",
     "business_value": "Medium", "effort": 13, "risk": "Medium", "status": "In progress",
     "target": _date("2026-12-18"), "depends_on": None,
     "kpi": "Payments matched automatically (%)"},
    {"id": "P-10", "team": "Payments", "name": "PCI DSS 4.0 compliance",
     "owner": "Amara Osei", "objective_ids": "G5",
     "description": "Tokenise card data, move card flows into a PCI-scoped vault and add "
                    "quarterly vulnerability scans.",
     "why": "We cannot take card payments if we miss the PCI DSS 4.0 deadline.",
     "business_value": "High", "effort": 18, "risk": "Medium", "status": "In progress",
     "target": _date("2027-03-31"), "depends_on": None, "kpi": "Open PCI audit findings"},
    {"id": "P-11", "team": "Payments", "name": "Ledger service rewrite",
     "owner": "Julien Moreau", "objective_ids": "G2",
     "description": "Rebuild the double-entry ledger as an event-sourced service on Kafka to "
                    "remove tech debt and the nightly batch locks.",
     "why": None, "business_value": "Medium", "effort": 34, "risk": "Very high",
     "status": "At risk", "target": "Q2 2027", "depends_on": "P-01",
     "kpi": "Month-end close (days)"},
    {"id": "P-12", "team": "Payments", "name": "Dynamic fuel surcharge",
     "owner": "Amara Osei", "objective_ids": "G1",
     "description": "Recalculate fuel surcharges daily from a diesel price index API and show "
                    "them on every quote.",
     "why": "Fixed fuel surcharges lose money whenever diesel prices jump.",
     "business_value": "High", "effort": 8, "risk": "Low", "status": "Done",
     "target": _date("2026-08-28"), "depends_on": None, "kpi": "Fuel cost recovered (%)"},
    {"id": "P-13", "team": "Data", "name": "Shipment event data pipeline",
     "owner": "Priya Raman", "objective_ids": "G2, G3",
     "description": "Stream shipment events from Kafka into the warehouse with a dbt data "
                    "pipeline; retire the nightly CSV exports.",
     "why": "Reports are a day old, so operations react to late loads after the customer has "
            "noticed.",
     "business_value": "High", "effort": 21, "risk": "High", "status": "In progress",
     "target": "Q1 2027", "depends_on": "P-01", "kpi": "Data freshness (minutes)"},
    {"id": "P-14", "team": "Data", "name": "ETA prediction model",
     "owner": "Felix Bauer", "objective_ids": "G3",
     "description": "A machine-learning model predicting arrival times from GPS pings, traffic "
                    "feeds and dock history, served through a low-latency API.",
     "why": "Shippers plan dock staff around our arrival times, and one ETA in four is off by "
            "more than an hour.",
     "business_value": "Very high", "effort": 26, "risk": "High", "status": "At risk",
     "target": "Q2 2027", "depends_on": "P-13", "kpi": "ETAs within 30 minutes (%)"},
    {"id": "P-15", "team": "Data", "name": "Shipper analytics dashboards",
     "owner": "Priya Raman", "objective_ids": "G1",
     "description": "Embedded dashboards in the shipper portal showing spend, lanes and on-time "
                    "rate.",
     "why": "Large shippers ask for lane and spend reports before they renew.",
     "business_value": "High", "effort": 13, "risk": "Medium", "status": "Planned",
     "target": "Q2 2027", "depends_on": "P-13, P-27", "kpi": "Renewal rate of top-100 shippers"},
    {"id": "P-16", "team": "Data", "name": "Data quality monitoring",
     "owner": "Felix Bauer", "objective_ids": None,
     "description": "Automated checks on the data pipeline that alert on schema drift, null "
                    "spikes and late partitions.",
     "why": None, "business_value": "Medium", "effort": 8, "risk": "Low",
     "status": "In progress", "target": "Q4 2026", "depends_on": "P-13",
     "kpi": "Data incidents per month"},
    {"id": "P-17", "team": "Data", "name": "Lane pricing recommender",
     "owner": "Felix Bauer", "objective_ids": "G1",
     "description": "Suggest a spot price for each lane from historical bids and current "
                    "carrier capacity.",
     "why": "Sales prices spot loads from gut feeling and loses margin on busy lanes.",
     "business_value": "High", "effort": 18, "risk": "Medium", "status": "On hold",
     "target": "Q3 2027", "depends_on": None, "kpi": "Gross margin per load"},
    {"id": "P-18", "team": "Data", "name": "GDPR data retention automation",
     "owner": "Priya Raman", "objective_ids": "G5",
     "description": "Delete or anonymise personal data automatically when its retention period "
                    "ends, across the warehouse and backups.",
     "why": "Regulators can fine us if we keep drivers' personal data longer than allowed.",
     "business_value": "Medium", "effort": 8, "risk": "Low", "status": "Planned",
     "target": _date("2027-02-26"), "depends_on": None, "kpi": "Records past retention date"},
    {"id": "P-19", "team": "Mobile", "name": "Driver app offline mode",
     "owner": "Sofia Lindqvist", "objective_ids": "G3",
     "description": "Let drivers capture proof of delivery without signal and sync when they are "
                    "back online.",
     "why": "Drivers lose proof-of-delivery photos in areas with no signal, which delays "
            "billing.",
     "business_value": "High", "effort": 13, "risk": "Medium", "status": "In progress",
     "target": "Q4 2026", "depends_on": "P-20", "kpi": "Deliveries missing proof (%)"},
    {"id": "P-20", "team": "Mobile", "name": "React Native migration",
     "owner": "Kenji Watanabe", "objective_ids": None,
     "description": "Rewrite the separate iOS and Android driver apps as one React Native "
                    "codebase to cut duplicated tech debt.",
     "why": None, "business_value": "Medium", "effort": 34, "risk": "High",
     "status": "In progress", "target": "Q2 2027", "depends_on": None,
     "kpi": "Crash-free sessions (%)"},
    {"id": "P-21", "team": "Mobile", "name": "Photo proof of delivery with OCR",
     "owner": "Sofia Lindqvist", "objective_ids": "G2, G3",
     "description": "Scan signed delivery notes in the driver app and read them with OCR.",
     "why": "Paper delivery notes take a week to reach us, so carriers wait for their money.",
     "business_value": "High", "effort": 13, "risk": "Medium", "status": "Planned",
     "target": "Q1 2027", "depends_on": "P-19", "kpi": "Days from delivery to invoice"},
    {"id": "P-22", "team": "Mobile", "name": "Delay alerts for shippers",
     "owner": "Kenji Watanabe", "objective_ids": "G3",
     "description": "Push notifications in the shipper app when a predicted ETA slips by more "
                    "than 30 minutes.",
     "why": "Shippers want to hear about a late truck from us, not from their own customer.",
     "business_value": "High", "effort": 8, "risk": "Low", "status": "Blocked",
     "target": "Q2 2027", "depends_on": "P-14", "kpi": "Tickets asking 'where is my load'"},
    {"id": "P-23", "team": "Mobile", "name": "In-app driver onboarding",
     "owner": "Sofia Lindqvist", "objective_ids": "G2",
     "description": "Carriers add drivers in the app: licence scan, documents and checks in one "
                    "flow.",
     "why": "Onboarding a new driver takes three days of emails with documents.",
     "business_value": "Medium", "effort": 8, "risk": "Low", "status": "Planned",
     "target": "Q3 2027", "depends_on": None, "kpi": "Days to onboard a driver"},
    {"id": "P-24", "team": "Mobile", "name": "Mobile crash reduction",
     "owner": "Kenji Watanabe", "objective_ids": "G3",
     "description": "Fix the top crash clusters and add crash analytics to every release.",
     "why": "Drivers give up on the app when it crashes mid-delivery, and tracking goes dark.",
     "business_value": "Medium", "effort": 5, "risk": "Low", "status": "Done",
     "target": _date("2026-10-16"), "depends_on": None, "kpi": "Crash-free sessions (%)"},
    {"id": "P-25", "team": "Customer Apps", "name": "Self-service shipper onboarding",
     "owner": "Marcus Bell", "objective_ids": "G1",
     "description": "New shippers sign up, verify their company and book a first load without a "
                    "sales call.",
     "why": "Small shippers waited a week for a sales call before they could book a first load.",
     "business_value": "Very high", "effort": 13, "risk": "Low", "status": "Done",
     "target": _date("2026-07-31"), "depends_on": None,
     "kpi": "Days from sign-up to first booking"},
    {"id": "P-26", "team": "Customer Apps", "name": "Instant quote widget",
     "owner": "Elena Petrova", "objective_ids": "G1",
     "description": "An embeddable quote widget for shipper websites, calling our pricing API.",
     "why": "Prospects leave our website when they have to ask for a quote by email.",
     "business_value": "High", "effort": 13, "risk": "Medium", "status": "Planned",
     "target": "Q3 2027", "depends_on": "P-17", "kpi": "Quote-to-booking conversion"},
    {"id": "P-27", "team": "Customer Apps", "name": "Shipper portal redesign",
     "owner": "Marcus Bell", "objective_ids": "G1",
     "description": "Rebuild the shipper portal front end on a new design system with a simpler "
                    "booking flow.",
     "why": "The portal looks dated next to competitors, and new users get lost booking a load.",
     "business_value": "Medium", "effort": 30, "risk": "Medium", "status": "In progress",
     "target": "Q2 2027", "depends_on": None, "kpi": "Bookings completed without help (%)"},
    {"id": "P-28", "team": "Customer Apps", "name": "Support chatbot",
     "owner": "Elena Petrova", "objective_ids": "G2",
     "description": "A chatbot in the portal and on WhatsApp that answers tracking and invoice "
                    "questions from live data.",
     "why": "Half of all support tickets ask where a load is; a chatbot can answer them at night.",
     "business_value": "High", "effort": 13, "risk": "Medium", "status": "Planned",
     "target": "Q1 2027", "depends_on": "P-13", "kpi": "Tickets resolved without an agent (%)"},
    {"id": "P-29", "team": "Customer Apps", "name": "Dock appointment scheduling",
     "owner": "Marcus Bell", "objective_ids": "G2, G3",
     "description": "Shippers and carriers book dock slots online, with ETA-based rescheduling.",
     "why": "Trucks queue for hours at busy warehouses because slots are booked by phone.",
     "business_value": "High", "effort": 18, "risk": "Medium", "status": "Planned",
     "target": "Q2 2027", "depends_on": "P-14", "kpi": "Average truck waiting time"},
    {"id": "P-30", "team": "Customer Apps", "name": "Feature flag platform",
     "owner": "Elena Petrova", "objective_ids": None,
     "description": "Introduce feature flags in every front end and API so releases can be "
                    "switched on gradually.",
     "why": "Lets us switch a broken feature off in seconds instead of rolling back a release.",
     "business_value": "Low", "effort": 5, "risk": "Low", "status": "Idea",
     "target": "Q3 2027", "depends_on": None, "kpi": "Rollbacks per quarter"},
)

STAKEHOLDERS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    # name, role, group, influence, interest, last 1:1, cadence
    ("Helena Brandt", "CEO", "Executive", "Very high", "High", "2026-10-06", "monthly"),
    ("Rafael Costa", "CFO", "Finance", "Very high", "Medium", "2026-09-15", "monthly"),
    ("Ingrid Solberg", "COO", "Operations", "Very high", "Very high", "2026-11-18", "fortnightly"),
    ("Daniel Okoye", "Chief Revenue Officer", "Sales", "Very high", "High", "2026-08-27",
     "monthly"),
    ("Mei Tanaka", "VP Marketing", "Marketing", "High", "Medium", "2026-09-02", "quarterly"),
    ("Owen Gallagher", "Head of Customer Support", "Customer Support", "High", "Very high",
     "2026-10-14", "monthly"),
    ("Nadia Haddad", "Finance Controller", "Finance", "Medium", "High", "2026-11-03", "monthly"),
    ("Lukas Meyer", "Head of Sales Operations", "Sales", "Medium", "High", "2026-10-29",
     "monthly"),
    ("Chloe Martin", "Head of Carrier Relations", "Operations", "High", "High", "2026-11-12",
     "monthly"),
    ("Samuel Adeyemi", "VP Engineering", "Platform Engineering", "High", "Very high",
     "2026-11-16", "fortnightly"),
    ("Anika Weber", "Head of Data", "Data & Analytics", "High", "High", "2026-11-05",
     "fortnightly"),
    ("Pedro Alves", "Head of Infrastructure", "Infrastructure", "Medium", "Medium", "2026-07-21",
     "quarterly"),
    ("Grace Liu", "Product Marketing Manager", "Marketing", "Low", "High", "2026-10-20",
     "quarterly"),
    ("Tobias Klein", "Procurement Lead", "Procurement", "Low", "Low", "2026-07-08", "quarterly"),
)
# fmt: on

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Freightline", "our own platform that every Haulwise product runs on"),
    ("Kafka", "the system that passes shipment events between our services"),
    ("SLO", "a reliability promise, e.g. 99.9% of tracking updates arrive within a minute"),
    ("Microservices", "small independent parts of our software that can change one at a time"),
    ("Monolith", "the old all-in-one booking system, where any change risks breaking the rest"),
    ("Tech debt", "shortcuts taken earlier that now slow every change down"),
    ("CI/CD", "the automatic checks and release process that ship changes to customers"),
    ("Observability", "seeing what our systems do, so we spot problems before customers do"),
    ("API", "the connection other companies' software uses to talk to ours"),
    ("Latency", "how long a customer waits for an answer"),
    ("Data pipeline", "the automated flow that moves shipment data into reports"),
    ("POD", "proof of delivery: the signed note or photo that lets us invoice"),
    ("ETA", "the time we expect a truck to arrive"),
    ("Kubernetes", "the system that runs our software in the cloud and adds capacity on demand"),
)

ABOUT_LINES: tuple[str, ...] = (
    f"{COMPANY}: demo workbook for Alignment Workbench",
    "",
    f"{COMPANY} is an invented freight-booking SaaS company of about 420 people. Shippers book "
    "trucks from some 2,000 carriers on its Freightline platform; drivers use its mobile app.",
    "Five delivery teams (Platform, Payments, Data, Mobile, Customer Apps) run 30 initiatives "
    "against five weighted objectives for 2027.",
    "Between June and November 2026, 150 colleagues from ten groups rated the initiatives they "
    "know on five statements, from 1 (strongly disagree) to 5 (strongly agree). Respondents "
    "appear only as codes.",
    "The tech leader also keeps monthly indicators per team, a list of key stakeholders with the "
    "date of the last 1:1, and a glossary of the company's jargon.",
    "",
    "Each respondent also estimated the WSJF components (time criticality, risk reduction, "
    "job size) on the Fibonacci scale 1, 2, 3, 5, 8, 13, 20; the roadmap carries reach, "
    "impact, confidence and a job size for RICE and WSJF.",
    "",
    "Worth looking for: initiatives the two sides see very differently, work that serves no "
    "objective or has no written why, an objective nobody works on, a group split into two "
    "camps, escalations climbing in one team, key stakeholders overdue for a 1:1, and two "
    "initiatives the business would do first because it finds them urgent.",
    "",
    "Every name, number and comment here is invented. Generated by alignment/demo.py "
    f"(seed {DEFAULT_SEED}).",
)

# --- comments ------------------------------------------------------------------------------------

_LOW_COMMENTS = (
    "I still don't know why we are doing this.",
    "No clear link to anything our customers asked for.",
    "The timeline keeps moving and nobody tells us why.",
    "Feels like a big spend for little business value.",
    "We only hear about this when something slips.",
    "Not sure this should come before the customer work.",
    "Nobody has explained what changes for my team.",
    "The why is not clear to us, and neither is the value.",
)
_MID_COMMENTS = (
    "Clear value, unclear timeline.",
    "Makes sense, but I would like monthly updates.",
    "Good idea; the dates look optimistic.",
    "Would help to see which KPI this moves.",
    "Fine in principle, but it depends on other teams delivering first.",
    "The value is there, the priority less so right now.",
    "I understand the why but not the plan.",
    "Heard about it once at the all-hands, nothing since.",
)
_HIGH_COMMENTS = (
    "Clear why, and we already see the value.",
    "Customers ask for this every week.",
    "Well run, with regular updates from the team.",
    "This will save my team hours every week.",
    "Exactly the right priority for this quarter.",
    "The why is clear and the plan is realistic.",
    "Great demo at the last roadmap review.",
    "Long overdue; glad it is happening.",
)
# Comments for the planted cases, by (initiative or cell, side or camp).
_STORY_COMMENTS: dict[str, tuple[str, ...]] = {
    "plumbing/tech": (
        "Without this, every incident is guesswork.",
        "This is what lets us ship faster and safer.",
        "Pays down years of tech debt; everything else gets easier.",
        "We lose a day a week to this problem today.",
    ),
    "plumbing/business": (
        "Nobody has told us what this changes for customers.",
        "Sounds like an engineering project; what business outcome does it move?",
        "I can't explain this one to my team.",
        "Big effort, and I don't see the value for us.",
    ),
    "chatbot/business": (
        "Customers want answers at night; this is a quick win.",
        "Would take pressure off the support queue straight away.",
        "Half our tickets are 'where is my load'. Yes please.",
    ),
    "chatbot/tech": (
        "A chatbot on day-old data will give customers wrong answers.",
        "Needs the data pipeline first; the timeline is not realistic.",
        "Looks cheap, but it will be expensive to keep correct.",
    ),
    "polarised/low": (
        "The redesign breaks the flows our biggest accounts rely on.",
        "Key customers hate change; this will cost us renewals.",
        "Nobody asked the account managers before redesigning.",
    ),
    "polarised/high": (
        "Prospects compare us to slicker portals; this wins deals.",
        "Finally something modern to show in demos.",
        "New customers get lost in the old portal; this fixes it.",
    ),
    "agrees": (
        "Sign-ups went up the week this shipped.",
        "Best thing we delivered this year.",
        "Campaign traffic now converts without a sales call.",
    ),
}
_COMMENT_SHARE = 0.25
_STORY_COMMENT_SHARE = 0.5

# Mean ratings (1..5) per dimension name, for the planted side gaps. Keyed by name so that a
# dimension added to the schema gets the camp's usual mean (``_camp``) instead of a crash.
_ENTHUSIASTS = {
    "why_clarity": 4.5,
    "business_value": 4.4,
    "priority": 4.1,
    "confidence": 3.5,
    "communication": 3.8,
}
_SCEPTICS = {
    "why_clarity": 2.0,
    "business_value": 2.1,
    "priority": 2.2,
    "confidence": 2.9,
    "communication": 2.0,
}

# The unclear gap, rated by hand: rows are respondents, columns the dimensions named in
# _UNCLEAR_DIMENSIONS (another dimension takes each respondent's rounded mean). The business
# value gap is about 23 points, but three and four people with this spread cannot settle it.
_UNCLEAR_DIMENSIONS = ("why_clarity", "business_value", "priority", "confidence", "communication")
_UNCLEAR_RATINGS: dict[str, tuple[tuple[int, ...], ...]] = {
    "Data & Analytics": ((4, 4, 3, 4, 3), (3, 2, 3, 2, 2), (4, 5, 4, 4, 4)),
    "Finance": ((3, 3, 3, 3, 3), (4, 1, 2, 4, 3), (3, 5, 4, 2, 3), (4, 2, 3, 3, 2)),
}

_SURVEY_START = pd.Timestamp("2026-06-01")
_SURVEY_END = pd.Timestamp("2026-11-20")
_MISSING_RATINGS = 24  # a handful of skipped questions: blank cells, never zeros


# --- building the tables -------------------------------------------------------------------------


def _labelled(
    table: schema.Table, rows: Iterable[Mapping[str, object]], columns: Sequence[str]
) -> pd.DataFrame:
    """A DataFrame whose headers are the schema's labels, as a filled-in template would have."""
    frame = pd.DataFrame(
        [{name: row.get(name) for name in columns} for row in rows], columns=list(columns)
    )
    return frame.rename(columns={name: table.field(name).label for name in columns})


def _initiatives() -> pd.DataFrame:
    frame = _labelled(schema.INITIATIVES, INITIATIVES, COLUMNS["initiatives"])
    # Targets mix quarters (text) and real dates, as real roadmaps do: keep both as they are.
    frame[schema.INITIATIVES.field("target").label] = pd.Series(
        [row["target"] for row in INITIATIVES], dtype=object
    )
    frame[schema.INITIATIVES.field("effort").label] = frame[
        schema.INITIATIVES.field("effort").label
    ].astype("int64")
    for name, values in _roadmap_estimates().items():
        frame[schema.INITIATIVES.field(name).label] = values
    return frame


def _fibonacci(values: np.ndarray) -> np.ndarray:
    """Each value snapped to the nearest point of the Fibonacci scale (ties go up)."""
    scale = np.array(schema.FIBONACCI, dtype=float)
    gaps = np.abs(np.asarray(values, dtype=float)[..., None] - scale)
    return scale[len(scale) - 1 - np.argmin(gaps[..., ::-1], axis=-1)]


def _roadmap_estimates() -> dict[str, list[object]]:
    """RICE's reach, impact and confidence and WSJF's job size per initiative, fixed (they do
    not depend on the seed, like the rest of the roadmap): job size follows effort, impact the
    stated business value, confidence the delivery risk."""
    rng = np.random.default_rng(2027)
    impact = {"Very low": 0.25, "Low": 0.5, "Medium": 1, "High": 2, "Very high": 3}
    confidence = {"Very high": 50, "High": 80}
    efforts = np.array([float(str(row["effort"])) for row in INITIATIVES])
    return {
        "reach": [int(v) for v in np.round(rng.lognormal(6.0, 0.8, len(INITIATIVES)), -1)],
        "impact": [impact[str(row["business_value"])] for row in INITIATIVES],
        "confidence": [confidence.get(str(row["risk"]), 100) for row in INITIATIVES],
        "job_size": [int(v) for v in _fibonacci(efforts / 2)],
    }


def _estimates(rng: np.random.Generator, rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each response's WSJF estimates (time criticality, risk reduction, job size).

    Drawn from their own generator, after the survey, so adding them left every planted case of
    the survey as it was. An initiative has one usual value per component, seen alike by both
    sides, except the time-critical story; each person lands a step or so either side.
    """
    ids = [str(row["id"]) for row in INITIATIVES]
    at = {initiative: k for k, initiative in enumerate(ids)}
    tc = rng.choice([2.0, 3.0, 5.0, 8.0], size=len(ids), p=[0.3, 0.3, 0.25, 0.15])
    rr = rng.choice([2.0, 3.0, 5.0, 8.0], size=len(ids), p=[0.25, 0.35, 0.25, 0.15])
    size = np.array(_roadmap_estimates()["job_size"], dtype=float)
    k = rows["initiative"].map(at).to_numpy()
    business = (rows["side"] == "business").to_numpy()
    usual = {"time_criticality": tc[k], "risk_reduction": rr[k], "job_size": size[k]}
    story = rows["initiative"].isin(TIME_CRITICAL_TO_BUSINESS).to_numpy()
    usual["time_criticality"] = np.where(
        story, np.where(business, 13.0, 3.0), usual["time_criticality"]
    )
    out = {}
    for name in schema.ESTIMATE_FIELDS:
        spread = np.exp(rng.normal(0.0, 0.3, len(rows)))
        out[name] = _fibonacci(usual[name] * spread).astype(int)
    return out


def _objectives() -> pd.DataFrame:
    return _labelled(schema.OBJECTIVES, OBJECTIVES, COLUMNS["objectives"])


def _stakeholders() -> pd.DataFrame:
    names = COLUMNS["stakeholders"]
    rows = [dict(zip(names, row, strict=True)) for row in STAKEHOLDERS]
    for row in rows:
        row["last_1on1"] = pd.Timestamp(str(row["last_1on1"]))
    return _labelled(schema.STAKEHOLDERS, rows, names)


def _glossary() -> pd.DataFrame:
    names = COLUMNS["glossary"]
    return _labelled(
        schema.GLOSSARY, (dict(zip(names, row, strict=True)) for row in GLOSSARY), names
    )


def _indicators(rng: np.random.Generator) -> pd.DataFrame:
    """Twelve months per team: noisy and flat, except Payments, which drifts over the last four.

    Escalations, open risks and the output-quality delta (percentage points, negative = worse)
    all move together for Payments, so the early-warning page has one clear, coherent case.
    """
    periods = pd.period_range("2025-12", periods=12, freq="M").strftime("%Y-%m").tolist()
    rising = {
        "escalations": (3, 4, 7, 11),
        "risk": (4, 5, 7, 8),
        "quality_delta": (-1.5, -2.8, -4.1, -5.0),
    }
    rows: list[dict[str, object]] = []
    for team in TEAMS:
        escalations = np.minimum(rng.poisson(1.8, size=12), 5).astype(float)
        risk = (rng.poisson(2.5, size=12) + 1).astype(float)
        quality = np.round(rng.normal(0.0, 1.1, size=12), 1)
        values = {"escalations": escalations, "risk": risk, "quality_delta": quality}
        if team == RISING_TEAM:
            for metric, tail in rising.items():
                values[metric][-len(tail) :] = tail
        for i, period in enumerate(periods):
            for metric in schema.INDICATOR_METRICS:
                value = float(values[metric][i])
                rows.append(
                    {
                        "period": period,
                        "scope": team,
                        "metric": metric,
                        "value": value if metric == "quality_delta" else int(value),
                    }
                )
    frame = _labelled(schema.INDICATORS, rows, COLUMNS["indicators"])
    return frame.astype({schema.INDICATORS.field("value").label: "float64"})


def _respondents(rng: np.random.Generator) -> pd.DataFrame:
    """One row per person: a pseudonymous code, a group and how many initiatives they rate."""
    total = sum(size for _, _, size, _ in GROUPS)
    codes = rng.choice(np.arange(1, 10_000), size=total, replace=False)
    groups = [name for name, _, size, _ in GROUPS for _ in range(size)]
    sides = [side for _, side, size, _ in GROUPS for _ in range(size)]
    return pd.DataFrame(
        {
            "respondent": [f"r-{code:04d}" for code in codes],
            "group": groups,
            "side": sides,
            "capacity": rng.integers(6, 13, size=total),  # initiatives each person rates: 6..12
        }
    )


def _fixed_cells(group: str) -> dict[str, int]:
    """The cells the story pins for one group: split, agreeing, unclear and tiny cells."""
    cells: dict[str, int] = {}
    for (initiative, cell_group), n in SMALL_CELLS.items():
        if cell_group == group:
            cells[initiative] = n
    if group in UNCLEAR_GROUPS:
        cells[UNCLEAR] = UNCLEAR_GROUPS[group]
    if group == POLARISED[1]:
        cells[POLARISED[0]] = 10
    if group == EVERYONE_AGREES[1]:
        cells[EVERYONE_AGREES[0]] = 7
    return cells


def _cell_counts(
    rng: np.random.Generator, group: str, size: int, home: tuple[str, ...], total: int
) -> dict[str, int]:
    """How many of a group's people rate each initiative, summing to the group's capacity.

    Story cells are pinned; the rest of the capacity goes to a sample of initiatives (those of the
    teams the group works with most are three times as likely), each rated by 3 to 10 people, so
    that almost every cell clears the anonymity threshold.
    """
    counts = _fixed_cells(group)
    for initiative in (*TECH_OVER_BUSINESS, BUSINESS_OVER_TECH):
        counts[initiative] = int(rng.integers(5, 9))
    pool = [row["id"] for row in INITIATIVES if row["id"] not in counts and row["id"] != UNCLEAR]
    weights = np.array(
        [3.0 if row["team"] in home else 1.0 for row in INITIATIVES if row["id"] in pool]
    )
    rest = total - sum(counts.values())
    cap = min(10, size)
    # About six raters per cell, within the bounds that keep every cell between 3 and cap.
    fewest, most = -(-rest // cap), min(len(pool), rest // 3)
    if not 0 < fewest <= most:
        raise ValueError(f"cannot spread {rest} ratings of {group} over {len(pool)} initiatives")
    chosen_n = min(max(round(rest / 6), fewest), most)
    chosen = rng.choice(pool, size=chosen_n, replace=False, p=weights / weights.sum())
    extra = np.full(chosen_n, 3)
    for _ in range(rest - 3 * chosen_n):
        open_cells = np.flatnonzero(extra < cap)
        extra[rng.choice(open_cells)] += 1
    counts.update({str(initiative): int(n) for initiative, n in zip(chosen, extra, strict=True)})
    return counts


def _assign(
    rng: np.random.Generator, people: pd.DataFrame, counts: Mapping[str, int]
) -> list[tuple[str, str]]:
    """Pairs (respondent, initiative) giving each cell its count and each person their capacity.

    Cells are filled largest first from the people with the most capacity left (ties broken at
    random): the Gale-Ryser greedy, which finds an assignment whenever one exists.
    """
    left = people["capacity"].to_numpy().copy()
    codes = people["respondent"].to_numpy()
    pairs: list[tuple[str, str]] = []
    for initiative, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        order = np.lexsort((rng.permutation(len(left)), -left))
        picked = order[:n]
        if (left[picked] <= 0).any():
            raise ValueError(f"no assignment gives {initiative} {n} raters")
        left[picked] -= 1
        pairs.extend((str(codes[i]), initiative) for i in sorted(picked))
    if left.any():
        raise ValueError("some respondents were given fewer initiatives than planned")
    return pairs


def _baseline_means(
    rng: np.random.Generator, dims: Sequence[str]
) -> dict[tuple[str, str], np.ndarray]:
    """Mean rating per (initiative, side) and dimension, before people's own leanings.

    Ordinary initiatives sit around 3.2 with small, sensible nudges: no written why lowers the
    clarity of the why (more for the business), value follows the stated business value,
    delivery confidence follows the status, and the business hears little from Payments.
    """
    value_shift = {"Very low": -0.6, "Low": -0.3, "Medium": 0.0, "High": 0.2, "Very high": 0.4}
    status_shift = {"At risk": -0.8, "Blocked": -1.1, "Done": 0.9, "On hold": -0.3, "Idea": -0.2}
    means: dict[tuple[str, str], np.ndarray] = {}
    position = {d: j for j, d in enumerate(dims)}
    for row in INITIATIVES:
        base = 3.2 + rng.normal(0.0, 0.2)
        for side in schema.SIDES:
            mu = base + rng.normal(0.0, 0.12, len(dims))
            nudges = (  # (dimension, shift), applied in this order
                ("why_clarity", 0.3 if row["why"] else (-0.4 if side == "tech" else -0.9)),
                ("business_value", value_shift[str(row["business_value"])]),
                ("priority", 0.5 * value_shift[str(row["business_value"])]),
                ("priority", -0.4 if row["status"] in ("On hold", "Idea") else 0.0),
                ("confidence", status_shift.get(str(row["status"]), 0.0)),
                ("confidence", -0.3 if row["risk"] == "Very high" else 0.0),
                ("communication", -0.4 if row["team"] == RISING_TEAM and side == "business" else 0),
            )
            for name, shift in nudges:
                if name in position and shift:
                    mu[position[name]] += shift
            means[(str(row["id"]), side)] = mu
    enthusiasts, sceptics = _camp(_ENTHUSIASTS, dims), _camp(_SCEPTICS, dims)
    for initiative in TECH_OVER_BUSINESS:
        means[(initiative, "tech")] = enthusiasts
        means[(initiative, "business")] = sceptics
    means[(BUSINESS_OVER_TECH, "business")] = enthusiasts
    means[(BUSINESS_OVER_TECH, "tech")] = sceptics
    return means


def _dimensions() -> list[str]:
    """The rating dimensions, read when the demo is built (not at import), in schema order."""
    return [d.name for d in schema.DIMENSIONS]


def _camp(means: Mapping[str, float], dims: Sequence[str]) -> np.ndarray:
    """A camp's mean per dimension; a dimension it does not name gets the camp's average."""
    usual = float(np.mean(list(means.values())))
    return np.array([means.get(d, usual) for d in dims])


def _hand_rated(rows: tuple[tuple[int, ...], ...], dims: Sequence[str]) -> np.ndarray:
    """The hand-rated unclear cell as a respondents × ``dims`` array."""
    out = []
    for row in rows:
        given = dict(zip(_UNCLEAR_DIMENSIONS, row, strict=True))
        usual = int(round(float(np.mean(row))))
        out.append([given.get(d, usual) for d in dims])
    return np.array(out)


def _story_key(initiative: str, group: str, side: str, camp: str) -> str | None:
    if initiative in TECH_OVER_BUSINESS:
        return f"plumbing/{side}"
    if initiative == BUSINESS_OVER_TECH:
        return f"chatbot/{side}"
    if (initiative, group) == POLARISED:
        return f"polarised/{camp}"
    if (initiative, group) == EVERYONE_AGREES:
        return "agrees"
    return None


def _feedback(rng: np.random.Generator) -> pd.DataFrame:
    """The stakeholder survey in wide form: one row per respondent and initiative rated."""
    people = _respondents(rng)
    pairs: list[tuple[str, str]] = []
    for name, _, size, home in GROUPS:
        members = people[people["group"] == name].reset_index(drop=True)
        counts = _cell_counts(rng, name, size, home, int(members["capacity"].sum()))
        pairs.extend(_assign(rng, members, counts))
    rows = pd.DataFrame(pairs, columns=["respondent", "initiative"]).merge(
        people[["respondent", "group", "side"]], on="respondent", how="left", validate="m:1"
    )

    dims = _dimensions()
    n_dims = len(dims)
    means = _baseline_means(rng, dims)
    group_lean = dict(zip([g for g, *_ in GROUPS], rng.normal(0.0, 0.15, len(GROUPS)), strict=True))
    person_lean = dict(zip(people["respondent"], rng.normal(0.0, 0.3, len(people)), strict=True))
    mu = np.vstack([means[(i, s)] for i, s in zip(rows["initiative"], rows["side"], strict=True)])
    mu += (rows["group"].map(group_lean) + rows["respondent"].map(person_lean)).to_numpy()[:, None]
    ratings = np.clip(np.rint(mu + rng.normal(0.0, 0.6, mu.shape)), 1, 5).astype(int)

    # The planted cells are rated outright, not drawn from a mean.
    camp = np.array([""] * len(rows), dtype=object)
    cell = rows["initiative"] + "|" + rows["group"]
    polarised = np.flatnonzero(cell == "|".join(POLARISED))
    low_camp = rng.permutation(np.arange(len(polarised)) % 2 == 0)
    camp[polarised] = np.where(low_camp, "low", "high")
    ratings[polarised[low_camp]] = rng.integers(1, 3, size=(int(low_camp.sum()), n_dims))
    ratings[polarised[~low_camp]] = rng.integers(4, 6, size=(int((~low_camp).sum()), n_dims))
    agrees = np.flatnonzero(cell == "|".join(EVERYONE_AGREES))
    ratings[agrees] = rng.integers(4, 6, size=(len(agrees), n_dims))
    for group, hand_rated in _UNCLEAR_RATINGS.items():
        ratings[np.flatnonzero(cell == f"{UNCLEAR}|{group}")] = _hand_rated(hand_rated, dims)

    # A few skipped questions, away from the planted cells; never a whole row.
    planted = set(polarised) | set(agrees) | set(np.flatnonzero(rows["initiative"] == UNCLEAR))
    open_rows = np.array([i for i in range(len(rows)) if i not in planted])
    skipped = rng.choice(open_rows, size=_MISSING_RATINGS, replace=False)
    skipped_dim = rng.integers(0, n_dims, size=_MISSING_RATINGS)

    comments = _comments(rng, rows, ratings, camp)
    base_day = dict(
        zip(
            people["respondent"],
            rng.integers(0, (_SURVEY_END - _SURVEY_START).days - 6, size=len(people)),
            strict=True,
        )
    )
    days = rows["respondent"].map(base_day).to_numpy() + rng.integers(0, 7, size=len(rows))
    dates = _SURVEY_START + pd.to_timedelta(days, unit="D")

    frame = pd.DataFrame(
        {"respondent": rows["respondent"], "group": rows["group"], "initiative": rows["initiative"]}
    )
    for j, dim in enumerate(dims):
        column = pd.array(ratings[:, j], dtype="Int64")
        column[skipped[skipped_dim == j]] = pd.NA
        frame[dim] = column
    estimates = _estimates(rng.spawn(1)[0], rows)  # a child stream: the survey's stays as it was
    for name in schema.ESTIMATE_FIELDS:
        frame[name] = estimates[name]
    frame["comment"] = comments
    frame["date"] = dates
    frame = frame.sort_values(["date", "respondent", "initiative"], kind="stable")
    frame = frame.reset_index(drop=True)
    labels = {d.name: d.label for d in (*schema.DIMENSIONS, *schema.ESTIMATE_DIMENSIONS)}
    columns = [
        "respondent",
        "group",
        "initiative",
        *dims,
        *schema.ESTIMATE_FIELDS,
        "comment",
        "date",
    ]
    labels.update({c: schema.FEEDBACK.field(c).label for c in columns if c not in labels})
    return frame.rename(columns=labels)[[labels[c] for c in columns]]


def _comments(
    rng: np.random.Generator, rows: pd.DataFrame, ratings: np.ndarray, camp: np.ndarray
) -> list[str | None]:
    """About three rows in ten carry a short comment that fits the rating given.

    Planted cases get their own lines (and more often) so that the drill-down on them reads
    like the story; everyone else gets a low, middling or high comment by their mean rating.
    """
    draws = rng.random(len(rows))
    picks = rng.integers(0, 1_000, size=len(rows))
    out: list[str | None] = []
    for i, (initiative, group, side) in enumerate(
        zip(rows["initiative"], rows["group"], rows["side"], strict=True)
    ):
        key = _story_key(initiative, group, side, str(camp[i]))
        if draws[i] >= (_STORY_COMMENT_SHARE if key else _COMMENT_SHARE):
            out.append(None)
            continue
        if key:
            bank = _STORY_COMMENTS[key]
        else:
            mean = ratings[i].mean()
            bank = _LOW_COMMENTS if mean < 2.6 else _HIGH_COMMENTS if mean >= 3.8 else _MID_COMMENTS
        out.append(bank[picks[i] % len(bank)])
    return out


def build_demo_tables(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """The six demo tables, keyed by schema table name, headed by the schema's labels.

    Deterministic: the same seed always gives equal frames. The fixed tables (initiatives,
    objectives, stakeholders, glossary) do not depend on the seed; the survey and the
    indicators do. The planted cases are built in, not found by luck, so they hold for any
    seed; another seed may add a stray case by chance (the tests pin the default seed).
    """
    rng = np.random.default_rng(seed)
    feedback = _feedback(rng)
    indicators = _indicators(rng)
    return {
        schema.INITIATIVES.name: _initiatives(),
        schema.OBJECTIVES.name: _objectives(),
        schema.FEEDBACK.name: feedback,
        schema.INDICATORS.name: indicators,
        schema.STAKEHOLDERS.name: _stakeholders(),
        schema.GLOSSARY.name: _glossary(),
    }


# --- writing the workbook ------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)
_DATE_FORMAT = "yyyy-mm-dd"
_MIN_WIDTH, _MAX_WIDTH = 8, 60
# Fixed document and zip timestamps: the same tables give the same bytes.
_FIXED_TIME = dt.datetime(2026, 11, 25, 9, 0, 0)
_ZIP_TIME = (2026, 11, 25, 9, 0, 0)
_CORE_PROPS = "docProps/core.xml"
# openpyxl stamps "modified" with the clock at save time, whatever the workbook says.
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _cell_value(value: object) -> object:
    """A pandas/numpy value as openpyxl writes it; missing values become empty cells."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


def _write_frame(ws: Worksheet, frame: pd.DataFrame) -> None:
    """A table sheet: bold frozen header, filter arrows, widths that fit, real Excel dates."""
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = _HEADER_FONT
    widths = [len(str(c)) for c in frame.columns]
    for values in frame.itertuples(index=False, name=None):
        row = [_cell_value(v) for v in values]
        ws.append(row)
        for col, value in enumerate(row):
            shown = 10 if isinstance(value, dt.datetime) else len(str(value or ""))
            widths[col] = max(widths[col], shown)
    for col, width in enumerate(widths, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
    for column in ws.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = _DATE_FORMAT
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # text is never a formula, whatever it starts with
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _write_about(ws: Worksheet) -> None:
    ws.column_dimensions["A"].width = 110
    for i, line in enumerate(ABOUT_LINES, start=1):
        cell = ws.cell(row=i, column=1, value=line or None)
        if i == 1:
            cell.font = _TITLE_FONT


def _stable_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with fixed entry timestamps so equal content gives equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == _CORE_PROPS:
                stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            dst.writestr(entry, content)
    return out.getvalue()


def build_demo_workbook(seed: int = DEFAULT_SEED) -> bytes:
    """The demo workbook as xlsx bytes: an About sheet, then one sheet per table."""
    tables = build_demo_tables(seed)
    wb = Workbook()
    about = wb.active
    about.title = ABOUT_SHEET
    _write_about(about)
    for table in SHEETS:
        _write_frame(wb.create_sheet(table.label), tables[table.name])
    wb.properties.title = f"{COMPANY} demo workbook"
    wb.properties.creator = "Alignment Workbench"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


def write_demo_workbook(path: str | Path = DEFAULT_PATH, seed: int = DEFAULT_SEED) -> None:
    """Write the demo workbook to ``path``, creating its folder if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_demo_workbook(seed))


if __name__ == "__main__":
    write_demo_workbook(DEFAULT_PATH)
    print(f"wrote {DEFAULT_PATH} ({DEFAULT_PATH.stat().st_size:,} bytes)")
