-- Help for people who struggle (issue 8): hard-to-employ identification with its history,
-- zero-employment households on a clock, assistance cases with contacts.

-- 就业困难人员认定: one current row per person; every change is also a row of hte_events.
CREATE TABLE hte_status (
    person_id INTEGER PRIMARY KEY REFERENCES persons(id),
    state TEXT NOT NULL CHECK (state IN ('proposed', 'confirmed', 'ended', 'dismissed')),
    categories TEXT NOT NULL,
    proposed_on TEXT NOT NULL,
    confirmed_on TEXT,
    confirmed_by INTEGER REFERENCES users(id),
    ended_on TEXT,
    reason TEXT NOT NULL DEFAULT '',
    decision_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (state <> 'confirmed' OR confirmed_on IS NOT NULL)
);
CREATE INDEX hte_status_state ON hte_status(state);

CREATE TABLE hte_events (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    on_date TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX hte_events_person ON hte_events(person_id, id);
CREATE TRIGGER hte_events_no_update BEFORE UPDATE ON hte_events
BEGIN SELECT RAISE(ABORT, 'hte_events is append-only'); END;
CREATE TRIGGER hte_events_no_delete BEFORE DELETE ON hte_events
BEGIN SELECT RAISE(ABORT, 'hte_events is append-only'); END;

-- 零就业家庭: one row per spell; at most one open spell per household (open_key unique).
CREATE TABLE zero_households (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id),
    region TEXT NOT NULL REFERENCES regions(code),
    identified_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    cleared_on TEXT,
    clear_reason TEXT,
    open_key INTEGER UNIQUE,
    CHECK ((cleared_on IS NULL AND open_key = household_id) OR (cleared_on IS NOT NULL AND open_key IS NULL))
);
CREATE INDEX zero_households_region ON zero_households(region, cleared_on);

-- 帮扶: one open case per person or household (open_key unique).
CREATE TABLE assistance_cases (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'household')),
    person_id INTEGER REFERENCES persons(id),
    household_id INTEGER REFERENCES households(id),
    region TEXT NOT NULL REFERENCES regions(code),
    helper_id INTEGER REFERENCES users(id),
    services TEXT NOT NULL DEFAULT '',
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    outcome TEXT,
    open_key TEXT UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((kind = 'person' AND person_id IS NOT NULL) OR (kind = 'household' AND household_id IS NOT NULL)),
    CHECK ((closed_on IS NULL AND open_key IS NOT NULL) OR (closed_on IS NOT NULL AND open_key IS NULL AND outcome IS NOT NULL))
);
CREATE INDEX assistance_cases_region ON assistance_cases(region, closed_on);

CREATE TABLE case_contacts (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES assistance_cases(id),
    on_date TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('visit', 'phone', 'online', 'station')),
    note TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX case_contacts_case ON case_contacts(case_id, on_date);

-- 家门口的人社驿站 and 零工市场: places, and the services they log.
CREATE TABLE stations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind TEXT NOT NULL CHECK (kind IN ('station', 'gig_market')),
    region TEXT NOT NULL REFERENCES regions(code),
    address TEXT NOT NULL,
    hours TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX stations_region ON stations(region);

CREATE TABLE station_services (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations(id),
    on_date TEXT NOT NULL,
    person_id INTEGER REFERENCES persons(id),
    service TEXT NOT NULL CHECK (service IN ('job_referral', 'training', 'welfare_post', 'startup', 'insurance_subsidy', 'guidance', 'policy_consult', 'gig_matching')),
    outcome TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX station_services_station ON station_services(station_id, on_date);
