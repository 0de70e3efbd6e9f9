-- Accounts, sessions, API tokens; the audit log becomes a hash chain that nothing can edit.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL CHECK (length(username) BETWEEN 2 AND 40),
    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 50),
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('city_admin', 'county_officer', 'township_officer', 'village_worker',
        'unit_officer', 'employer', 'job_seeker', 'auditor')),
    region_code TEXT REFERENCES regions(code),
    unit TEXT,
    enterprise_id INTEGER REFERENCES enterprises(id),
    person_id INTEGER REFERENCES persons(id),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username),
    CHECK (role NOT IN ('county_officer', 'township_officer', 'village_worker') OR region_code IS NOT NULL),
    CHECK (role <> 'unit_officer' OR unit IS NOT NULL),
    CHECK (role <> 'employer' OR enterprise_id IS NOT NULL),
    CHECK (role <> 'job_seeker' OR person_id IS NOT NULL)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'zh',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);

ALTER TABLE audit_log ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN before_json TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN after_json TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';

-- The chain's head: one row, updated by every append, so appends are serialised.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_id INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
