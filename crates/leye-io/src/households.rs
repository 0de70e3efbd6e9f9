//! Households (家庭户) as officials list them: one row per member, with the head's ID number
//! on every row (the household's key) and the household's own facts on the head's row.
//! Members must already be registered as persons. A household is created, or its members and
//! facts replaced, through the store's audited writes; a re-import changes nothing.

use crate::sheet::{self, Column, Mapped, Written, label_or_code};
use crate::table::Row;
use crate::{ImportOptions, ImportReport, IoError, RowError};
use chrono::{DateTime, NaiveDate, Utc};
use leye_domain::cells;
use leye_domain::field::FieldError;
use leye_domain::household::{HouseholdFacts, HouseholdInput, IncomeBand, MemberInput, Relation};
use leye_domain::{IdNumber, Regions, Scope};
use leye_store::{Actor, HouseholdRecord, Store};

/// The columns of a household file, in template order.
pub const HOUSEHOLD_COLUMNS: &[Column] = &[
    Column {
        field: "head_id_number",
        header: "户主身份证号",
        aliases: &["户主公民身份号码"],
        required: true,
        example: "",
    },
    Column {
        field: "member_id_number",
        header: "成员身份证号",
        aliases: &["身份证号", "公民身份号码"],
        required: true,
        example: "",
    },
    Column {
        field: "relation",
        header: "与户主关系",
        aliases: &["关系"],
        required: true,
        example: "户主",
    },
    Column {
        field: "region",
        header: "居住地区划代码",
        aliases: &["常住地区划代码", "村社区代码"],
        required: true,
        example: "330502102001",
    },
    Column {
        field: "urban",
        header: "城乡",
        aliases: &["城镇或农村"],
        required: false,
        example: "城镇",
    },
    Column {
        field: "business_income",
        header: "有经营性收入",
        aliases: &["经营性收入"],
        required: false,
        example: "否",
    },
    Column {
        field: "income_band",
        header: "收入群体",
        aliases: &["收入档次"],
        required: false,
        example: "中等收入",
    },
];

/// One checked member row.
pub struct MemberRow {
    head: IdNumber,
    member: IdNumber,
    relation: Relation,
    region: String,
    urban: bool,
    business_income: bool,
    income_band: Option<String>,
}

