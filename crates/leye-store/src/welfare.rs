//! Public-welfare posts (公益性岗位) and placements of hard-to-employ people on them. The cap
//! of two placements and "never two at once" are constraints (migration 0004).

use crate::sql::{Arg, RowExt, Where, ensure_covers, q, ts};
use crate::{Actor, StoreError, Tx, audit};
use leye_domain::{FieldError, Regions, Scope};

/// A new post.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub name: String,
    pub enterprise_id: i64,
    /// The community or village where the post is
    pub region: String,
    pub full_time: bool,
    pub monthly_pay_fen: i64,
    /// The unit's account the monthly subsidies are paid to
    pub payee_account: String,
}

/// A stored post.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PostRecord {
    pub id: i64,
    pub name: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub region: String,
    pub full_time: bool,
    pub monthly_pay_fen: i64,
    /// Masked
    pub payee_account: String,
    /// People placed now
    pub occupied: i64,
}

/// A placement with its post and person.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlacementRecord {
    pub id: i64,
    pub post_id: i64,
    pub post_name: String,
    pub enterprise_name: String,
    pub region: String,
    pub person_id: i64,
    pub person_name: String,
    pub placement_no: i64,
    pub start_on: String,
    pub subsidy_end: String,
    pub ended_on: Option<String>,
    #[serde(skip)]
    pub decision_json: String,
}

/// A new placement, decided by the caller.
#[derive(Debug, Clone)]
pub struct NewPlacement {
    pub post_id: i64,
    pub person_id: i64,
    pub placement_no: i64,
    pub start_on: String,
    pub subsidy_end: String,
    pub decision_json: String,
}

const POST_COLS: &str = "w.id, w.name, w.enterprise_id, e.name AS enterprise_name, w.region, w.full_time, \
    w.monthly_pay_fen, w.payee_account, (SELECT COUNT(*) FROM welfare_placements x WHERE x.post_id = w.id AND x.ended_on IS NULL) AS occupied";

fn post_from_row(r: &sqlx::any::AnyRow) -> Result<PostRecord, sqlx::Error> {
    Ok(PostRecord {
        id: r.int("id")?,
        name: r.text("name")?,
        enterprise_id: r.int("enterprise_id")?,
        enterprise_name: r.text("enterprise_name")?,
        region: r.text("region")?,
        full_time: r.flag("full_time")?,
        monthly_pay_fen: r.int("monthly_pay_fen")?,
        payee_account: crate::mask_account(&r.text("payee_account")?),
        occupied: r.int("occupied")?,
    })
}

const PLACEMENT_COLS: &str = "x.id, x.post_id, w.name AS post_name, e.name AS enterprise_name, w.region, \
    x.person_id, p.name AS person_name, x.placement_no, x.start_on, x.subsidy_end, x.ended_on, x.decision_json";
const PLACEMENT_FROM: &str = "welfare_placements x JOIN welfare_posts w ON w.id = x.post_id \
    JOIN enterprises e ON e.id = w.enterprise_id JOIN persons p ON p.id = x.person_id";

fn placement_from_row(r: &sqlx::any::AnyRow) -> Result<PlacementRecord, sqlx::Error> {
    Ok(PlacementRecord {
        id: r.int("id")?,
        post_id: r.int("post_id")?,
        post_name: r.text("post_name")?,
        enterprise_name: r.text("enterprise_name")?,
        region: r.text("region")?,
        person_id: r.int("person_id")?,
        person_name: r.text("person_name")?,
        placement_no: r.int("placement_no")?,
        start_on: r.text("start_on")?,
        subsidy_end: r.text("subsidy_end")?,
        ended_on: r.opt_text("ended_on")?,
        decision_json: r.text("decision_json")?,
    })
}

fn region_scope(scope: &Scope, col: &str) -> Where {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        col,
        None,
        Some("w.enterprise_id = {}"),
    );
    w
}

/// Create a post.
pub async fn create_post(
    tx: &mut Tx,
    scope: &Scope,
    p: &NewPost,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    ensure_covers(scope, &p.region)?;
    let id = sqlx::query(
        "INSERT INTO welfare_posts (name, enterprise_id, region, full_time, monthly_pay_fen, payee_account, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&p.name)
    .bind(p.enterprise_id)
    .bind(&p.region)
    .bind(i64::from(p.full_time))
    .bind(p.monthly_pay_fen)
    .bind(&p.payee_account)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "welfare_post_create",
        "welfare_posts",
        id,
        &p.name,
    )
    .await?;
    Ok(id)
}

/// Posts in scope.
pub async fn list_posts(tx: &mut Tx, scope: &Scope) -> Result<Vec<PostRecord>, StoreError> {
    let w = region_scope(scope, "w.region");
    let sql = format!(
        "SELECT {POST_COLS} FROM welfare_posts w JOIN enterprises e ON e.id = w.enterprise_id{} ORDER BY w.id",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), post_from_row).await
}

/// One post in scope.
pub async fn get_post(tx: &mut Tx, scope: &Scope, id: i64) -> Result<PostRecord, StoreError> {
    let mut w = region_scope(scope, "w.region");
    w.and(Arg::Int(id), |ph| format!("w.id = {ph}"));
    let sql = format!(
        "SELECT {POST_COLS} FROM welfare_posts w JOIN enterprises e ON e.id = w.enterprise_id{}",
        w.sql()
    );
    match q(sql, &w.args).fetch_optional(&mut **tx).await? {
        Some(r) => Ok(post_from_row(&r)?),
        None => Err(StoreError::NotFound {
            entity: "公益性岗位",
        }),
    }
}

