//! Backups: a consistent copy of a SQLite database taken while it is in use (`VACUUM INTO`),
//! and a fingerprint (row counts per table and the audit chain's head) that proves a restored
//! copy holds the same data. PostgreSQL backups are taken with `pg_dump` by the CLI; the same
//! fingerprint verifies them.

use crate::sql::RowExt;
use crate::{Backend, Store, StoreError};

/// Every table whose rows a backup must carry.
pub const TABLES: &[&str] = &[
    "regions",
    "enterprises",
    "enterprise_headcount",
    "persons",
    "labour_events",
    "households",
    "household_members",
    "audit_log",
    "users",
    "sessions",
    "api_tokens",
    "auth_epoch",
    "audit_head",
    "policy_offers",
    "applications",
    "application_transitions",
    "attachments",
    "budgets",
    "payment_batches",
    "payment_items",
    "welfare_posts",
    "welfare_placements",
    "hte_status",
    "hte_events",
    "zero_households",
    "assistance_cases",
    "case_contacts",
    "stations",
    "station_services",
    "arrears_cases",
    "disputes",
    "wage_survey",
    "occupations",
    "change_seq",
    "postings",
    "job_seekers",
    "job_applications",
    "notifications",
    "outbox",
    "sms_log",
    "gig_slots",
    "gig_signups",
    "gig_transitions",
    "gig_ratings",
    "recruitment_events",
    "event_enterprises",
    "event_postings",
    "event_attendees",
    "shortage_lists",
    "shortage_lines",
    "indicator_values",
    "indicator_runs",
    "surveyed_rates",
    "alerts",
    "alert_notices",
    "task_notes",
    "training_providers",
    "courses",
    "training_classes",
    "trainees",
    "certifications",
    "technical_schools",
    "specialties",
    "skill_designations",
    "skill_villages",
    "apprenticeships",
    "startup_spaces",
    "youth_startups",
    "elite_projects",
    "startup_loans",
    "research_leaves",
    "hr_institutions",
    "hr_clients",
    "service_plans",
    "service_tickets",
    "ticket_placements",
    "ticket_steps",
    "impact_assessments",
    "household_incomes",
    "labour_stations",
    "labour_coordinators",
    "harmonious_awards",
    "economic_series",
    "insurance_roster",
];

/// What a database holds, in brief: rows per table and the audit chain's last hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fingerprint {
    pub rows: Vec<(String, i64)>,
    pub audit_head: String,
}

impl Store {
    /// The fingerprint of this database.
    pub async fn fingerprint(&self) -> Result<Fingerprint, StoreError> {
        let mut tx = self.begin_read().await?;
        let mut rows = Vec::new();
        for t in TABLES {
            // Table names come from the constant above, never from input.
            let n = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) AS n FROM {t}"
            )))
            .fetch_one(&mut *tx)
            .await?
            .int("n")?;
            rows.push(((*t).to_string(), n));
        }
        let audit_head = sqlx::query("SELECT last_hash FROM audit_head WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.text("last_hash"))
            .transpose()?
            .unwrap_or_default();
        tx.commit().await?;
        Ok(Fingerprint { rows, audit_head })
    }

    /// Write a consistent copy of a SQLite database to `dest` (which must not exist), while
    /// the database stays in use.
    pub async fn backup_sqlite(&self, dest: &str) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Config(
                "PostgreSQL 数据库请用 pg_dump 备份(leye backup 会自动调用)".into(),
            ));
        }
        if std::path::Path::new(dest).exists() {
            return Err(StoreError::Config(format!("备份文件已存在: {dest}")));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(dest)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
