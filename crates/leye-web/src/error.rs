//! API errors: `{code, message, field?}` with the right 4xx status and a Chinese message,
//! and the extractors that turn every malformed request into one of them (never a 500).

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use leye_domain::FieldError;
use leye_store::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The JSON body of every error.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine code, e.g. `invalid_id_number`, `duplicate`, `not_found`.
    pub code: String,
    /// Chinese message for the person using the system.
    pub message: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answered to an API caller.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                code: code.into(),
                message: message.into(),
                field: None,
            },
        }
    }
    pub fn with_field(mut self, field: &str) -> Self {
        if !field.is_empty() {
            self.body.field = Some(field.to_string());
        }
        self
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what}不存在或不在您的数据范围内"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        let field = e.field.clone();
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code, e.message).with_field(&field)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity } => ApiError::not_found(entity),
            // Outside the caller's area: the very answer a missing id gets, so that ids
            // cannot be probed for existence (logged, to notice someone walking the ids).
            StoreError::OutOfScope { entity } => {
                tracing::warn!(entity, "record outside the caller's scope requested");
                ApiError::not_found(entity)
            }
            StoreError::Duplicate { field, message } => {
                ApiError::new(StatusCode::CONFLICT, "duplicate", message).with_field(field)
            }
            StoreError::Invalid(f) => f.into(),
            StoreError::Forbidden(region) => ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("无权在“{region}”登记或修改数据"),
            ),
            StoreError::Db(
                e @ (leye_store::DbError::PoolTimedOut
                | leye_store::DbError::PoolClosed
                | leye_store::DbError::Io(_)
                | leye_store::DbError::Tls(_)),
            ) => {
                // The database cannot be reached: say so, and that it is temporary (the pool
                // reconnects by itself once the database is back).
                tracing::error!(error = %e, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "数据库暂时无法连接,请稍后重试;已输入的内容不会丢失,刷新页面即可重新提交",
                )
            }
            other => {
                // Not caused by input: log the detail, show a plain message.
                tracing::error!(error = %other, "store error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "系统内部错误,请稍后重试",
                )
            }
        }
    }
}

/// Parameter files are embedded and checked by tests, so this is never the caller's fault.
impl From<leye_policy::PolicyError> for ApiError {
    fn from(e: leye_policy::PolicyError) -> Self {
        tracing::error!(error = %e, "policy parameters");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "policy_parameters",
            format!("政策参数有误: {e}"),
        )
    }
}

impl From<leye_apply::ApplyError> for ApiError {
    fn from(e: leye_apply::ApplyError) -> Self {
        use leye_apply::ApplyError as E;
        match e {
            E::Store(s) | E::Io(leye_io::IoError::Store(s)) => s.into(),
            E::Field(f) => f.into(),
            E::Rows(_) | E::Io(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_file", e.to_string())
                    .with_field("file")
            }
            E::Policy(p) => p.into(),
        }
    }
}

impl From<leye_help::HelpError> for ApiError {
    fn from(e: leye_help::HelpError) -> Self {
        use leye_help::HelpError as E;
        match e {
            E::Store(s) => s.into(),
            E::Field(f) => f.into(),
            E::Policy(p) => p.into(),
        }
    }
}

impl From<leye_rights::RightsError> for ApiError {
    fn from(e: leye_rights::RightsError) -> Self {
        match e {
            leye_rights::RightsError::Store(s) => s.into(),
            leye_rights::RightsError::Field(f) => f.into(),
            leye_rights::RightsError::Policy(p) => p.into(),
        }
    }
}

impl From<leye_skills::SkillsError> for ApiError {
    fn from(e: leye_skills::SkillsError) -> Self {
        use leye_skills::SkillsError as E;
        match e {
            E::Store(s) => s.into(),
            E::Field(f) => f.into(),
            E::Policy(p) => p.into(),
            E::Fields(errors) => crate::api::market::fields_error(errors),
        }
    }
}

