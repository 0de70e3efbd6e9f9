//! The caller's own account, and the audit log (auditors).

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiQuery, ErrorBody};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Who the caller is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_label: String,
    pub region_code: Option<String>,
    pub unit: Option<String>,
    pub enterprise_id: Option<i64>,
    pub person_id: Option<i64>,
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "system", responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(caller: Caller) -> Json<Me> {
    let u = caller.user;
    Json(Me {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        role: u.role,
        role_label: caller.role.label_zh().into(),
        region_code: u.region_code,
        unit: u.unit,
        enterprise_id: u.enterprise_id,
        person_id: u.person_id,
    })
}

/// Audit-log search.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Part of the actor's name
    pub actor: Option<String>,
    /// create, update, reveal, login, login_failed, ...
    pub action: Option<String>,
    /// person, household, enterprise, user
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    /// From date YYYY-MM-DD
    pub from: Option<String>,
    /// To date YYYY-MM-DD
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl AuditQuery {
    pub fn filter(&self) -> Result<leye_store::AuditFilter, ApiError> {
        for (field, v) in [("from", &self.from), ("to", &self.to)] {
            leye_domain::person::optional_date(field, "日期", v.as_deref()).map_err(|e| {
                ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "invalid_query",
                    e.message,
                )
                .with_field(field)
            })?;
        }
        Ok(leye_store::AuditFilter {
            actor: self.actor.clone(),
            action: self.action.clone(),
            entity: self.entity.clone(),
            entity_id: self.entity_id,
            from: self.from.clone(),
            to: self.to.clone(),
        })
    }
}

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
    pub before_json: String,
    pub after_json: String,
    pub hash: String,
}

impl From<&leye_store::AuditEntry> for AuditView {
    fn from(e: &leye_store::AuditEntry) -> Self {
        Self {
            id: e.id,
            at: e.at.clone(),
            actor: e.actor.clone(),
            ip: e.ip.clone(),
            action: e.action.clone(),
            entity: e.entity.clone(),
            entity_id: e.entity_id,
            detail: e.detail.clone(),
            before_json: e.before_json.clone(),
            after_json: e.after_json.clone(),
            hash: e.hash.clone(),
        }
    }
}

/// Search the audit log (auditor role), newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "system", params(AuditQuery),
    responses((status = 200, body = crate::views::Page<AuditView>), (status = 403, body = ErrorBody)))]
pub async fn audit(
    State(app): State<AppState>,
    _caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<crate::views::Page<AuditView>>, ApiError> {
    let f = q.filter()?;
    let mut tx = app.store.begin().await?;
    let page =
        leye_store::search_audit(&mut tx, &f, leye_store::Paging::new(q.page, q.per_page)).await?;
    tx.commit().await?;
    Ok(Json(crate::views::Page::from_store(&page)))
}
