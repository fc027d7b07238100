"""Catalog entries for healthcare, trades, languages and management."""

from __future__ import annotations

from credmatch.seed.catalog_spec import AchievementSpec as A

OTHER: tuple[A, ...] = (
    # --- healthcare -------------------------------------------------------------------
    A(
        key="bls-provider",
        issuer="meridian-health",
        achievement_type="Certification",
        name="Basic Life Support (BLS) Provider",
        field="healthcare",
        field_of_study="Emergency Care",
        description=(
            "Certifies that the holder can perform high-quality CPR for adults, children and "
            "infants, use an AED and relieve choking. Required for most clinical roles."
        ),
        criteria=(
            "Attended the 4-hour instructor-led course and passed the skills test on "
            "manikins and a 25-question written test."
        ),
        esco=("resuscitation", "provide first aid", "first aid"),
        tags=("BLS", "CPR", "AED"),
        hours=4,
        valid_years=2,
    ),
    A(
        key="iv-therapy",
        issuer="meridian-health",
        achievement_type="Certificate",
        name="Intravenous Therapy and Medication Administration",
        field="healthcare",
        field_of_study="Nursing",
        description=(
            "For registered and enrolled nurses extending their practice. Covers cannulation, "
            "IV fluid and drug calculations, safe administration and managing complications."
        ),
        criteria=(
            "Completed 16 hours of theory, passed the drug-calculation exam at 100%, and had "
            "five supervised cannulations signed off in a clinical setting."
        ),
        esco=(
            "administer prescribed medication",
            "monitor the effects of medication",
            "medication classification",
        ),
        tags=("IV therapy", "cannulation", "nursing", "CPD"),
        hours=24,
    ),
    A(
        key="wound-care",
        issuer="meridian-health",
        achievement_type="Badge",
        name="Wound Assessment and Care",
        field="healthcare",
        field_of_study="Nursing",
        description=(
            "Holders assess wounds, choose dressings based on evidence and recognise when "
            "to escalate. Includes pressure injury prevention."
        ),
        criteria="Completed the online module and an observed practical assessment. 8 hours CPD.",
        esco=("carry out wound care", "apply wound dressings", "wound closure techniques"),
        tags=("wound care", "pressure injuries", "CPD"),
        hours=8,
    ),
    A(
        key="infection-prevention",
        issuer="meridian-health",
        achievement_type="Badge",
        name="Infection Prevention and Control",
        field="healthcare",
        field_of_study="Nursing",
        description=(
            "Covers standard and transmission-based precautions, hand hygiene audits, PPE "
            "and outbreak management in hospitals and care homes."
        ),
        criteria="Passed the e-learning assessment (80% to pass). 6 hours CPD.",
        esco=(
            "infection control",
            "manage infection control in the facility",
            "hygiene in a health care setting",
        ),
        tags=("IPC", "hand hygiene", "CPD"),
        hours=6,
    ),
    A(
        key="phlebotomy",
        issuer="meridian-health",
        achievement_type="Certificate",
        name="Phlebotomy Technician Certificate",
        field="healthcare",
        field_of_study="Clinical Support",
        description=(
            "Prepares learners to collect blood samples safely and accurately. Covers "
            "venepuncture, order of draw, labelling and patient identification."
        ),
        criteria=(
            "Completed 40 hours of classroom training and 30 successful supervised venepunctures "
            "logged in a clinical placement."
        ),
        esco=(
            "take blood samples",
            "techniques of blood-sampling",
            "label blood samples",
            "transport blood samples",
        ),
        tags=("phlebotomy", "venepuncture"),
        hours=70,
    ),
    A(
        key="ehr-nursing",
        issuer="halden-university",
        achievement_type="MicroCredential",
        name="Electronic Health Records in Nursing Practice",
        field="healthcare",
        field_of_study="Nursing Informatics",
        description=(
            "Halden's School of Nursing teaches nurses to document care in electronic health "
            "records accurately and safely, and to use EHR data to improve patient outcomes."
        ),
        criteria="Completed simulated charting scenarios and a reflective essay. 2.5 ECTS.",
        esco=(
            "use electronic health records in nursing",
            "use electronic health records management system",
        ),
        tags=("EHR", "nursing informatics", "ECTS"),
        hours=60,
        credits=2.5,
    ),
    A(
        key="medical-terminology",
        issuer="meridian-health",
        achievement_type="Course",
        name="Medical Terminology",
        field="healthcare",
        field_of_study="Clinical Support",
        description=(
            "Learn to read and use the language of medicine: roots, prefixes and suffixes, "
            "body systems and common abbreviations. Ideal for administrative and support staff."
        ),
        criteria="Passed the final online exam. 12 hours.",
        esco=("medical terminology",),
        tags=("medical terminology", "healthcare admin"),
        hours=12,
    ),
    A(
        key="nursing-leadership",
        issuer="lakeshore-state",
        achievement_type="Certificate",
        name="Nurse Leadership and Management Certificate",
        field="healthcare",
        field_of_study="Nursing",
        description=(
            "A post-licensure certificate for charge nurses and nurse managers. Covers "
            "staffing, quality improvement, budgeting for a unit and leading through change."
        ),
        criteria=(
            "Completed three graduate nursing courses (9 credit hours) and a leadership practicum."
        ),
        esco=(
            "supervise nursing staff",
            "manage a healthcare unit budget",
            "analyse quality of nurse care",
        ),
        tags=("nurse manager", "leadership", "graduate certificate"),
        credits=9,
    ),
    A(
        key="vital-signs-patient-care",
        issuer="meridian-health",
        achievement_type="Badge",
        name="Vital Signs and Patient Observation",
        field="healthcare",
        field_of_study="Clinical Support",
        description=(
            "For healthcare assistants and student nurses. Holders measure and record vital "
            "signs, calculate an early warning score and escalate deterioration."
        ),
        criteria="Observed practical assessment on a simulated ward. 6 hours.",
        esco=("take and analyse blood pressure", "implement fundamentals of nursing"),
        tags=("vital signs", "NEWS2", "healthcare assistant"),
        hours=6,
    ),
    A(
        key="gsab-healthcare-management",
        issuer="gsab",
        achievement_type="Certificate",
        name="International Diploma in Healthcare Management",
        field="healthcare",
        field_of_study="Healthcare Management",
        description="A globally recognised diploma for healthcare leaders.",
        criteria="Submitted the application form and fee.",
        esco=("manage a healthcare unit budget",),
        tags=("healthcare management", "diploma"),
    ),
    # --- trades -----------------------------------------------------------------------
    A(
        key="electrical-installation-l2",
        issuer="ironworks",
        achievement_type="Certificate",
        name="Level 2 Certificate in Electrical Installation",
        field="trades",
        field_of_study="Electrical Installation",
        description=(
            "The first stage of training to become an electrician. Learners wire domestic "
            "circuits, install containment and accessories, and work safely to the wiring "
            "regulations."
        ),
        criteria=(
            "Completed 300 guided learning hours in the college workshop, passed the online "
            "theory exams and the practical installation assessment."
        ),
        esco=(
            "install low voltage wiring",
            "electrical wiring plans",
            "electricity principles",
            "use electrical wire tools",
        ),
        tags=("electrician", "wiring", "Level 2"),
        hours=300,
    ),
    A(
        key="electrical-inspection-testing",
        issuer="ironworks",
        achievement_type="Certificate",
        name="Inspection and Testing of Electrical Installations",
        field="trades",
        field_of_study="Electrical Installation",
        description=(
            "For qualified electricians who certify installations. Covers initial verification, "
            "periodic inspection, test sequences and completing certificates and reports."
        ),
        criteria="Passed a practical test on a rig with faults and a written exam. 36 hours.",
        esco=(
            "test electrical equipment",
            "measure electrical characteristics",
            "inspect electrical supplies",
        ),
        tags=("inspection and testing", "electrician"),
        hours=36,
    ),
    A(
        key="mig-welding",
        issuer="ironworks",
        achievement_type="Badge",
        name="MIG/MAG Welding - Plate",
        field="trades",
        field_of_study="Welding",
        description=(
            "Earners produce sound fillet and butt welds on carbon steel plate in the flat, "
            "horizontal and vertical positions using MIG/MAG."
        ),
        criteria=(
            "Test plates passed visual inspection and bend tests to the college standard. 60 hours."
        ),
        esco=(
            "perform metal active gas welding",
            "operate welding equipment",
            "welding techniques",
        ),
        tags=("MIG", "MAG", "welding"),
        hours=60,
        stacks_into="welding-fabrication",
    ),
    A(
        key="tig-welding",
        issuer="ironworks",
        achievement_type="Badge",
        name="TIG Welding - Stainless and Aluminium",
        field="trades",
        field_of_study="Welding",
        description=(
            "Earners weld stainless steel and aluminium with TIG, controlling heat input and "
            "filler to produce clean, code-quality joints."
        ),
        criteria="Test pieces passed visual and macro inspection. 60 hours.",
        esco=(
            "perform tungsten inert gas welding",
            "operate welding equipment",
            "welding techniques",
        ),
        tags=("TIG", "welding", "stainless"),
        hours=60,
        stacks_into="welding-fabrication",
    ),
    A(
        key="weld-inspection-blueprints",
        issuer="ironworks",
        achievement_type="Badge",
        name="Blueprint Reading and Weld Inspection",
        field="trades",
        field_of_study="Welding",
        description=(
            "Read fabrication drawings and welding symbols, and inspect finished welds for "
            "defects before they leave the shop."
        ),
        criteria=(
            "Passed a drawing interpretation test and a weld defect identification practical. 30 "
            "hours."
        ),
        esco=("read standard blueprints", "perform welding inspection", "blueprints"),
        tags=("blueprints", "welding symbols", "inspection"),
        hours=30,
        stacks_into="welding-fabrication",
    ),
    A(
        key="welding-fabrication",
        issuer="ironworks",
        achievement_type="Certificate",
        name="Welding and Fabrication Certificate",
        field="trades",
        field_of_study="Welding",
        description=(
            "Ironworks' full welding certificate. Graduates are ready to work in a fabrication "
            "shop: they weld in MIG and TIG, read drawings and check their own work."
        ),
        criteria=(
            "Earned the MIG/MAG, TIG and Blueprint Reading badges and completed a fabrication "
            "project assessed by an industry panel."
        ),
        esco=("welding techniques", "operate welding equipment", "perform welding inspection"),
        tags=("welder", "fabrication", "certificate"),
        hours=180,
    ),
    A(
        key="plumbing-level2",
        issuer="ironworks",
        achievement_type="Certificate",
        name="Level 2 Plumbing and Domestic Heating",
        field="trades",
        field_of_study="Plumbing",
        description=(
            "Learners install and repair cold water, hot water, sanitation and central heating "
            "systems in homes, working to current regulations."
        ),
        criteria="Completed 280 guided learning hours and the practical installation assessments.",
        esco=(
            "install plumbing systems",
            "repair plumbing systems",
            "plumbing tools",
            "install heating boiler",
        ),
        tags=("plumbing", "heating"),
        hours=280,
    ),
    A(
        key="construction-site-safety",
        issuer="ironworks",
        achievement_type="Badge",
        name="Construction Site Health and Safety",
        field="trades",
        field_of_study="Construction",
        description=(
            "Everyone on site needs this. Covers hazards, working at height, manual handling, "
            "PPE and how to report an unsafe situation."
        ),
        criteria="One-day course with a 30-question multiple-choice test. 7 hours.",
        esco=(
            "follow health and safety procedures in construction",
            "health and safety in the workplace",
        ),
        tags=("site safety", "construction"),
        hours=7,
    ),
    A(
        key="forklift-operator",
        issuer="ironworks",
        achievement_type="Certification",
        name="Counterbalance Forklift Operator",
        field="trades",
        field_of_study="Logistics",
        description=(
            "Certifies safe operation and daily inspection of counterbalance forklift trucks."
        ),
        criteria="Passed the practical driving test and theory test after 3 days of training.",
        esco=("operate forklift", "conduct forklift inspections"),
        tags=("forklift", "warehouse"),
        hours=21,
        valid_years=3,
    ),
    A(
        key="solar-pv-installation",
        issuer="ironworks",
        achievement_type="Certificate",
        name="Solar PV Installation",
        field="trades",
        field_of_study="Electrical Installation",
        description=(
            "For qualified electricians adding solar to their work. Design, mount, wire and "
            "commission small-scale photovoltaic systems with battery storage."
        ),
        criteria="Installed and commissioned a rooftop system on the training rig. 40 hours.",
        esco=(
            "install photovoltaic systems",
            "mount photovoltaic panels",
            "solar panel mounting systems",
        ),
        tags=("solar", "PV", "renewables"),
        hours=40,
        held=False,
    ),
    # --- languages --------------------------------------------------------------------
    A(
        key="spanish-b1",
        issuer="lingua-viva",
        achievement_type="Certification",
        name="Spanish B1 (CEFR) Certificate",
        field="languages",
        field_of_study="Spanish",
        description=(
            "Certifies Spanish at CEFR level B1: the holder can deal with most everyday "
            "situations, describe experiences and give reasons for opinions."
        ),
        criteria=(
            "Passed all four papers (reading, writing, listening, speaking) of the Lingua Viva B1 "
            "exam."
        ),
        esco=(
            "interact verbally in Spanish",
            "understand spoken Spanish",
            "understand written Spanish",
        ),
        tags=("Spanish", "CEFR B1"),
    ),
    A(
        key="spanish-b2",
        issuer="lingua-viva",
        achievement_type="Certification",
        name="Spanish B2 (CEFR) Certificate",
        field="languages",
        field_of_study="Spanish",
        description=(
            "Certifies Spanish at CEFR level B2: the holder interacts fluently with native "
            "speakers and writes clear, detailed text on a wide range of subjects."
        ),
        criteria=(
            "Passed all four papers of the Lingua Viva B2 exam, including a 15-minute oral "
            "interview."
        ),
        esco=(
            "interact verbally in Spanish",
            "write Spanish",
            "understand spoken Spanish",
            "understand written Spanish",
        ),
        tags=("Spanish", "CEFR B2"),
    ),
    A(
        key="business-english-c1",
        issuer="lingua-viva",
        achievement_type="Certification",
        name="Business English C1",
        field="languages",
        field_of_study="English",
        description=(
            "For professionals who work in English. Holders run meetings, negotiate and "
            "write reports in English at CEFR level C1."
        ),
        criteria=(
            "Passed the C1 business exam: written report, email tasks, listening and a recorded "
            "presentation."
        ),
        esco=("write English", "understand spoken English", "understand written English"),
        tags=("English", "CEFR C1", "business English"),
    ),
    A(
        key="french-a2",
        issuer="lingua-viva",
        achievement_type="Course",
        name="French A2 Evening Course",
        field="languages",
        field_of_study="French",
        description=(
            "Ten weeks of evening classes taking learners from beginner to A2. You can shop, "
            "travel and talk about yourself in French."
        ),
        criteria="Attended at least 80% of 40 class hours and passed the end-of-course test.",
        esco=("understand spoken French", "interact verbally in French"),
        tags=("French", "CEFR A2"),
        hours=40,
    ),
    A(
        key="german-b1",
        issuer="lingua-viva",
        achievement_type="Certification",
        name="German B1 (CEFR) Certificate",
        field="languages",
        field_of_study="German",
        description="Certifies German at CEFR level B1, for work and everyday life.",
        criteria="Passed all four papers of the Lingua Viva B1 German exam.",
        esco=(
            "interact verbally in German",
            "understand spoken German",
            "understand written German",
        ),
        tags=("German", "CEFR B1"),
    ),
    A(
        key="spanish-customer-service",
        issuer="lingua-viva",
        achievement_type="Badge",
        name="Spanish for Customer Service",
        field="languages",
        field_of_study="Spanish",
        description=(
            "Practical Spanish for support agents: greeting callers, taking details, "
            "explaining policies and handling complaints politely."
        ),
        criteria="Completed 20 hours of role-play classes and passed a recorded mock call.",
        esco=(
            "interact verbally in Spanish",
            "communicate with customers",
            "handle customer complaints",
        ),
        tags=("Spanish", "customer service", "call centre"),
        hours=20,
    ),
    A(
        key="portuguese-a2",
        issuer="lingua-viva",
        achievement_type="Course",
        name="Brazilian Portuguese A2",
        field="languages",
        field_of_study="Portuguese",
        description="A ten-week course reaching CEFR A2 in Brazilian Portuguese.",
        criteria="Attended 80% of 40 class hours and passed the end-of-course test.",
        esco=("understand spoken Portuguese", "interact verbally in Portuguese"),
        tags=("Portuguese", "CEFR A2"),
        hours=40,
        held=False,
    ),
    # --- management -------------------------------------------------------------------
    A(
        key="pm-foundation",
        issuer="ipp",
        achievement_type="Certification",
        name="IPP Project Management Foundation",
        field="management",
        field_of_study="Project Management",
        description=(
            "The Institute's entry-level qualification. Holders understand the project life "
            "cycle, planning, scheduling and control, and the roles in a project team."
        ),
        criteria="Passed the 60-question, one-hour foundation exam (60% to pass).",
        esco=("perform project management", "project management principles", "project management"),
        tags=("project management", "foundation"),
        hours=21,
        stacks_into="project-professional",
    ),
    A(
        key="agile-practitioner",
        issuer="ipp",
        achievement_type="Certification",
        name="IPP Agile Project Practitioner",
        field="management",
        field_of_study="Project Management",
        description=(
            "Recognises practitioners who deliver projects iteratively: Scrum and Kanban, "
            "backlogs, estimation and working with product owners."
        ),
        criteria=(
            "Passed the scenario-based practitioner exam after 18 hours of accredited training."
        ),
        esco=("Agile project management", "Agile development"),
        tags=("agile", "Scrum", "Kanban"),
        hours=18,
        valid_years=3,
    ),
    A(
        key="risk-management-badge",
        issuer="ipp",
        achievement_type="Badge",
        name="Project Risk Management",
        field="management",
        field_of_study="Project Management",
        description=(
            "Identify, assess and respond to project risks, and keep a risk register that people "
            "use."
        ),
        criteria=(
            "Submitted a risk register and response plan for a case study, assessed by an IPP "
            "examiner."
        ),
        esco=("apply risk management processes", "risk management"),
        tags=("risk", "project management"),
        hours=12,
        stacks_into="project-professional",
    ),
    A(
        key="stakeholder-engagement",
        issuer="ipp",
        achievement_type="Badge",
        name="Stakeholder Engagement",
        field="management",
        field_of_study="Project Management",
        description="Map stakeholders, plan communication and handle conflict on projects.",
        criteria="Completed the workshop and a written reflection on a live project. 10 hours.",
        esco=("manage relationships with stakeholders", "communicate with stakeholders"),
        tags=("stakeholders", "communication"),
        hours=10,
        stacks_into="project-professional",
    ),
    A(
        key="budget-control",
        issuer="ipp",
        achievement_type="Badge",
        name="Project Budgeting and Cost Control",
        field="management",
        field_of_study="Project Management",
        description=(
            "Build a project budget, track earned value and report cost variances to sponsors."
        ),
        criteria="Passed a practical earned-value exercise. 10 hours.",
        esco=("manage budgets", "evaluate budgets"),
        tags=("budget", "earned value"),
        hours=10,
        stacks_into="project-professional",
    ),
    A(
        key="project-professional",
        issuer="ipp",
        achievement_type="Certificate",
        name="IPP Project Professional Certificate",
        field="management",
        field_of_study="Project Management",
        description=(
            "The Institute's professional-level award. Holders have shown they can run a "
            "medium-sized project end to end, manage risk, budget and stakeholders, and lead "
            "a team."
        ),
        criteria=(
            "Held the Foundation certification and the Risk, Stakeholder and Budgeting badges, "
            "and passed a competence interview based on a project portfolio."
        ),
        esco=("perform project management", "lead a team", "manage budgets"),
        tags=("project manager", "professional"),
        hours=60,
    ),
    A(
        key="leadership-essentials",
        issuer="halden-university",
        achievement_type="MicroCredential",
        name="Leading Teams",
        field="management",
        field_of_study="Management",
        description=(
            "For new managers. Covers motivation, feedback, delegation and coaching, with "
            "practice in difficult conversations."
        ),
        criteria=(
            "Completed the module, a 360-degree feedback exercise and a reflective portfolio. 2.5 "
            "ECTS."
        ),
        esco=("lead a team", "coach employees", "mentor individual employees"),
        tags=("leadership", "management", "ECTS"),
        hours=60,
        credits=2.5,
    ),
    A(
        key="customer-support-excellence",
        issuer="opencoursehub",
        achievement_type="Course",
        name="Customer Support Excellence",
        field="management",
        field_of_study="Customer Service",
        description=(
            "Learn how great support teams work: ticket triage, empathetic writing, de-escalation "
            "and measuring customer satisfaction."
        ),
        criteria="Completed all modules and a graded set of written ticket replies. 12 hours.",
        esco=(
            "provide high quality customer service",
            "handle customer complaints",
            "communicate with customers",
        ),
        tags=("customer support", "CX", "helpdesk"),
        hours=12,
    ),
    A(
        key="change-management",
        issuer="halden-university",
        achievement_type="MicroCredential",
        name="Managing Organisational Change",
        field="management",
        field_of_study="Management",
        description=(
            "Plan and lead change that sticks: diagnosing readiness, engaging people and "
            "sustaining new ways of working."
        ),
        criteria="Passed a case-study assessment. 2.5 ECTS.",
        esco=("apply change management", "engage with stakeholders"),
        tags=("change management", "ECTS"),
        hours=60,
        credits=2.5,
        held=False,
    ),
    A(
        key="business-analysis",
        issuer="ipp",
        achievement_type="Certification",
        name="IPP Business Analysis Practitioner",
        field="management",
        field_of_study="Business Analysis",
        description=(
            "Recognises analysts who elicit and document requirements, model processes and "
            "bridge business and technical teams."
        ),
        criteria="Passed the practitioner exam after accredited training. 21 hours.",
        esco=(
            "perform business analysis",
            "business requirements techniques",
            "identify customer requirements",
        ),
        tags=("business analysis", "requirements"),
        hours=21,
        valid_years=3,
    ),
)
