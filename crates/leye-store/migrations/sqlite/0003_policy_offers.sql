-- 免申即享 offers: who the population sweep found entitled and who has not applied or been paid.
-- One row per (measure, subject); a new sweep refreshes open rows and withdraws open rows that
-- no longer hold. Rows that moved on (applied, paid, dismissed) are left alone.
CREATE TABLE policy_offers (
    id INTEGER PRIMARY KEY,
    measure TEXT NOT NULL,
    clause TEXT NOT NULL,
    subject TEXT NOT NULL,
    person_id INTEGER REFERENCES persons(id),
    enterprise_id INTEGER REFERENCES enterprises(id),
    region TEXT NOT NULL REFERENCES regions(code),
    amount_fen INTEGER CHECK (amount_fen IS NULL OR amount_fen >= 0),
    period_start TEXT,
    period_end TEXT,
    explanation TEXT NOT NULL,
    swept_on TEXT NOT NULL,
    run_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'applied', 'paid', 'dismissed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT policy_offers_key UNIQUE (measure, subject),
    CHECK (person_id IS NOT NULL OR enterprise_id IS NOT NULL)
);
CREATE INDEX policy_offers_region ON policy_offers(region, measure);
