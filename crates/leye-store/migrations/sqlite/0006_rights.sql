-- Labour rights (issue 10): wage arrears cases (欠薪) and labour disputes (劳动争议).

CREATE TABLE arrears_cases (
    id INTEGER PRIMARY KEY,
    employer_name TEXT NOT NULL CHECK (length(employer_name) BETWEEN 1 AND 100),
    enterprise_id INTEGER REFERENCES enterprises(id),
    project TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL CHECK (department IN ('construction', 'transport', 'water', 'other')),
    source TEXT NOT NULL CHECK (source IN ('complaint', 'hotline', 'inspection', 'warning')),
    region TEXT NOT NULL REFERENCES regions(code),
    workers INTEGER NOT NULL CHECK (workers > 0),
    claimed_fen INTEGER NOT NULL CHECK (claimed_fen > 0),
    recovered_fen INTEGER NOT NULL DEFAULT 0 CHECK (recovered_fen >= 0),
    route TEXT NOT NULL CHECK (route IN ('mediation', 'inspection', 'arbitration', 'joint_punishment', 'police')),
    opened_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    closed_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (recovered_fen <= claimed_fen),
    CHECK (closed_on IS NULL OR closed_on >= opened_on)
);
CREATE INDEX arrears_cases_region ON arrears_cases(region, opened_on);
CREATE INDEX arrears_cases_employer ON arrears_cases(employer_name);

CREATE TABLE disputes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('mediation', 'arbitration')),
    region TEXT NOT NULL REFERENCES regions(code),
    employer_name TEXT NOT NULL,
    claim_fen INTEGER NOT NULL CHECK (claim_fen >= 0),
    accepted_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    extended INTEGER NOT NULL DEFAULT 0 CHECK (extended IN (0, 1)),
    closed_on TEXT,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('mediated', 'award', 'withdrawn', 'dismissed')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (extended = 0 OR kind = 'arbitration'),
    CHECK ((closed_on IS NULL AND outcome IS NULL) OR (closed_on IS NOT NULL AND outcome IS NOT NULL))
);
CREATE INDEX disputes_region ON disputes(region, accepted_on);

-- 企业薪酬调查 (enterprise wage survey) rows, from which the yearly wage guidance prices
-- (工资指导价位) are computed.
CREATE TABLE wage_survey (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    occupation TEXT NOT NULL CHECK (length(occupation) BETWEEN 1 AND 100),
    level TEXT NOT NULL CHECK (length(level) BETWEEN 1 AND 50),
    monthly_fen INTEGER NOT NULL CHECK (monthly_fen > 0),
    credit_code TEXT,
    imported_at TEXT NOT NULL
);
CREATE INDEX wage_survey_year ON wage_survey(year, occupation, level);
