//! Regions (行政区划) of the catalogue.

use crate::error::{ApiError, ApiQuery};
use axum::Json;
use axum::extract::Path;
use leye_domain::Regions;
use leye_domain::region::RegionLevel;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A region as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionView {
    pub code: String,
    pub name: String,
    pub full_name: String,
    /// city, county, township, village
    pub level: String,
    pub level_label: String,
    pub kind: String,
    pub parent: Option<String>,
    /// Management zones (功能区) this region also belongs to: NTH 南太湖新区, CHQ 长合区
    pub zones: Vec<String>,
    pub lon: f64,
    pub lat: f64,
    /// Illustrative (demo) data, not an official list
    pub demo: bool,
    pub source: String,
}

pub fn view(r: &leye_domain::Region) -> RegionView {
    let level = match r.level {
        RegionLevel::City => "city",
        RegionLevel::County => "county",
        RegionLevel::Township => "township",
        RegionLevel::Village => "village",
    };
    RegionView {
        code: r.code.clone(),
        name: r.name.clone(),
        full_name: Regions::huzhou().full_name(&r.code),
        level: level.into(),
        level_label: r.level.label_zh().into(),
        kind: r.kind.clone(),
        parent: r.parent.clone(),
        zones: r.zones.clone(),
        lon: r.lon,
        lat: r.lat,
        demo: r.demo,
        source: r.source.clone(),
    }
}

/// Region filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RegionQuery {
    /// Only the direct children of this code
    pub parent: Option<String>,
    /// Only regions of this management zone (NTH, CHQ)
    pub zone: Option<String>,
}

/// List regions.
#[utoipa::path(get, path = "/api/v1/regions", tag = "regions", params(RegionQuery),
    responses((status = 200, body = Vec<RegionView>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(ApiQuery(q): ApiQuery<RegionQuery>) -> Result<Json<Vec<RegionView>>, ApiError> {
    let r = Regions::huzhou();
    let items: Vec<RegionView> = match (&q.parent, &q.zone) {
        (Some(p), _) => {
            if r.get(p).is_none() {
                return Err(ApiError::from(leye_domain::FieldError::new(
                    "parent",
                    "unknown_region",
                    format!("行政区划代码{p}不存在"),
                )));
            }
            r.children(p).map(view).collect()
        }
        (None, Some(z)) => r.in_zone(z).map(view).collect(),
        (None, None) => r.all().map(view).collect(),
    };
    Ok(Json(items))
}

/// One region.
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "regions",
    params(("code" = String, Path, description = "6, 9 or 12-digit code")),
    responses((status = 200, body = RegionView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_one(Path(code): Path<String>) -> Result<Json<RegionView>, ApiError> {
    Regions::huzhou()
        .get(&code)
        .map(|r| Json(view(r)))
        .ok_or_else(|| ApiError::not_found("行政区划"))
}
