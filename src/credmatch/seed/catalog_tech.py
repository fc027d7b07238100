"""Catalog entries for data, software, cloud and security, in each provider's own voice."""

from __future__ import annotations

from credmatch.seed.catalog_spec import AchievementSpec as A

TECH: tuple[A, ...] = (
    # --- data -------------------------------------------------------------------------
    A(
        key="data-sql-foundations",
        issuer="riverside-tech",
        achievement_type="Badge",
        name="SQL for Data Analysis",
        field="data",
        field_of_study="Data Analytics",
        description=(
            "Earners of this badge can write SQL queries that answer real business questions. "
            "They join, filter and aggregate data across several tables and use window "
            "functions to compute running totals and rankings."
        ),
        criteria=(
            "Completed 30 hours of guided labs on a retail sales database and passed a proctored "
            "practical exam (20 queries, 75% pass mark) graded against hidden test data."
        ),
        esco=("SQL", "use databases", "PostgreSQL"),
        tags=("SQL", "databases", "analytics"),
        hours=30,
        stacks_into="data-analytics-professional",
    ),
    A(
        key="data-python-analysis",
        issuer="riverside-tech",
        achievement_type="Badge",
        name="Python for Data Analysis",
        field="data",
        field_of_study="Data Analytics",
        description=(
            "This badge recognises the ability to clean, reshape and analyse data with Python "
            "and pandas. Earners load messy CSV and JSON sources, handle missing values and "
            "produce reproducible analyses in notebooks."
        ),
        criteria=(
            "Submitted three graded notebooks and a capstone analysis of public transit "
            "ridership data, reviewed by an instructor against a published rubric. About 40 "
            "hours of study."
        ),
        esco=("Python (computer programming)", "perform data analysis", "data analytics"),
        tags=("Python", "pandas", "analytics"),
        hours=40,
        stacks_into="data-analytics-professional",
    ),
    A(
        key="data-visualisation",
        issuer="riverside-tech",
        achievement_type="Badge",
        name="Data Visualisation and Storytelling",
        field="data",
        field_of_study="Data Analytics",
        description=(
            "Holders design charts and dashboards that decision makers actually read. The badge "
            "covers choosing the right chart, accessible colour, and building a narrative "
            "around findings for a non-technical audience."
        ),
        criteria=(
            "Built an interactive dashboard from a provided dataset and presented it in a "
            "ten-minute recorded briefing, assessed by two reviewers. 25 hours."
        ),
        esco=("visual presentation techniques", "present reports", "business intelligence"),
        tags=("dashboards", "visualisation", "Tableau", "Power BI"),
        hours=25,
        stacks_into="data-analytics-professional",
    ),
    A(
        key="data-analytics-professional",
        issuer="riverside-tech",
        achievement_type="Certificate",
        name="Data Analytics Professional Certificate",
        field="data",
        field_of_study="Data Analytics",
        description=(
            "The Data Analytics Professional Certificate is awarded to learners who complete all "
            "three badges in the Riverside data analytics pathway. It shows job-ready skill in "
            "querying, analysing and communicating data."
        ),
        criteria=(
            "Earned the SQL for Data Analysis, Python for Data Analysis and Data Visualisation "
            "and Storytelling badges, then completed a 20-hour capstone project with an "
            "industry partner. 115 hours in total; 6 academic credits."
        ),
        esco=("data analytics", "perform data analysis", "statistics", "SQL"),
        tags=("data analyst", "pathway", "capstone"),
        hours=115,
        credits=6,
    ),
    A(
        key="statistics-essentials",
        issuer="opencoursehub",
        achievement_type="Course",
        name="Statistics Essentials for Analysts",
        field="data",
        field_of_study="Statistics",
        description=(
            "A self-paced course on the statistics analysts use every day: distributions, "
            "confidence intervals, hypothesis tests and linear regression, taught with worked "
            "examples rather than proofs."
        ),
        criteria=(
            "Completed all six modules and passed the final quiz with a score of at least 80%. "
            "Estimated effort: 24 hours."
        ),
        esco=(
            "statistics",
            "apply statistical analysis techniques",
            "identify statistical patterns",
        ),
        tags=("statistics", "regression", "A/B testing"),
        hours=24,
    ),
    A(
        key="spreadsheets-business",
        issuer="opencoursehub",
        achievement_type="Course",
        name="Spreadsheets for Business Analysis",
        field="data",
        field_of_study="Business Analytics",
        description=(
            "Learn the spreadsheet skills analysts are hired for: lookups, pivot tables, "
            "scenario models and clean, auditable workbooks. Built with finance and operations "
            "teams in mind."
        ),
        criteria="Finished 12 graded exercises and a final budget-model assignment. 15 hours.",
        esco=("use spreadsheets software", "perform business analysis"),
        tags=("Excel", "spreadsheets", "pivot tables"),
        hours=15,
    ),
    A(
        key="ml-foundations",
        issuer="halden-university",
        achievement_type="MicroCredential",
        name="Foundations of Machine Learning",
        field="data",
        field_of_study="Computer Science",
        description=(
            "This micro-credential from Halden's Department of Computer Science introduces "
            "supervised and unsupervised learning, model evaluation and the pitfalls of "
            "leakage and bias. Learners implement models in Python with scikit-learn."
        ),
        criteria=(
            "Passed two programming assignments and an invigilated written exam. Equivalent to "
            "a 5 ECTS module (about 125 hours of study)."
        ),
        esco=(
            "machine learning",
            "utilise machine learning",
            "Python (computer programming)",
            "data mining",
        ),
        tags=("machine learning", "scikit-learn", "ECTS"),
        hours=125,
        credits=5,
    ),
    A(
        key="applied-deep-learning",
        issuer="halden-university",
        achievement_type="MicroCredential",
        name="Applied Deep Learning",
        field="data",
        field_of_study="Computer Science",
        description=(
            "Builds on Foundations of Machine Learning with neural networks for images and "
            "text. Learners train, tune and evaluate models in PyTorch and learn when deep "
            "learning is not the right tool."
        ),
        criteria=(
            "Completed a team project fine-tuning a transformer model, with an individual "
            "report and oral defence. 5 ECTS."
        ),
        esco=("deep learning", "machine learning", "utilise machine learning"),
        tags=("deep learning", "PyTorch", "NLP", "ECTS"),
        hours=125,
        credits=5,
    ),
    A(
        key="data-quality-governance",
        issuer="opencoursehub",
        achievement_type="Badge",
        name="Data Quality and Governance Fundamentals",
        field="data",
        field_of_study="Data Management",
        description=(
            "Understand how organisations keep data trustworthy and lawful. Covers data quality "
            "dimensions, ownership and stewardship, and the basics of GDPR for analysts."
        ),
        criteria="Passed the end-of-course assessment (30 questions, 70% to pass). 10 hours.",
        esco=("implement data quality processes", "define data quality criteria", "GDPR"),
        tags=("data governance", "GDPR", "data quality"),
        hours=10,
    ),
    A(
        key="data-engineering-pipelines",
        issuer="lakeshore-state",
        achievement_type="Certificate",
        name="Data Engineering Certificate",
        field="data",
        field_of_study="Information Systems",
        description=(
            "Lakeshore State's graduate certificate in data engineering prepares professionals "
            "to build and operate batch and streaming pipelines, data warehouses and the "
            "models that feed analytics teams."
        ),
        criteria=(
            "Completed four graduate courses (12 credit hours) with a grade of B or better, "
            "including a pipeline project deployed to a cloud environment."
        ),
        esco=(
            "data warehouse",
            "implement data warehousing techniques",
            "create data models",
            "manage cloud data and storage",
        ),
        tags=("data engineering", "ETL", "data warehouse", "graduate certificate"),
        credits=12,
        held=False,
    ),
    A(
        key="mlops-production",
        issuer="halden-university",
        achievement_type="MicroCredential",
        name="Machine Learning in Production",
        field="data",
        field_of_study="Computer Science",
        description=(
            "Covers what happens after the notebook: packaging models, serving them behind "
            "APIs, monitoring drift and retraining safely. Taught with practitioners from "
            "Halden's industry partners."
        ),
        criteria="Deployed and monitored a model service as the graded project. 5 ECTS.",
        esco=("utilise machine learning", "DevOps", "develop with cloud services"),
        tags=("MLOps", "model serving", "ECTS"),
        hours=125,
        credits=5,
        held=False,
    ),
    # --- software ---------------------------------------------------------------------
    A(
        key="fullstack-javascript",
        issuer="launchpad",
        achievement_type="Badge",
        name="Full-Stack JavaScript",
        field="software",
        field_of_study="Software Development",
        description=(
            "You built and shipped a full-stack web app: a React front end, a Node.js API and "
            "a relational database behind it. This badge means you can take a feature from "
            "idea to deployed code."
        ),
        criteria=(
            "Completed the 12-week part-time track (about 180 hours) and passed a live code "
            "review of your portfolio project with two Launchpad mentors."
        ),
        esco=("JavaScript", "JavaScript Framework", "web programming", "TypeScript"),
        tags=("JavaScript", "React", "Node.js"),
        hours=180,
        stacks_into="software-engineering-immersive",
    ),
    A(
        key="backend-python-apis",
        issuer="launchpad",
        achievement_type="Badge",
        name="Backend APIs with Python",
        field="software",
        field_of_study="Software Development",
        description=(
            "Design, build and test REST APIs in Python. You worked with FastAPI, PostgreSQL, "
            "authentication and automated tests, and learned to read and write API docs like "
            "a professional."
        ),
        criteria=(
            "Delivered a tested API project (90% test coverage requirement) and passed a "
            "pair-programming assessment. About 120 hours."
        ),
        esco=(
            "Python (computer programming)",
            "PostgreSQL",
            "computer programming",
            "web programming",
        ),
        tags=("Python", "REST", "FastAPI", "backend"),
        hours=120,
        stacks_into="software-engineering-immersive",
    ),
    A(
        key="git-collaboration",
        issuer="launchpad",
        achievement_type="Badge",
        name="Version Control and Team Workflow",
        field="software",
        field_of_study="Software Development",
        description=(
            "Git, branches, pull requests and code review, the way teams really use them. You "
            "resolved merge conflicts, wrote useful commit messages and set up CI checks."
        ),
        criteria="Contributed reviewed pull requests to a shared team repository. 20 hours.",
        esco=("tools for software configuration management", "Agile development"),
        tags=("Git", "GitHub", "code review", "CI"),
        hours=20,
        stacks_into="software-engineering-immersive",
    ),
    A(
        key="software-engineering-immersive",
        issuer="launchpad",
        achievement_type="Certificate",
        name="Software Engineering Immersive Certificate",
        field="software",
        field_of_study="Software Development",
        description=(
            "Awarded to graduates of Launchpad's Software Engineering Immersive. Graduates have "
            "built front ends, back ends and the glue between them, and have worked in an agile "
            "team on a client brief."
        ),
        criteria=(
            "Earned the Full-Stack JavaScript, Backend APIs with Python and Version Control and "
            "Team Workflow badges, and completed a four-week team project for a real client."
        ),
        esco=("computer programming", "web programming", "Agile development", "debug software"),
        tags=("bootcamp", "software engineer", "portfolio"),
        hours=480,
    ),
    A(
        key="software-testing-qa",
        issuer="riverside-tech",
        achievement_type="Badge",
        name="Software Testing and Quality Assurance",
        field="software",
        field_of_study="Software Engineering",
        description=(
            "Holders can plan and carry out testing at unit, integration and system level, "
            "automate regression suites and write defect reports developers can act on."
        ),
        criteria="Passed a practical exam building a test plan and automated suite. 30 hours.",
        esco=(
            "plan software testing",
            "levels of software testing",
            "debug software",
            "provide software testing documentation",
        ),
        tags=("testing", "QA", "pytest", "Selenium"),
        hours=30,
    ),
    A(
        key="java-oop",
        issuer="riverside-tech",
        achievement_type="Course",
        name="Object-Oriented Programming in Java",
        field="software",
        field_of_study="Computer Science",
        description=(
            "A for-credit undergraduate course in object-oriented design using Java: classes, "
            "interfaces, generics, collections and unit testing."
        ),
        criteria="Completed CS 1420 with a final grade of C or better. 4 credit hours.",
        esco=(
            "Java (computer programming)",
            "use object-oriented programming",
            "object-oriented modelling",
        ),
        tags=("Java", "OOP", "undergraduate"),
        credits=4,
    ),
    A(
        key="algorithms-data-structures",
        issuer="opencoursehub",
        achievement_type="Course",
        name="Algorithms and Data Structures",
        field="software",
        field_of_study="Computer Science",
        description=(
            "Sorting, searching, graphs and dynamic programming, with a focus on reasoning "
            "about performance. Programming exercises in Python or Java."
        ),
        criteria="Solved 40 auto-graded programming problems and passed the final exam. 45 hours.",
        esco=("algorithms", "task algorithmisation", "computer programming"),
        tags=("algorithms", "data structures", "interview prep"),
        hours=45,
    ),
    A(
        key="devops-cicd",
        issuer="launchpad",
        achievement_type="Badge",
        name="DevOps and Continuous Delivery",
        field="software",
        field_of_study="Software Development",
        description=(
            "You automated builds, tests and deployments with CI/CD pipelines, containerised "
            "services with Docker and learned how to roll back safely when things go wrong."
        ),
        criteria=(
            "Built a working CI/CD pipeline for a sample service, reviewed by a mentor. 40 hours."
        ),
        esco=(
            "DevOps",
            "Jenkins (tools for software configuration management)",
            "automate cloud tasks",
        ),
        tags=("DevOps", "CI/CD", "Docker", "GitHub Actions"),
        hours=40,
    ),
    A(
        key="relational-databases",
        issuer="opencoursehub",
        achievement_type="Course",
        name="Relational Databases with PostgreSQL",
        field="software",
        field_of_study="Databases",
        description=(
            "Design schemas, normalise data, write efficient queries and read query plans. "
            "Built with a PostgreSQL core contributor."
        ),
        criteria="Completed all graded labs and a schema design project. 20 hours.",
        esco=("PostgreSQL", "database", "define database physical structure", "SQL"),
        tags=("PostgreSQL", "database design", "SQL"),
        hours=20,
    ),
    A(
        key="android-development",
        issuer="riverside-tech",
        achievement_type="Badge",
        name="Android App Development",
        field="software",
        field_of_study="Software Engineering",
        description=(
            "Earners design and build native Android apps in Kotlin, handle app lifecycle and "
            "offline storage, and publish to a test track."
        ),
        criteria="Published a reviewed app to an internal test track. 50 hours.",
        esco=("Android (mobile operating systems)", "mobile operating systems"),
        tags=("Android", "Kotlin", "mobile"),
        hours=50,
        held=False,
    ),
    # --- cloud ------------------------------------------------------------------------
    A(
        key="stratus-cloud-practitioner",
        issuer="stratus",
        achievement_type="Certification",
        name="Stratus Certified Cloud Practitioner",
        field="cloud",
        field_of_study="Cloud Computing",
        description=(
            "The Stratus Certified Cloud Practitioner certification validates foundational "
            "knowledge of Stratus Cloud services, pricing, security and the shared "
            "responsibility model. It is the starting point for every Stratus role-based track."
        ),
        criteria=(
            "Passed the 65-question proctored exam CLP-01 with a scaled score of 700/1000 or more."
        ),
        esco=("cloud technologies", "cloud security and compliance"),
        tags=("cloud", "Stratus", "foundational"),
        valid_years=3,
    ),
    A(
        key="stratus-solutions-architect",
        issuer="stratus",
        achievement_type="Certification",
        name="Stratus Certified Solutions Architect - Associate",
        field="cloud",
        field_of_study="Cloud Computing",
        description=(
            "Validates the ability to design secure, resilient and cost-optimised architectures "
            "on Stratus Cloud. Holders choose the right compute, storage, database and "
            "networking services for a workload."
        ),
        criteria="Passed the 130-minute proctored exam SAA-02 (scaled score 720/1000 or more).",
        esco=(
            "design cloud architecture",
            "design cloud networks",
            "deploy cloud resource",
            "cloud technologies",
        ),
        tags=("cloud architecture", "Stratus", "associate"),
        valid_years=3,
    ),
    A(
        key="stratus-developer",
        issuer="stratus",
        achievement_type="Certification",
        name="Stratus Certified Developer - Associate",
        field="cloud",
        field_of_study="Cloud Computing",
        description=(
            "Validates skill in building, deploying and debugging cloud-native applications "
            "with Stratus serverless functions, queues and managed databases."
        ),
        criteria="Passed the proctored exam DVA-02 (scaled score 720/1000 or more).",
        esco=("develop with cloud services", "automate cloud tasks", "do cloud refactoring"),
        tags=("serverless", "Stratus", "associate"),
        valid_years=3,
    ),
    A(
        key="stratus-security-specialty",
        issuer="stratus",
        achievement_type="Certification",
        name="Stratus Certified Security - Specialty",
        field="cloud",
        field_of_study="Cloud Security",
        description=(
            "Demonstrates expertise in securing workloads on Stratus Cloud: identity and access "
            "management, encryption, logging and incident response in the cloud."
        ),
        criteria="Passed the proctored specialty exam SCS-01 (scaled score 750/1000 or more).",
        esco=(
            "implement cloud security and compliance",
            "respond to incidents in cloud",
            "ICT encryption",
        ),
        tags=("cloud security", "Stratus", "specialty"),
        valid_years=3,
    ),
    A(
        key="linux-administration",
        issuer="opencoursehub",
        achievement_type="Course",
        name="Linux System Administration",
        field="cloud",
        field_of_study="IT Operations",
        description=(
            "Manage Linux servers from the command line: users and permissions, packages, "
            "services, logs, shell scripting and basic networking."
        ),
        criteria=(
            "Completed all hands-on labs in a browser-based Linux terminal and the final exam. 35 "
            "hours."
        ),
        esco=("operating systems", "administer ICT system", "configure ICT system"),
        tags=("Linux", "bash", "sysadmin"),
        hours=35,
    ),
    A(
        key="cloud-migration",
        issuer="halden-university",
        achievement_type="MicroCredential",
        name="Cloud Migration Strategy",
        field="cloud",
        field_of_study="Information Systems",
        description=(
            "For IT leads planning a move to the cloud. Covers assessing workloads, choosing "
            "rehost, refactor or replace, estimating cost, and managing risk during migration."
        ),
        criteria=(
            "Wrote a migration plan for a case-study organisation, graded by faculty. 2.5 ECTS."
        ),
        esco=("plan migration to cloud", "do cloud refactoring", "design cloud architecture"),
        tags=("cloud migration", "ECTS"),
        hours=60,
        credits=2.5,
    ),
    A(
        key="containers-kubernetes",
        issuer="opencoursehub",
        achievement_type="Course",
        name="Containers and Kubernetes Fundamentals",
        field="cloud",
        field_of_study="Cloud Computing",
        description=(
            "Package applications as containers and run them on Kubernetes. You will write "
            "deployments, services and config maps, and learn to debug a failing pod."
        ),
        criteria="Completed the graded labs on a live cluster and the final quiz. 18 hours.",
        esco=("deploy cloud resource", "ICT system integration"),
        tags=("Docker", "Kubernetes", "containers"),
        hours=18,
    ),
    A(
        key="stratus-data-specialty",
        issuer="stratus",
        achievement_type="Certification",
        name="Stratus Certified Data Platform - Specialty",
        field="cloud",
        field_of_study="Cloud Computing",
        description=(
            "Validates expertise in designing data stores, lakes and warehouses on Stratus "
            "Cloud and moving data between them reliably."
        ),
        criteria="Passed the proctored specialty exam DPS-01 (scaled score 750/1000 or more).",
        esco=("manage cloud data and storage", "design database in the cloud", "data warehouse"),
        tags=("data platform", "Stratus", "specialty"),
        valid_years=3,
        held=False,
    ),
    # --- security ---------------------------------------------------------------------
    A(
        key="cybersecurity-fundamentals",
        issuer="riverside-tech",
        achievement_type="Badge",
        name="Cybersecurity Fundamentals",
        field="security",
        field_of_study="Cybersecurity",
        description=(
            "Earners understand common attacks, basic defences and how organisations manage "
            "security risk. A first step for anyone moving into a security role."
        ),
        criteria="Passed a 50-question exam and a phishing-analysis lab. 20 hours.",
        esco=("cyber security", "security threats", "identify ICT security risks"),
        tags=("cybersecurity", "security awareness"),
        hours=20,
    ),
    A(
        key="security-monitoring",
        issuer="lakeshore-state",
        achievement_type="Badge",
        name="Security Monitoring and Log Analysis",
        field="security",
        field_of_study="Cybersecurity",
        description=(
            "Learners who earn this badge can triage alerts in a SIEM, write detection queries "
            "and tell a false positive from a real intrusion using logs from endpoints, "
            "firewalls and cloud services."
        ),
        criteria=(
            "Completed 8 lab scenarios in Lakeshore's cyber range and passed a timed alert "
            "triage exercise. 1 credit hour."
        ),
        esco=(
            "collect cyber defence data",
            "monitor system performance",
            "identify security threats",
        ),
        tags=("SIEM", "log analysis", "SOC"),
        hours=40,
        credits=1,
        stacks_into="soc-analyst-certificate",
    ),
    A(
        key="incident-handling",
        issuer="lakeshore-state",
        achievement_type="Badge",
        name="Incident Handling and Response",
        field="security",
        field_of_study="Cybersecurity",
        description=(
            "Covers the incident response lifecycle from detection to lessons learned. "
            "Earners contained a simulated ransomware outbreak and wrote the incident report."
        ),
        criteria=(
            "Led a team role in a four-hour tabletop and live-fire exercise; graded incident "
            "report. 1 credit hour."
        ),
        esco=("handle incidents", "create incident reports", "cyber attack counter-measures"),
        tags=("incident response", "DFIR", "SOC"),
        hours=40,
        credits=1,
        stacks_into="soc-analyst-certificate",
    ),
    A(
        key="threat-intelligence",
        issuer="lakeshore-state",
        achievement_type="Badge",
        name="Threat Intelligence Essentials",
        field="security",
        field_of_study="Cybersecurity",
        description=(
            "Earners map adversary behaviour to MITRE ATT&CK, enrich indicators and turn "
            "threat reports into detections their team can use."
        ),
        criteria=(
            "Produced a threat profile and three detection rules, peer and instructor reviewed. 1 "
            "credit hour."
        ),
        esco=("security threats", "identify security threats", "assessment of risks and threats"),
        tags=("threat intelligence", "MITRE ATT&CK"),
        hours=40,
        credits=1,
        stacks_into="soc-analyst-certificate",
    ),
    A(
        key="soc-analyst-certificate",
        issuer="lakeshore-state",
        achievement_type="Certificate",
        name="Security Operations Center Analyst Certificate",
        field="security",
        field_of_study="Cybersecurity",
        description=(
            "Lakeshore State's undergraduate certificate for entry-level SOC analysts. It "
            "combines monitoring, incident response and threat intelligence into one "
            "job-ready credential, recognised by regional employers."
        ),
        criteria=(
            "Earned the three SOC badges and completed a 30-hour supervised practicum in the "
            "university's security operations centre. 4 credit hours in total."
        ),
        esco=(
            "cyber security",
            "handle incidents",
            "collect cyber defence data",
            "ICT network security risks",
        ),
        tags=("SOC analyst", "certificate", "practicum"),
        hours=150,
        credits=4,
    ),
    A(
        key="network-security",
        issuer="opencoursehub",
        achievement_type="Course",
        name="Network Security",
        field="security",
        field_of_study="Cybersecurity",
        description=(
            "Secure networks by design: segmentation, firewalls, VPNs and intrusion detection. "
            "Includes packet-capture labs with Wireshark."
        ),
        criteria="Completed five graded labs and the final exam (70% to pass). 28 hours.",
        esco=("ICT network security risks", "implement a firewall", "define firewall rules"),
        tags=("network security", "firewalls", "Wireshark"),
        hours=28,
    ),
    A(
        key="ethical-hacking",
        issuer="launchpad",
        achievement_type="Badge",
        name="Ethical Hacking and Penetration Testing",
        field="security",
        field_of_study="Cybersecurity",
        description=(
            "You found and exploited vulnerabilities in a lab network, then wrote a report the "
            "client could act on. Covers reconnaissance, web app attacks and privilege "
            "escalation with Kali Linux."
        ),
        criteria=(
            "Passed a 24-hour practical capture-the-flag exam and submitted a pentest report. 60 "
            "hours."
        ),
        esco=(
            "penetration testing tool",
            "perform ICT security testing",
            "Kali Linux",
            "web application security threats",
        ),
        tags=("pentesting", "Kali Linux", "OWASP"),
        hours=60,
    ),
    A(
        key="infosec-governance",
        issuer="halden-university",
        achievement_type="MicroCredential",
        name="Information Security Governance and Risk",
        field="security",
        field_of_study="Information Systems",
        description=(
            "Halden's micro-credential for managers responsible for security. Covers ISO 27001, "
            "risk assessment, security policy and data protection law."
        ),
        criteria="Passed a case-based written assessment. 5 ECTS (about 125 hours).",
        esco=(
            "information security strategy",
            "ICT security standards",
            "implement ICT risk management",
            "GDPR",
            "apply information security policies",
        ),
        tags=("ISO 27001", "GRC", "ECTS"),
        hours=125,
        credits=5,
    ),
    A(
        key="gsab-cyber-expert",
        issuer="gsab",
        achievement_type="Certification",
        name="Certified Cyber Defense Expert (CCDE)",
        field="security",
        field_of_study="Cybersecurity",
        description=(
            "The CCDE designation recognises world-class expertise in cyber defence. Holders "
            "are internationally certified experts."
        ),
        criteria="Completed the online application and the CCDE assessment.",
        esco=("cyber security", "cyber attack counter-measures"),
        tags=("cybersecurity", "expert"),
    ),
)
