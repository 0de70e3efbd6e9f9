-- Monitoring (issue 11): computed indicator figures, the imported surveyed unemployment rate,
-- early-warning alerts with the notices they sent, and progress notes on the plan's tasks.

-- 减员原因: why a month's headcount fell (closure, suspension, layoff, other), when reported.
ALTER TABLE enterprise_headcount ADD COLUMN loss_cause TEXT
    CHECK (loss_cause IS NULL OR loss_cause IN ('closure', 'suspension', 'layoff', 'other'));

-- Maintained aggregates: one row per indicator, region (township, county, zone or city) and
-- month; a refresh replaces the months it computed, in one transaction.
CREATE TABLE indicator_values (
    indicator TEXT NOT NULL,
    region TEXT NOT NULL,
    month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    num INTEGER NOT NULL,
    den INTEGER NOT NULL,
    PRIMARY KEY (indicator, region, month)
);
-- The dashboard and reports read a few regions over a few months.
CREATE INDEX indicator_values_region ON indicator_values(region, month);

CREATE TABLE indicator_runs (
    id INTEGER PRIMARY KEY,
    from_month TEXT NOT NULL,
    to_month TEXT NOT NULL,
    figures INTEGER NOT NULL,
    events INTEGER NOT NULL,
    millis INTEGER NOT NULL,
    computed_at TEXT NOT NULL,
    computed_by TEXT NOT NULL
);

-- 城镇调查失业率: an input series from the statistics office (basis points).
CREATE TABLE surveyed_rates (
    month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    region TEXT NOT NULL REFERENCES regions(code),
    rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    source TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    PRIMARY KEY (month, region)
);

-- 预警: raised once per key (rule + subject + period), acknowledged, then resolved.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL CHECK (rule IN ('layoff', 'surveyed_rate', 'job_ratio', 'zero_overdue', 'target_short')),
    key TEXT NOT NULL UNIQUE,
    severity TEXT NOT NULL CHECK (severity IN ('red', 'orange', 'yellow')),
    region TEXT NOT NULL,
    owner TEXT NOT NULL,
    month TEXT NOT NULL,
    title TEXT NOT NULL,
    detail TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
    raised_at TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    resolved_at TEXT,
    resolved_by TEXT,
    resolution TEXT,
    CHECK ((state = 'open') = (acknowledged_at IS NULL)),
    CHECK ((state = 'resolved') = (resolved_at IS NOT NULL)),
    CHECK (state <> 'resolved' OR length(resolution) > 0)
);
CREATE INDEX alerts_state ON alerts(state, raised_at);

-- 站内通知: the outbox worker writes one notice per user who should see an alert.
CREATE TABLE alert_notices (
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    read_at TEXT,
    PRIMARY KEY (alert_id, user_id)
);
CREATE INDEX alert_notices_user ON alert_notices(user_id, read_at);

-- 督查: progress notes on the plan's tasks, by the responsible units (append-only).
CREATE TABLE task_notes (
    id INTEGER PRIMARY KEY,
    clause TEXT NOT NULL,
    unit TEXT NOT NULL,
    on_date TEXT NOT NULL,
    progress INTEGER CHECK (progress IS NULL OR progress BETWEEN 0 AND 100),
    note TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
    by_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX task_notes_clause ON task_notes(clause, id);
CREATE TRIGGER task_notes_no_update BEFORE UPDATE ON task_notes
BEGIN SELECT RAISE(ABORT, 'task_notes is append-only'); END;
CREATE TRIGGER task_notes_no_delete BEFORE DELETE ON task_notes
BEGIN SELECT RAISE(ABORT, 'task_notes is append-only'); END;

-- The outbox also carries alerts. SQLite cannot change a CHECK: the table is rebuilt.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('push_posting', 'sms', 'alert')),
    key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    done_at TEXT,
    last_error TEXT
);
INSERT INTO outbox_new (id, kind, key, payload, created_at, attempts, done_at, last_error)
    SELECT id, kind, key, payload, created_at, attempts, done_at, last_error FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(done_at, id);
