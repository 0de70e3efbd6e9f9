-- Job market (issue 7): the occupation taxonomy (职业分类大典), postings (招聘岗位), job seekers
-- (求职者), job applications (投递), push notifications (岗位推送) and the outbox every
-- after-commit task goes through.

CREATE TABLE occupations (
    code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 10),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    parent TEXT REFERENCES occupations(code),
    digital INTEGER NOT NULL DEFAULT 0 CHECK (digital IN (0, 1)),
    green INTEGER NOT NULL DEFAULT 0 CHECK (green IN (0, 1)),
    deprecated INTEGER NOT NULL DEFAULT 0 CHECK (deprecated IN (0, 1)),
    source TEXT NOT NULL
);
CREATE INDEX occupations_parent ON occupations(parent);

-- One counter per change feed; bumping it inside the writing transaction serialises writers,
-- so the order of `seq` is the order of commits and a reader never skips a change.
CREATE TABLE change_seq (
    name TEXT PRIMARY KEY,
    n INTEGER NOT NULL
);
INSERT INTO change_seq (name, n) VALUES ('postings', 0);

CREATE TABLE postings (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 50),
    description TEXT NOT NULL DEFAULT '',
    occupation TEXT NOT NULL REFERENCES occupations(code),
    skill_level TEXT CHECK (skill_level IS NULL OR skill_level IN ('apprentice', 'junior', 'intermediate', 'senior', 'technician', 'senior_technician', 'special', 'chief')),
    headcount INTEGER NOT NULL CHECK (headcount BETWEEN 1 AND 10000),
    region TEXT NOT NULL REFERENCES regions(code),
    address TEXT NOT NULL DEFAULT '',
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    pay_unit TEXT NOT NULL CHECK (pay_unit IN ('month', 'day', 'hour')),
    pay_min_fen INTEGER NOT NULL CHECK (pay_min_fen > 0),
    pay_max_fen INTEGER NOT NULL,
    monthly_min_fen INTEGER NOT NULL,
    monthly_max_fen INTEGER NOT NULL,
    contract_type TEXT NOT NULL CHECK (contract_type IN ('fixed', 'open_ended', 'task', 'part_time', 'gig')),
    contract_months INTEGER CHECK (contract_months IS NULL OR contract_months BETWEEN 1 AND 120),
    social_insurance INTEGER NOT NULL CHECK (social_insurance IN (0, 1)),
    education TEXT NOT NULL CHECK (education IN ('none', 'junior', 'senior', 'college', 'bachelor', 'master', 'doctor')),
    age_min INTEGER CHECK (age_min IS NULL OR age_min >= 16),
    age_max INTEGER,
    gig INTEGER NOT NULL CHECK (gig IN (0, 1)),
    quality INTEGER NOT NULL CHECK (quality IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    published_on TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    closed_on TEXT,
    seq INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (pay_max_fen >= pay_min_fen),
    CHECK (monthly_max_fen >= monthly_min_fen),
    CHECK (age_max IS NULL OR age_min IS NULL OR age_max >= age_min),
    CHECK ((status = 'closed') = (closed_on IS NOT NULL)),
    CHECK (contract_type <> 'fixed' OR contract_months IS NOT NULL)
);
CREATE INDEX postings_seq ON postings(seq);
CREATE INDEX postings_region ON postings(region, status);
CREATE INDEX postings_enterprise ON postings(enterprise_id, status);
CREATE INDEX postings_published ON postings(published_on);

CREATE TABLE job_seekers (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL UNIQUE REFERENCES persons(id),
    occupations TEXT NOT NULL CHECK (length(occupations) BETWEEN 1 AND 100),
    skills TEXT NOT NULL DEFAULT '',
    skill_level TEXT CHECK (skill_level IS NULL OR skill_level IN ('apprentice', 'junior', 'intermediate', 'senior', 'technician', 'senior_technician', 'special', 'chief')),
    education TEXT NOT NULL CHECK (education IN ('none', 'junior', 'senior', 'college', 'bachelor', 'master', 'doctor')),
    region TEXT NOT NULL REFERENCES regions(code),
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    commute_km INTEGER NOT NULL CHECK (commute_km BETWEEN 1 AND 200),
    pay_wanted_fen INTEGER CHECK (pay_wanted_fen IS NULL OR pay_wanted_fen > 0),
    available_from TEXT,
    gig_ok INTEGER NOT NULL CHECK (gig_ok IN (0, 1)),
    push_opt_in INTEGER NOT NULL CHECK (push_opt_in IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at TEXT NOT NULL
);
CREATE INDEX job_seekers_region ON job_seekers(region);

CREATE TABLE job_applications (
    id INTEGER PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES postings(id),
    seeker_id INTEGER NOT NULL REFERENCES job_seekers(id),
    state TEXT NOT NULL CHECK (state IN ('applied', 'interview', 'hired', 'declined', 'withdrawn')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (posting_id, seeker_id)
);
CREATE INDEX job_applications_seeker ON job_applications(seeker_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    seeker_id INTEGER NOT NULL REFERENCES job_seekers(id),
    posting_id INTEGER NOT NULL REFERENCES postings(id),
    day TEXT NOT NULL,
    score INTEGER NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (seeker_id, posting_id)
);
CREATE INDEX notifications_day ON notifications(seeker_id, day);

-- Work that must happen after a commit, written in the same transaction; `key` makes a
-- repeat of the same work a no-op.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('push_posting', 'sms')),
    key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    done_at TEXT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox(done_at, id);

-- The logging SMS driver: what would have been sent, once per key.
CREATE TABLE sms_log (
    key TEXT PRIMARY KEY,
    phone_masked TEXT NOT NULL,
    text TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
