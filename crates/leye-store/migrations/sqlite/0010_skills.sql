-- Skills, entrepreneurship and enterprise service (issue 9): the registries of plan 二(二),
-- 二(四), 二(五)2 and 二(五)4, key-enterprise service tickets and employment impact
-- assessments (二(一)1). Every registry row carries the region it is counted in (the caller's
-- scope filters on it) and who wrote it; the rules that can live here do.

CREATE TABLE training_providers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    kind TEXT NOT NULL CHECK (kind IN ('school', 'institution', 'enterprise')),
    licence_no TEXT,
    approved_on TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE courses (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    provider_id INTEGER NOT NULL REFERENCES training_providers(id),
    occupation TEXT NOT NULL REFERENCES occupations(code),
    skill_level TEXT CHECK (skill_level IS NULL OR skill_level IN ('apprentice', 'junior', 'intermediate', 'senior', 'technician', 'senior_technician', 'special', 'chief')),
    category TEXT NOT NULL CHECK (category IN ('employment', 'upgrading', 'startup', 'apprenticeship', 'digital')),
    hours INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 2000),
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE training_classes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    course_id INTEGER NOT NULL REFERENCES courses(id),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);

CREATE TABLE trainees (
    id INTEGER PRIMARY KEY,
    class_id INTEGER NOT NULL REFERENCES training_classes(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    status TEXT NOT NULL CHECK (status IN ('enrolled', 'completed', 'dropped')),
    completed_on TEXT,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (class_id, person_id),
    CHECK ((status = 'completed') = (completed_on IS NOT NULL))
);
CREATE INDEX trainees_completed ON trainees(completed_on, region);

CREATE TABLE certifications (
    id INTEGER PRIMARY KEY,
    certificate_no TEXT NOT NULL UNIQUE CHECK (length(certificate_no) BETWEEN 4 AND 40),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    occupation TEXT NOT NULL REFERENCES occupations(code),
    skill_level TEXT CHECK (skill_level IS NULL OR skill_level IN ('apprentice', 'junior', 'intermediate', 'senior', 'technician', 'senior_technician', 'special', 'chief')),
    route TEXT NOT NULL CHECK (route IN ('qualification', 'skill_level', 'special_ability')),
    certified_on TEXT NOT NULL,
    issuer TEXT NOT NULL CHECK (length(issuer) BETWEEN 1 AND 100),
    enterprise_id INTEGER REFERENCES enterprises(id),
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- 专项职业能力 has no level; the two other routes place the holder on the ladder.
    CHECK ((route = 'special_ability') = (skill_level IS NULL))
);
CREATE INDEX certifications_person ON certifications(person_id, certified_on);
CREATE INDEX certifications_on ON certifications(certified_on, region);

CREATE TABLE technical_schools (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    kind TEXT NOT NULL CHECK (kind IN ('technician_college', 'senior_school', 'school')),
    project TEXT NOT NULL CHECK (project IN ('none', 'new', 'expansion')),
    completed_on TEXT,
    senior_students INTEGER NOT NULL DEFAULT 0 CHECK (senior_students >= 0),
    technician_students INTEGER NOT NULL DEFAULT 0 CHECK (technician_students >= 0),
    partners TEXT,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE specialties (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES technical_schools(id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    occupation TEXT REFERENCES occupations(code),
    tier TEXT NOT NULL CHECK (tier IN ('provincial_group', 'municipal_brand', 'ordinary')),
    designated_on TEXT,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (school_id, name),
    CHECK (tier = 'ordinary' OR designated_on IS NOT NULL)
);

CREATE TABLE skill_designations (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    kind TEXT NOT NULL CHECK (kind IN ('self_certifying', 'skill_enterprise')),
    designated_on TEXT NOT NULL,
    doc_no TEXT,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (enterprise_id, kind)
);

CREATE TABLE skill_villages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    designated_on TEXT NOT NULL,
    doc_no TEXT,
    region TEXT NOT NULL UNIQUE REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE apprenticeships (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    school_id INTEGER REFERENCES technical_schools(id),
    occupation TEXT NOT NULL REFERENCES occupations(code),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (person_id, enterprise_id, starts_on),
    CHECK (ends_on > starts_on)
);

CREATE TABLE startup_spaces (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    stage TEXT NOT NULL CHECK (stage IN ('maker_space', 'incubator', 'accelerator', 'park', 'shop')),
    cluster_level TEXT NOT NULL CHECK (cluster_level IN ('corridor', 'city', 'circle')),
    cluster TEXT NOT NULL CHECK (length(cluster) BETWEEN 1 AND 100),
    workstations INTEGER NOT NULL CHECK (workstations >= 0),
    free_workstations INTEGER NOT NULL DEFAULT 0 CHECK (free_workstations >= 0),
    occupied INTEGER NOT NULL DEFAULT 0 CHECK (occupied >= 0),
    opened_on TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (free_workstations <= workstations),
    CHECK (occupied <= workstations)
);

CREATE TABLE youth_startups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    founder_id INTEGER NOT NULL REFERENCES persons(id),
    enterprise_id INTEGER REFERENCES enterprises(id),
    space_id INTEGER REFERENCES startup_spaces(id),
    stage TEXT NOT NULL CHECK (stage IN ('idea', 'registered', 'operating', 'closed')),
    started_on TEXT NOT NULL,
    jobs_created INTEGER NOT NULL DEFAULT 0 CHECK (jobs_created BETWEEN 0 AND 100000),
    rural INTEGER NOT NULL DEFAULT 0 CHECK (rural IN (0, 1)),
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX youth_startups_started ON youth_startups(started_on, region);

CREATE TABLE elite_projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    leader TEXT NOT NULL CHECK (length(leader) BETWEEN 1 AND 50),
    category TEXT NOT NULL CHECK (category IN ('innovation', 'startup', 'team')),
    overseas INTEGER NOT NULL DEFAULT 0 CHECK (overseas IN (0, 1)),
    enterprise_id INTEGER REFERENCES enterprises(id),
    introduced_on TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- 创业担保贷款 as granted by the partner banks (the policy engine decides eligibility and limits).
CREATE TABLE startup_loans (
    id INTEGER PRIMARY KEY,
    borrower_id INTEGER NOT NULL REFERENCES persons(id),
    startup_id INTEGER REFERENCES youth_startups(id),
    bank TEXT NOT NULL CHECK (length(bank) BETWEEN 1 AND 60),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    as_enterprise INTEGER NOT NULL DEFAULT 0 CHECK (as_enterprise IN (0, 1)),
    granted_on TEXT NOT NULL,
    months INTEGER NOT NULL CHECK (months BETWEEN 1 AND 60),
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (borrower_id, granted_on)
);

CREATE TABLE research_leaves (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    employer_unit TEXT NOT NULL CHECK (length(employer_unit) BETWEEN 1 AND 100),
    project TEXT NOT NULL CHECK (length(project) BETWEEN 1 AND 100),
    enterprise_id INTEGER REFERENCES enterprises(id),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    renewal INTEGER NOT NULL DEFAULT 0 CHECK (renewal IN (0, 1)),
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (person_id, starts_on),
    CHECK (ends_on > starts_on)
);

CREATE TABLE hr_institutions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    credit_code TEXT UNIQUE CHECK (credit_code IS NULL OR length(credit_code) = 18),
    licence_no TEXT,
    licence_until TEXT,
    services TEXT NOT NULL CHECK (services IN ('recruitment', 'dispatch', 'outsourcing', 'headhunting', 'training', 'comprehensive')),
    registered_on TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE hr_clients (
    id INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES hr_institutions(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    since TEXT NOT NULL,
    service TEXT,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (institution_id, enterprise_id)
);

CREATE TABLE service_plans (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL UNIQUE REFERENCES enterprises(id),
    officer TEXT NOT NULL CHECK (length(officer) BETWEEN 1 AND 50),
    institution_id INTEGER REFERENCES hr_institutions(id),
    measures TEXT NOT NULL CHECK (length(measures) BETWEEN 1 AND 2000),
    agreed_on TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- 用工服务单: a key enterprise's hiring demand and how it was met.
CREATE TABLE service_tickets (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    occupation TEXT NOT NULL REFERENCES occupations(code),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 50),
    headcount INTEGER NOT NULL CHECK (headcount BETWEEN 1 AND 10000),
    deadline TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'working', 'filled', 'closed')),
    institution_id INTEGER REFERENCES hr_institutions(id),
    posting_id INTEGER REFERENCES postings(id),
    event_id INTEGER REFERENCES recruitment_events(id),
    class_id INTEGER REFERENCES training_classes(id),
    opened_on TEXT NOT NULL,
    filled_on TEXT,
    closed_on TEXT,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (deadline >= opened_on),
    CHECK ((state = 'filled') = (filled_on IS NOT NULL) OR state = 'closed')
);
CREATE INDEX service_tickets_region ON service_tickets(region, state);

CREATE TABLE ticket_placements (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES service_tickets(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    channel TEXT NOT NULL CHECK (channel IN ('posting', 'event', 'training', 'agency', 'dispatch')),
    placed_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (ticket_id, person_id)
);

-- Append-only: every step of a ticket, who took it and when.
CREATE TABLE ticket_steps (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES service_tickets(id),
    step TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ticket_steps_ticket ON ticket_steps(ticket_id, id);
CREATE TRIGGER ticket_steps_no_update BEFORE UPDATE ON ticket_steps
BEGIN SELECT RAISE(ABORT, 'ticket_steps is append-only'); END;
CREATE TRIGGER ticket_steps_no_delete BEFORE DELETE ON ticket_steps
BEGIN SELECT RAISE(ABORT, 'ticket_steps is append-only'); END;

-- 就业影响评估: what a project or a policy draft promises, scored, and later compared with
-- the jobs it created.
CREATE TABLE impact_assessments (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    kind TEXT NOT NULL CHECK (kind IN ('project', 'policy')),
    enterprise_id INTEGER REFERENCES enterprises(id),
    investment_fen INTEGER NOT NULL DEFAULT 0 CHECK (investment_fen >= 0),
    jobs INTEGER NOT NULL CHECK (jobs BETWEEN 0 AND 1000000),
    pay_fen INTEGER NOT NULL CHECK (pay_fen >= 0),
    skilled_jobs INTEGER NOT NULL DEFAULT 0 CHECK (skilled_jobs >= 0),
    graduate_jobs INTEGER NOT NULL DEFAULT 0 CHECK (graduate_jobs >= 0),
    industry TEXT NOT NULL,
    baseline_month TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    explanation TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (skilled_jobs <= jobs),
    CHECK (graduate_jobs <= jobs),
    CHECK (kind = 'policy' OR enterprise_id IS NOT NULL)
);

-- 扩中家庭 (issue 8): a household's income band over time (append-only), so that its members'
-- employment and income can be followed month by month. Existing households start from their
-- creation day.
CREATE TABLE household_incomes (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id),
    income_band TEXT NOT NULL,
    since TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX household_incomes_household ON household_incomes(household_id, id);
INSERT INTO household_incomes (household_id, income_band, since, recorded_at)
    SELECT id, income_band, substr(created_at, 1, 10), created_at FROM households;
CREATE TRIGGER household_incomes_no_update BEFORE UPDATE ON household_incomes
BEGIN SELECT RAISE(ABORT, 'household_incomes is append-only'); END;
CREATE TRIGGER household_incomes_no_delete BEFORE DELETE ON household_incomes
BEGIN SELECT RAISE(ABORT, 'household_incomes is append-only'); END;

-- Postings of the plan's special programmes (issue 8): "乐业湖州"共富班车, 爱心岗位, and posts
-- reserved for veterans (退役军人定向招录).
ALTER TABLE postings ADD COLUMN program TEXT
    CHECK (program IS NULL OR program IN ('gongfu_bus', 'caring', 'veteran_direct'));

-- Labour-relations service (issue 10, 二(六)2): a station per township, coordinators per village,
-- harmonious-labour-relations awards; and the yearly economy the wages are set against (一).
CREATE TABLE labour_stations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    opened_on TEXT NOT NULL,
    staff INTEGER NOT NULL CHECK (staff BETWEEN 0 AND 100),
    region TEXT NOT NULL UNIQUE REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE labour_coordinators (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    appointed_on TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (name, region)
);

CREATE TABLE harmonious_awards (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    level TEXT NOT NULL CHECK (level IN ('national', 'provincial', 'municipal')),
    awarded_on TEXT NOT NULL,
    doc_no TEXT,
    rewarded INTEGER NOT NULL DEFAULT 0 CHECK (rewarded IN (0, 1)),
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (enterprise_id, level)
);

CREATE TABLE economic_series (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    gdp_wan INTEGER NOT NULL CHECK (gdp_wan > 0),
    avg_wage INTEGER NOT NULL CHECK (avg_wage > 0),
    source TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (year, region)
);

-- 扩大社会保险覆盖范围 (issue 10, 二(六)1): the people listed for work-injury insurance on its
-- own and the flexible workers, with the day they were enrolled.
CREATE TABLE insurance_roster (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    grp TEXT NOT NULL CHECK (grp IN ('older_worker', 'intern_student', 'trainee', 'platform_worker',
        'domestic_worker', 'village_cadre', 'extra', 'flexible')),
    unit TEXT,
    enrolled_on TEXT,
    region TEXT NOT NULL REFERENCES regions(code),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (person_id, grp)
);
