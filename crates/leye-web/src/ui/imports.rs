//! 批量导入: the import page. Each entity the caller may write has its template to download
//! and a form to upload a CSV or Excel file; the result page shows what was written and
//! every bad row (row, column, value, reason), with the whole report to download.

use super::{Nav, UiError, render};
use crate::AppState;
use crate::access::Caller;
use crate::error::ApiError;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use leye_domain::access::Permission;
use leye_io::{Entity, ImportOptions, ImportReport};

/// Largest file accepted (a 1,000,000-row CSV of persons is about 80 MB).
const MAX_FILE: usize = 200 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/imports", get(page))
        .route("/imports/{entity}/template.xlsx", get(template))
        // One route per entity, so that the access table names each one's permission.
        .route(
            "/imports/persons",
            post(upload).layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route(
            "/imports/households",
            post(upload).layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route(
            "/imports/enterprises",
            post(upload).layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route(
            "/imports/headcount",
            post(upload).layer(DefaultBodyLimit::max(MAX_FILE)),
        )
}

/// The permission that writes an entity.
pub fn permission(e: Entity) -> Permission {
    match e {
        Entity::Persons => Permission::PersonWrite,
        Entity::Households => Permission::HouseholdWrite,
        Entity::Enterprises | Entity::Headcount => Permission::EnterpriseWrite,
    }
}

/// One entity on the page.
pub struct EntityRow {
    pub code: &'static str,
    pub label: &'static str,
    pub columns: String,
    pub key: &'static str,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ImportsPage {
    nav: Nav,
    entities: Vec<EntityRow>,
}

fn key_of(e: Entity) -> &'static str {
    match e {
        Entity::Persons => "按身份证号更新",
        Entity::Households => "每行一名成员,按户主身份证号归户;成员须已登记为人员",
        Entity::Enterprises => "按统一社会信用代码更新",
        Entity::Headcount => "按信用代码与月份更新;企业须已登记",
    }
}

fn allowed(caller: &Caller) -> Vec<Entity> {
    Entity::ALL
        .iter()
        .copied()
        .filter(|e| caller.may(permission(*e)))
        .collect()
}

async fn page(caller: Caller) -> Result<Response, UiError> {
    let entities = allowed(&caller)
        .into_iter()
        .map(|e| EntityRow {
            code: e.code(),
            label: e.label_zh(),
            columns: e
                .columns()
                .iter()
                .map(|c| {
                    if c.required {
                        format!("{}*", c.header)
                    } else {
                        c.header.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("、"),
            key: key_of(e),
        })
        .collect();
    render(ImportsPage {
        nav: Nav::of(&caller),
        entities,
    })
}

fn entity_of(code: &str) -> Result<Entity, UiError> {
    Ok(Entity::from_code(code)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这种导入"))?)
}

/// The entity of an upload route; the access table has already checked the permission, this
/// checks it again (an access decision defaults to no).
fn upload_entity(caller: &Caller, uri: &axum::http::Uri) -> Result<Entity, UiError> {
    let e = entity_of(uri.path().rsplit('/').next().unwrap_or(""))?;
    if !caller.may(permission(e)) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("您的角色不能导入{}", e.label_zh()),
        )
        .into());
    }
    Ok(e)
}

/// A template is no secret: any signed-in user may download it.
async fn template(Path(entity): Path<String>) -> Result<Response, UiError> {
    let e = entity_of(&entity)?;
    let bytes = e.template().map_err(io_error)?;
    Ok(xlsx_response(
        &format!("{}导入模板.xlsx", e.label_zh()),
        bytes,
    ))
}

/// Percent-encode every byte but unreserved ASCII.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An XLSX download (the file name in RFC 5987 form, so that Chinese names survive).
pub fn xlsx_response(name: &str, bytes: Vec<u8>) -> Response {
    let encoded = percent(name);
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub(crate) fn io_error(e: leye_io::IoError) -> UiError {
    match e {
        leye_io::IoError::Store(s) => UiError(s.into()),
        leye_io::IoError::Xlsx(_) => UiError(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "生成Excel文件失败",
        )),
        other => UiError(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_file",
            other.to_string(),
        )),
    }
}

#[derive(Template)]
#[template(path = "import_result.html")]
struct ResultPage {
    nav: Nav,
    label: &'static str,
    file: String,
    report: ImportReport,
    /// The first 200 errors (the report link has them all).
    errors: Vec<leye_io::RowError>,
    /// The whole report as a `data:` link (nothing is kept on the server).
    report_href: String,
    /// Where "back" goes.
    back: String,
}

/// The file of an upload form (`file`) and whether to skip bad rows (`skip_invalid`).
pub(crate) async fn read_upload(mut form: Multipart) -> Result<(String, Vec<u8>, bool), UiError> {
    let bad = |m: &str| {
        UiError(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_file",
            m,
        ))
    };
    let (mut file, mut bytes, mut skip_invalid) = (String::new(), Vec::new(), false);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| bad("上传中断或文件过大(最大200MB),请重试"))?
    {
        match field.name() {
            Some("file") => {
                file = field.file_name().unwrap_or("上传文件").to_string();
                bytes = field
                    .bytes()
                    .await
                    .map_err(|_| bad("上传中断或文件过大(最大200MB),请重试"))?
                    .to_vec();
            }
            Some("skip_invalid") => skip_invalid = true,
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Err(bad("请选择要导入的CSV或Excel文件"));
    }
    Ok((file, bytes, skip_invalid))
}

/// The result page of an import, with a link back to `back`.
pub(crate) fn result_page(
    caller: &Caller,
    label: &'static str,
    file: String,
    report: ImportReport,
    back: &str,
) -> Result<Response, UiError> {
    let report_href = format!("data:text/csv;charset=utf-8,{}", percent(&report.to_csv()));
    render(ResultPage {
        nav: Nav::of(caller),
        label,
        file,
        errors: report.errors.iter().take(200).cloned().collect(),
        report,
        report_href,
        back: back.to_string(),
    })
}

async fn upload(
    State(app): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    form: Multipart,
) -> Result<Response, UiError> {
    let e = upload_entity(&caller, &uri)?;
    let (file, bytes, skip_invalid) = read_upload(form).await?;
    let report = e
        .import(
            &app.store,
            &caller.scope,
            &caller.actor,
            (&file, &bytes),
            ImportOptions { skip_invalid },
            chrono::Utc::now(),
        )
        .await
        .map_err(io_error)?;
    if report.created + report.updated > 0 && matches!(e, Entity::Persons | Entity::Households) {
        // A bulk change of people or households: re-decide the help lists.
        leye_help::refresh_all(
            &app.store,
            app.clock.today(),
            &caller.actor,
            app.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
    }
    result_page(&caller, e.label_zh(), file, report, "/imports")
}
