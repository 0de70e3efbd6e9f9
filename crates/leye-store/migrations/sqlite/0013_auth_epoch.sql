-- A counter every sign-out, disabled account, password change and revoked token moves on,
-- in the same transaction. A server that remembers who a session cookie or an API token
-- belongs to reads it a few times a second and forgets what it remembered when it moved:
-- one cheap read instead of a session lookup per request, and an ended session ends on
-- every server within a fraction of a second (leye-web's `Callers`).
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, epoch) VALUES (1, 0);