/// Placements of one person, oldest first (all of them: the cap counts every placement).
pub async fn placements_of_person(
    tx: &mut Tx,
    person_id: i64,
) -> Result<Vec<PlacementRecord>, StoreError> {
    let sql = format!(
        "SELECT {PLACEMENT_COLS} FROM {PLACEMENT_FROM} WHERE x.person_id = $1 ORDER BY x.placement_no"
    );
    crate::sql::all(tx, q(sql, &[Arg::Int(person_id)]), placement_from_row).await
}

/// Record a placement. Overlaps and a third placement are refused by the database too.
pub async fn insert_placement(
    tx: &mut Tx,
    scope: &Scope,
    p: &NewPlacement,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    let post = get_post(tx, scope, p.post_id).await?;
    ensure_covers(scope, &post.region)?;
    let id = sqlx::query(
        "INSERT INTO welfare_placements (post_id, person_id, placement_no, start_on, subsidy_end, decision_json, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(p.post_id)
    .bind(p.person_id)
    .bind(p.placement_no)
    .bind(&p.start_on)
    .bind(&p.subsidy_end)
    .bind(&p.decision_json)
    .bind(&actor.name)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await
    .map_err(placement_error)?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "welfare_placement_create",
        "welfare_placements",
        id,
        &format!(
            "第{}次安置 人员#{} 岗位#{} {}至{}",
            p.placement_no, p.person_id, p.post_id, p.start_on, p.subsidy_end
        ),
    )
    .await?;
    Ok(id)
}

fn placement_error(e: sqlx::Error) -> StoreError {
    let text = e.to_string();
    if text.contains("overlap") {
        return StoreError::Invalid(FieldError::new(
            "start_on",
            "placement_overlap",
            "该人员在此期间已有公益性岗位安置,不能同时安置两个岗位",
        ));
    }
    match StoreError::from(e) {
        StoreError::Duplicate { .. } | StoreError::Invalid(_) => StoreError::Invalid(
            FieldError::new("person_id", "placement_cap", "该人员累计安置已达2次上限"),
        ),
        other => other,
    }
}

/// End a placement (the person left the post).
pub async fn end_placement(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    ended_on: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let p = get_placement(tx, scope, id).await?;
    if ended_on < p.start_on.as_str() {
        return Err(StoreError::Invalid(FieldError::new(
            "ended_on",
            "before_start",
            format!("离岗日期不能早于上岗日期{}", p.start_on),
        )));
    }
    sqlx::query("UPDATE welfare_placements SET ended_on = $2 WHERE id = $1 AND ended_on IS NULL")
        .bind(id)
        .bind(ended_on)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        now,
        actor,
        "welfare_placement_end",
        "welfare_placements",
        id,
        &format!("离岗 {ended_on}"),
    )
    .await
}

/// Placements in scope still running (not ended), by subsidy end date: the alert list.
pub async fn running_placements(
    tx: &mut Tx,
    scope: &Scope,
) -> Result<Vec<PlacementRecord>, StoreError> {
    let mut w = region_scope(scope, "w.region");
    w.and_raw("x.ended_on IS NULL");
    let sql = format!(
        "SELECT {PLACEMENT_COLS} FROM {PLACEMENT_FROM}{} ORDER BY x.subsidy_end, x.id LIMIT 2000",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), placement_from_row).await
}

/// One placement in scope.
pub async fn get_placement(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
) -> Result<PlacementRecord, StoreError> {
    let mut w = region_scope(scope, "w.region");
    w.and(Arg::Int(id), |ph| format!("x.id = {ph}"));
    let sql = format!("SELECT {PLACEMENT_COLS} FROM {PLACEMENT_FROM}{}", w.sql());
    crate::sql::one(tx, q(sql, &w.args), placement_from_row)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "安置记录"
        })
}

/// A placement with what a monthly subsidy needs: the post's terms and the unit's account.
#[derive(Debug, Clone)]
pub struct AccrualRow {
    pub placement: PlacementRecord,
    pub enterprise_id: i64,
    pub full_time: bool,
    pub payee_account: String,
}

/// Placements in scope whose subsidy runs during some of `first..=last`.
pub async fn placements_for_accrual(
    tx: &mut Tx,
    scope: &Scope,
    first: &str,
    last: &str,
) -> Result<Vec<AccrualRow>, StoreError> {
    let mut w = region_scope(scope, "w.region");
    w.and(Arg::Text(last.into()), |ph| format!("x.start_on <= {ph}"));
    w.and(Arg::Text(first.into()), |ph| {
        format!("x.subsidy_end >= {ph} AND (x.ended_on IS NULL OR x.ended_on >= {ph})")
    });
    let sql = format!(
        "SELECT {PLACEMENT_COLS}, w.enterprise_id, w.full_time, w.payee_account FROM {PLACEMENT_FROM}{} ORDER BY x.id",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), |r| {
        Ok::<_, sqlx::Error>(AccrualRow {
            placement: placement_from_row(r)?,
            enterprise_id: r.int("enterprise_id")?,
            full_time: r.flag("full_time")?,
            payee_account: r.text("payee_account")?,
        })
    })
    .await
}
