-- Applications (申请), their append-only transition log, attachments, budgets, payment batches
-- and items, and public-welfare posts with their placements. The rules the code checks are
-- also constraints here, so that no code path (or hand-written SQL) can break them:
-- * four eyes: the reviewer is not the submitter; the decider is neither (CHECKs);
-- * once-only measures: `once_key` is set on approval and unique;
-- * one live application per measure, subject and period: `live_key` unique;
-- * budgets never overspent: `committed_fen <= amount_fen`;
-- * an application is paid at most once: one live payment item per application (`live_key`),
--   idempotency keys unique;
-- * placements: at most two per person, never overlapping (triggers).

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    measure TEXT NOT NULL,
    clause TEXT NOT NULL,
    subject TEXT NOT NULL,
    person_id INTEGER REFERENCES persons(id),
    enterprise_id INTEGER REFERENCES enterprises(id),
    region TEXT NOT NULL REFERENCES regions(code),
    district TEXT NOT NULL REFERENCES regions(code),
    fund TEXT NOT NULL CHECK (fund IN ('unemployment_insurance', 'fiscal')),
    budget_year INTEGER NOT NULL,
    offer_id INTEGER REFERENCES policy_offers(id),
    channel TEXT NOT NULL CHECK (channel IN ('self', 'officer', 'offer', 'system')),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'under_review', 'approved', 'rejected', 'returned', 'paid')),
    state_since TEXT NOT NULL,
    due_on TEXT,
    decision_status TEXT NOT NULL CHECK (decision_status IN ('eligible', 'not_eligible', 'cannot_decide')),
    decided_on TEXT NOT NULL,
    amount_fen INTEGER CHECK (amount_fen IS NULL OR amount_fen >= 0),
    period_start TEXT,
    period_end TEXT,
    decision_json TEXT NOT NULL,
    payee_name TEXT NOT NULL,
    payee_account TEXT NOT NULL,
    submitted_by INTEGER REFERENCES users(id),
    reviewed_by INTEGER REFERENCES users(id),
    decided_by INTEGER REFERENCES users(id),
    reject_reason TEXT,
    live_key TEXT UNIQUE,
    once_key TEXT UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (person_id IS NOT NULL OR enterprise_id IS NOT NULL),
    CHECK (reviewed_by IS NULL OR submitted_by IS NULL OR reviewed_by <> submitted_by),
    CHECK (decided_by IS NULL OR ((submitted_by IS NULL OR decided_by <> submitted_by)
                              AND (reviewed_by IS NULL OR decided_by <> reviewed_by))),
    CHECK (state <> 'rejected' OR reject_reason IS NOT NULL),
    CHECK (state NOT IN ('approved', 'paid') OR decision_status = 'eligible')
);
CREATE INDEX applications_region ON applications(region, state);
CREATE INDEX applications_person ON applications(person_id);
CREATE INDEX applications_state ON applications(state, due_on);

CREATE TABLE application_transitions (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    from_state TEXT,
    to_state TEXT NOT NULL,
    action TEXT NOT NULL,
    by_user INTEGER REFERENCES users(id),
    by_name TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_transitions_app ON application_transitions(application_id, id);
CREATE TRIGGER application_transitions_no_update BEFORE UPDATE ON application_transitions
BEGIN SELECT RAISE(ABORT, 'application_transitions is append-only'); END;
CREATE TRIGGER application_transitions_no_delete BEFORE DELETE ON application_transitions
BEGIN SELECT RAISE(ABORT, 'application_transitions is append-only'); END;

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CHECK (kind IN ('pdf', 'jpeg', 'png')),
    size INTEGER NOT NULL CHECK (size > 0 AND size <= 10485760),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    UNIQUE (application_id, sha256)
);

CREATE TABLE budgets (
    id INTEGER PRIMARY KEY,
    measure TEXT NOT NULL,
    district TEXT NOT NULL REFERENCES regions(code),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    committed_fen INTEGER NOT NULL DEFAULT 0 CHECK (committed_fen >= 0),
    updated_at TEXT NOT NULL,
    CHECK (committed_fen <= amount_fen),
    UNIQUE (measure, district, year)
);

CREATE TABLE payment_batches (
    id INTEGER PRIMARY KEY,
    fund TEXT NOT NULL CHECK (fund IN ('unemployment_insurance', 'fiscal')),
    state TEXT NOT NULL CHECK (state IN ('sent', 'reconciled')),
    items INTEGER NOT NULL CHECK (items > 0),
    total_fen INTEGER NOT NULL CHECK (total_fen > 0),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    reconciled_at TEXT
);

CREATE TABLE payment_items (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES payment_batches(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    attempt INTEGER NOT NULL CHECK (attempt >= 1),
    idem_key TEXT NOT NULL UNIQUE,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    payee_name TEXT NOT NULL,
    payee_account TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'failed')),
    live_key INTEGER UNIQUE,
    bank_ref TEXT,
    fail_reason TEXT,
    settled_at TEXT,
    UNIQUE (application_id, attempt),
    CHECK ((state = 'failed' AND live_key IS NULL) OR (state <> 'failed' AND live_key = application_id)),
    CHECK (state <> 'failed' OR fail_reason IS NOT NULL)
);
CREATE INDEX payment_items_batch ON payment_items(batch_id);

CREATE TABLE welfare_posts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    region TEXT NOT NULL REFERENCES regions(code),
    full_time INTEGER NOT NULL CHECK (full_time IN (0, 1)),
    monthly_pay_fen INTEGER NOT NULL CHECK (monthly_pay_fen > 0),
    payee_account TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE welfare_placements (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES welfare_posts(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    placement_no INTEGER NOT NULL CHECK (placement_no IN (1, 2)),
    start_on TEXT NOT NULL,
    subsidy_end TEXT NOT NULL,
    ended_on TEXT,
    decision_json TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (subsidy_end >= start_on),
    CHECK (ended_on IS NULL OR ended_on >= start_on),
    UNIQUE (person_id, placement_no)
);
CREATE TRIGGER welfare_placements_no_overlap BEFORE INSERT ON welfare_placements
WHEN EXISTS (SELECT 1 FROM welfare_placements w WHERE w.person_id = NEW.person_id
             AND w.start_on <= COALESCE(NEW.ended_on, NEW.subsidy_end)
             AND NEW.start_on <= COALESCE(w.ended_on, w.subsidy_end))
BEGIN SELECT RAISE(ABORT, 'welfare_placements overlap'); END;
