-- Registry: regions, persons with labour history, households, enterprises, audit log.
-- Dates are ISO-8601 TEXT on both backends (see docs/architecture.md: the Any driver).
CREATE TABLE regions (
    code TEXT PRIMARY KEY CHECK (length(code) IN (6, 9, 12)),
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('city', 'county', 'township', 'village')),
    parent TEXT REFERENCES regions(code),
    zones TEXT NOT NULL DEFAULT '',
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    demo INTEGER NOT NULL CHECK (demo IN (0, 1))
);

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    credit_code TEXT NOT NULL CHECK (length(credit_code) = 18),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    industry TEXT NOT NULL CHECK (industry IN ('A','B','C','D','E','F','G','H','I','J','K','L','M','N','O','P','Q','R','S','T')),
    region TEXT NOT NULL REFERENCES regions(code),
    registered_investment_fen INTEGER NOT NULL CHECK (registered_investment_fen >= 0),
    scale TEXT NOT NULL CHECK (scale IN ('micro', 'small', 'medium', 'large')),
    designated_key INTEGER NOT NULL CHECK (designated_key IN (0, 1)),
    designation_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT enterprises_credit_code_key UNIQUE (credit_code),
    CHECK (designated_key = 0 OR designation_reason IS NOT NULL)
);
CREATE INDEX enterprises_region ON enterprises(region);

CREATE TABLE enterprise_headcount (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    headcount INTEGER NOT NULL CHECK (headcount >= 0),
    PRIMARY KEY (enterprise_id, month)
);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    id_number TEXT NOT NULL CHECK (length(id_number) = 18),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date TEXT NOT NULL CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    phone TEXT,
    hukou_region TEXT CHECK (hukou_region IS NULL OR length(hukou_region) = 6),
    residence_region TEXT NOT NULL REFERENCES regions(code),
    address TEXT,
    education TEXT NOT NULL,
    school TEXT,
    graduation_date TEXT,
    disability_grade INTEGER CHECK (disability_grade IS NULL OR disability_grade BETWEEN 1 AND 4),
    veteran INTEGER NOT NULL CHECK (veteran IN (0, 1)),
    poverty_alleviated INTEGER NOT NULL CHECK (poverty_alleviated IN (0, 1)),
    assistance TEXT NOT NULL CHECK (assistance IN ('none', 'dibao', 'dibao_edge')),
    urban INTEGER NOT NULL CHECK (urban IN (0, 1)),
    -- Current labour status, derived from labour_events in the same transaction.
    labour_status TEXT,
    labour_since TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT persons_id_number_key UNIQUE (id_number)
);
CREATE INDEX persons_region ON persons(residence_region);

CREATE TABLE labour_events (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    status TEXT NOT NULL CHECK (status IN ('employed', 'unemployed', 'student', 'retired', 'out_of_labour_force')),
    effective TEXT NOT NULL,
    enterprise_id INTEGER REFERENCES enterprises(id),
    benefit_months INTEGER CHECK (benefit_months IS NULL OR benefit_months BETWEEN 0 AND 24),
    note TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    CHECK (enterprise_id IS NULL OR status = 'employed'),
    CHECK (benefit_months IS NULL OR status = 'unemployed')
);
CREATE INDEX labour_events_person ON labour_events(person_id, effective);

CREATE TABLE households (
    id INTEGER PRIMARY KEY,
    region TEXT NOT NULL REFERENCES regions(code),
    urban INTEGER NOT NULL CHECK (urban IN (0, 1)),
    business_income INTEGER NOT NULL CHECK (business_income IN (0, 1)),
    income_band TEXT NOT NULL CHECK (income_band IN ('low', 'lower_middle', 'middle', 'high', 'unknown')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX households_region ON households(region);

CREATE TABLE household_members (
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    relation TEXT NOT NULL CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other')),
    PRIMARY KEY (household_id, person_id),
    -- A person belongs to one household at a time.
    CONSTRAINT household_members_person_key UNIQUE (person_id)
);
-- One head per household.
CREATE UNIQUE INDEX household_one_head ON household_members(household_id) WHERE relation = 'head';

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