fn id_cell(
    m: &Mapped,
    row: &Row,
    field: &str,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<IdNumber> {
    cells::id_number(field, &m.cell(row, field))
        .and_then(|s| {
            IdNumber::parse(&s, today)
                .map_err(|e| FieldError::new(field, "invalid_id_number", e.to_string()))
        })
        .map_err(|e| errors.push(e))
        .ok()
}

fn member_row(m: &Mapped, row: &Row, today: NaiveDate) -> Result<MemberRow, Vec<FieldError>> {
    let mut errors = Vec::new();
    let head = id_cell(m, row, "head_id_number", today, &mut errors);
    let member = id_cell(m, row, "member_id_number", today, &mut errors);
    let relation = Relation::parse_field(
        "relation",
        "与户主关系",
        &label_or_code(
            Relation::ALL,
            Relation::code,
            Relation::label_zh,
            &m.cell(row, "relation"),
        ),
    )
    .map_err(|e| errors.push(e))
    .ok();
    let urban = cells::urban("urban", &m.cell(row, "urban")).unwrap_or_else(|e| {
        errors.push(e);
        true
    });
    let business_income = cells::flag(
        "business_income",
        "有经营性收入",
        &m.cell(row, "business_income"),
    )
    .map_err(|e| errors.push(e))
    .ok()
    .flatten()
    .unwrap_or(false);
    let income_band = m
        .opt(row, "income_band")
        .map(|b| label_or_code(IncomeBand::ALL, IncomeBand::code, IncomeBand::label_zh, &b));
    if let (Some(h), Some(mem), Some(r)) = (&head, &member, relation)
        && (h == mem) != (r == Relation::Head)
    {
        errors.push(FieldError::new(
            "relation",
            "head_mismatch",
            "户主本人一行的与户主关系应为“户主”,其他成员不能填“户主”",
        ));
    }
    match (head, member, relation) {
        (Some(head), Some(member), Some(relation)) if errors.is_empty() => Ok(MemberRow {
            head,
            member,
            relation,
            region: m.cell(row, "region"),
            urban,
            business_income,
            income_band,
        }),
        _ => Err(errors),
    }
}

fn same(r: &HouseholdRecord, f: &HouseholdFacts) -> bool {
    let mut old: Vec<(i64, &str)> = r
        .members
        .iter()
        .map(|m| (m.person_id, m.relation.as_str()))
        .collect();
    let mut new: Vec<(i64, &str)> = f.members.iter().map(|(p, rel)| (*p, rel.code())).collect();
    old.sort_unstable();
    new.sort_unstable();
    r.region == f.region.as_str()
        && r.urban == f.urban
        && r.business_income == f.business_income
        && r.income_band == f.income_band.code()
        && old == new
}

/// Import households: group the member rows by the head's ID number, check each household,
/// then create it or replace its members in one transaction (or nothing).
pub async fn import_households(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    name: &str,
    bytes: &[u8],
    opts: ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportReport, IoError> {
    let regions = Regions::huzhou();
    let today = leye_domain::time::local_date(now);
    let (t, m) = sheet::read(name, bytes, HOUSEHOLD_COLUMNS)?;
    let checked = sheet::check(
        &t,
        &m,
        |row| member_row(&m, row, today),
        Some(("成员身份证号", |r: &MemberRow| {
            r.member.as_str().to_string()
        })),
    );
    let (report, good) = match sheet::start(t.rows.len(), checked, opts) {
        Ok(x) => x,
        Err(rejected) => return Ok(rejected),
    };
    let mut tx = store.begin().await?;
    let written: Result<Written, IoError> = async {
        let tx = &mut tx;
        let ids: Vec<&str> = good.iter().map(|(_, r)| r.member.as_str()).collect();
        let persons = leye_store::persons_by_id_numbers(tx, &ids).await?;
        // Households in the order their first row appears.
        let mut order: Vec<&str> = Vec::new();
        let mut groups: std::collections::HashMap<&str, Vec<&(usize, MemberRow)>> =
            std::collections::HashMap::new();
        for g in &good {
            let key = g.1.head.as_str();
            if !groups.contains_key(key) {
                order.push(key);
            }
            groups.entry(key).or_default().push(g);
        }
        let mut w = Written::default();
        for key in order {
            let rows = &groups[key];
            let first = rows[0].0;
            let refuse = |row: usize, column: &str, value: &str, reason: String| RowError {
                row,
                column: column.into(),
                value: value.into(),
                reason,
            };
            let mut missing = Vec::new();
            let mut members = Vec::new();
            for (row, r) in rows.iter().map(|g| (g.0, &g.1)) {
                match persons.get(r.member.as_str()) {
                    Some(p) => members.push(MemberInput {
                        person_id: p.id,
                        relation: r.relation.code().to_string(),
                    }),
                    None => missing.push(refuse(
                        row,
                        "成员身份证号",
                        r.member.as_str(),
                        "该身份证号尚未登记,请先导入人员".into(),
                    )),
                }
            }
            if !missing.is_empty() {
                w.refused.extend(missing);
                continue;
            }
            let Some((head_row, head)) = rows
                .iter()
                .map(|g| (g.0, &g.1))
                .find(|(_, r)| r.relation == Relation::Head)
            else {
                w.refused.push(refuse(
                    first,
                    "户主身份证号",
                    key,
                    "该户没有与户主关系为“户主”的一行(户主本人也要列一行)".into(),
                ));
                continue;
            };
            let input = HouseholdInput {
                region: head.region.clone(),
                urban: head.urban,
                business_income: head.business_income,
                income_band: head.income_band.clone(),
                members,
            };
            let facts = match input.parse_all(regions) {
                Ok(f) => f,
                Err(es) => {
                    for e in es {
                        let column = m.header(&e.field);
                        w.refused.push(refuse(head_row, &column, "", e.message));
                    }
                    continue;
                }
            };
            let head_id = persons[head.member.as_str()].id;
            let result = match leye_store::household_of_person(tx, head_id).await? {
                None => leye_store::create_household(tx, scope, actor, &facts, now)
                    .await
                    .map(|_| w.created += 1),
                Some(hid) => match leye_store::get_household(tx, scope, hid).await {
                    Ok(r) if same(&r, &facts) => {
                        w.unchanged += 1;
                        Ok(())
                    }
                    Ok(_) => leye_store::update_household(tx, scope, actor, hid, &facts, now)
                        .await
                        .map(|_| w.updated += 1),
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = result {
                w.refused
                    .push(refuse(head_row, "户主身份证号", key, e.to_string()));
            }
        }
        Ok(w)
    }
    .await;
    sheet::finish(tx, report, written?, opts).await
}
