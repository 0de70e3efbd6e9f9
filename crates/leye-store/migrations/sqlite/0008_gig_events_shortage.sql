-- Job market, continued (issue 7): gig work (零工市场) with time slots, sign-ups, an append-only
-- transition log and ratings both ways; recruitment events (招聘活动) with their enterprises,
-- postings and attendees; the quarterly shortage-occupation list (紧缺工种目录).

-- 班次: a time slot of a gig posting. `taken` counts sign-ups holding a place; the CHECK
-- makes over-booking impossible whatever the application does.
CREATE TABLE gig_slots (
    id INTEGER PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES postings(id),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    places INTEGER NOT NULL CHECK (places BETWEEN 1 AND 500),
    taken INTEGER NOT NULL DEFAULT 0,
    pay_fen INTEGER NOT NULL CHECK (pay_fen > 0),
    note TEXT NOT NULL DEFAULT '',
    cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (taken BETWEEN 0 AND places)
);
CREATE INDEX gig_slots_posting ON gig_slots(posting_id);
CREATE INDEX gig_slots_starts ON gig_slots(starts_at);

-- 报名: one per worker and slot.
CREATE TABLE gig_signups (
    id INTEGER PRIMARY KEY,
    slot_id INTEGER NOT NULL REFERENCES gig_slots(id),
    seeker_id INTEGER NOT NULL REFERENCES job_seekers(id),
    state TEXT NOT NULL CHECK (state IN ('signed_up', 'checked_in', 'completed', 'paid', 'pay_disputed', 'cancelled', 'no_show')),
    pay_fen INTEGER CHECK (pay_fen IS NULL OR pay_fen >= 0),
    checked_in_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (slot_id, seeker_id),
    CHECK (state NOT IN ('completed', 'paid', 'pay_disputed') OR (pay_fen IS NOT NULL AND checked_in_at IS NOT NULL))
);
CREATE INDEX gig_signups_seeker ON gig_signups(seeker_id);

CREATE TABLE gig_transitions (
    id INTEGER PRIMARY KEY,
    signup_id INTEGER NOT NULL REFERENCES gig_signups(id),
    from_state TEXT,
    to_state TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('worker', 'employer')),
    by_name TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX gig_transitions_signup ON gig_transitions(signup_id, id);
CREATE TRIGGER gig_transitions_no_update BEFORE UPDATE ON gig_transitions
BEGIN SELECT RAISE(ABORT, 'gig_transitions is append-only'); END;
CREATE TRIGGER gig_transitions_no_delete BEFORE DELETE ON gig_transitions
BEGIN SELECT RAISE(ABORT, 'gig_transitions is append-only'); END;

-- 评价: each side rates the other once per sign-up.
CREATE TABLE gig_ratings (
    id INTEGER PRIMARY KEY,
    signup_id INTEGER NOT NULL REFERENCES gig_signups(id),
    by_side TEXT NOT NULL CHECK (by_side IN ('worker', 'employer')),
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    UNIQUE (signup_id, by_side)
);

-- 招聘活动.
CREATE TABLE recruitment_events (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
    mode TEXT NOT NULL CHECK (mode IN ('online', 'offline')),
    region TEXT NOT NULL REFERENCES regions(code),
    venue TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    organiser TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK (mode = 'online' OR venue <> '')
);
CREATE INDEX recruitment_events_starts ON recruitment_events(starts_on);

CREATE TABLE event_enterprises (
    event_id INTEGER NOT NULL REFERENCES recruitment_events(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    joined_at TEXT NOT NULL,
    PRIMARY KEY (event_id, enterprise_id)
);

CREATE TABLE event_postings (
    event_id INTEGER NOT NULL REFERENCES recruitment_events(id),
    posting_id INTEGER NOT NULL REFERENCES postings(id),
    enterprise_id INTEGER NOT NULL,
    PRIMARY KEY (event_id, posting_id),
    FOREIGN KEY (event_id, enterprise_id) REFERENCES event_enterprises(event_id, enterprise_id)
);

CREATE TABLE event_attendees (
    event_id INTEGER NOT NULL REFERENCES recruitment_events(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    registered_at TEXT NOT NULL,
    attended_at TEXT,
    PRIMARY KEY (event_id, person_id)
);

-- An application made at an event counts for it; an interview is remembered even when the
-- application later ends declined.
ALTER TABLE job_applications ADD COLUMN event_id INTEGER REFERENCES recruitment_events(id);
ALTER TABLE job_applications ADD COLUMN interviewed_at TEXT;
CREATE INDEX job_applications_event ON job_applications(event_id);

-- When a person first registered as a job seeker (supply in the 求人倍率).
ALTER TABLE job_seekers ADD COLUMN registered_on TEXT;

-- 紧缺工种目录: one published list per quarter, with the figures behind every line.
CREATE TABLE shortage_lists (
    quarter TEXT PRIMARY KEY CHECK (length(quarter) = 6),
    ratio_permille INTEGER NOT NULL,
    min_demand INTEGER NOT NULL,
    source TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL
);

CREATE TABLE shortage_lines (
    quarter TEXT NOT NULL REFERENCES shortage_lists(quarter),
    occupation TEXT NOT NULL REFERENCES occupations(code),
    region TEXT NOT NULL REFERENCES regions(code),
    demand INTEGER NOT NULL CHECK (demand >= 0),
    supply INTEGER NOT NULL CHECK (supply >= 0),
    ratio_permille INTEGER,
    shortage INTEGER NOT NULL CHECK (shortage IN (0, 1)),
    PRIMARY KEY (quarter, occupation, region)
);