impl From<leye_monitor::MonitorError> for ApiError {
    fn from(e: leye_monitor::MonitorError) -> Self {
        use leye_monitor::MonitorError as E;
        match e {
            E::Store(s) => s.into(),
            E::Policy(p) => p.into(),
            E::Invalid { field, message } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
                    .with_field(field)
            }
            E::Data(why) | E::Report(why) => {
                tracing::error!(%why, "monitoring");
                ApiError::new(
                    StatusCode::CONFLICT,
                    "invalid_data",
                    format!("监测数据有误:{why}"),
                )
            }
        }
    }
}

impl From<leye_jobs::JobsError> for ApiError {
    fn from(e: leye_jobs::JobsError) -> Self {
        match e {
            leye_jobs::JobsError::Store(s) => s.into(),
            leye_jobs::JobsError::Policy(p) => p.into(),
            leye_jobs::JobsError::Fields(mut f) if !f.is_empty() => f.swap_remove(0).into(),
            leye_jobs::JobsError::Fields(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "输入有误")
            }
            leye_jobs::JobsError::Data(why) => {
                tracing::error!(%why, "job-market data");
                ApiError::new(
                    StatusCode::CONFLICT,
                    "invalid_data",
                    format!("数据有误:{why}"),
                )
            }
            leye_jobs::JobsError::Index(why) => {
                tracing::error!(%why, "search index");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "search_unavailable",
                    "岗位检索暂时不可用,请稍后再试",
                )
            }
        }
    }
}

/// A JSON body whose every failure is a specific Chinese 4xx.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "请求内容过大或无法读取",
                )
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parse JSON, naming the field at fault in Chinese: not JSON at all is a 400, a wrong field
/// a 422 (the mapping is `leye_domain::json`, shared with the CLI).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    leye_domain::json::parse(bytes).map_err(|e| {
        let status = if e.code == "malformed_json" {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        ApiError::new(status, e.code, e.message).with_field(&e.field)
    })
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// Query-string parameters whose failures are Chinese 400s.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q).map(ApiQuery).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("查询参数不正确: {}", zh_query_error(&e.to_string())),
            )
        })
    }
}

fn zh_query_error(msg: &str) -> String {
    if let Some(f) = between(msg, "unknown field `", "`") {
        format!("不认识的参数{f}")
    } else if msg.contains("invalid digit")
        || msg.contains("invalid type")
        || msg.contains("number")
    {
        "应为整数的参数不是整数".to_string()
    } else {
        "参数格式不正确".to_string()
    }
}

/// A numeric record id from the path; anything else is a 400, never a 500.
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw): axum::extract::Path<String> =
            axum::extract::Path::from_request_parts(parts, state)
                .await
                .map_err(|_| {
                    ApiError::new(StatusCode::BAD_REQUEST, "invalid_id", "路径中的编号无效")
                })?;
        raw.parse::<i64>()
            .ok()
            .filter(|i| *i > 0)
            .map(IdPath)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_id",
                    format!("编号“{raw}”无效,应为正整数"),
                )
            })
    }
}

/// A failed commit (the store re-exports the driver's error type for it).
impl From<leye_store::DbError> for ApiError {
    fn from(e: leye_store::DbError) -> Self {
        StoreError::from(e).into()
    }
}

/// Check an optional code filter against a coded enum's parser.
pub fn code_filter<T>(
    field: &str,
    label: &str,
    raw: &Option<String>,
    parse: impl Fn(&str, &str, &str) -> Result<T, FieldError>,
) -> Result<Option<T>, ApiError> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse(field, label, s).map(Some).map_err(|e| {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.message).with_field(field)
        }),
    }
}

/// Check an optional region filter.
pub fn region_filter(field: &str, raw: &Option<String>) -> Result<Option<String>, ApiError> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => leye_domain::Regions::huzhou()
            .code(s)
            .map(|c| Some(c.as_str().to_string()))
            .map_err(|e| {
                ApiError::new(StatusCode::BAD_REQUEST, "unknown_region", e.to_string())
                    .with_field(field)
            }),
    }
}
