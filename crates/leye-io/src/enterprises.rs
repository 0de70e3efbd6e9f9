//! Enterprises (企业) upserted by credit code, and their monthly headcount (用工人数)
//! upserted by credit code and month. Both go through the store's audited writes, one row
//! each (a city has tens of thousands of enterprises, not millions).

use crate::sheet::{self, Column, Mapped, Written, label_or_code};
use crate::table::Row;
use crate::{ImportOptions, ImportReport, IoError};
use chrono::{DateTime, Utc};
use leye_domain::cells;
use leye_domain::enterprise::{EnterpriseFacts, EnterpriseInput, Headcount, Industry, Scale};
use leye_domain::field::FieldError;
use leye_domain::{CreditCode, Regions, Scope, YearMonth};
use leye_store::{Actor, EnterpriseRecord, Store};

/// The columns of an enterprise file, in template order.
pub const ENTERPRISE_COLUMNS: &[Column] = &[
    Column {
        field: "credit_code",
        header: "统一社会信用代码",
        aliases: &["信用代码", "社会信用代码"],
        required: true,
        example: "",
    },
    Column {
        field: "name",
        header: "企业名称",
        aliases: &["单位名称"],
        required: true,
        example: "湖州示例制造有限公司",
    },
    Column {
        field: "industry",
        header: "行业门类",
        aliases: &["行业"],
        required: true,
        example: "制造业",
    },
    Column {
        field: "region",
        header: "所在区划代码",
        aliases: &["区划代码", "所在地区划代码"],
        required: true,
        example: "330502",
    },
    Column {
        field: "registered_investment_yuan",
        header: "注册资本(元)",
        aliases: &["注册资本", "注册投资额(元)"],
        required: false,
        example: "5000000",
    },
    Column {
        field: "scale",
        header: "企业规模",
        aliases: &["规模"],
        required: true,
        example: "中型",
    },
    Column {
        field: "designated_key",
        header: "认定为重点企业",
        aliases: &["重点企业"],
        required: false,
        example: "否",
    },
    Column {
        field: "designation_reason",
        header: "认定理由",
        aliases: &[],
        required: false,
        example: "",
    },
];

/// The columns of a headcount file, in template order.
pub const HEADCOUNT_COLUMNS: &[Column] = &[
    Column {
        field: "credit_code",
        header: "统一社会信用代码",
        aliases: &["信用代码", "社会信用代码"],
        required: true,
        example: "",
    },
    Column {
        field: "month",
        header: "月份",
        aliases: &["年月", "统计月份"],
        required: true,
        example: "2024-07",
    },
    Column {
        field: "headcount",
        header: "参保人数",
        aliases: &["用工人数", "职工人数"],
        required: true,
        example: "520",
    },
    Column {
        field: "loss_cause",
        header: "减员原因",
        aliases: &["减员类型"],
        required: false,
        example: "",
    },
];

fn enterprise_input(m: &Mapped, row: &Row) -> Result<EnterpriseInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let credit_code = cells::credit_code("credit_code", &m.cell(row, "credit_code"))
        .unwrap_or_else(|e| {
            errors.push(e);
            String::new()
        });
    let designated_key = cells::flag(
        "designated_key",
        "认定为重点企业",
        &m.cell(row, "designated_key"),
    )
    .unwrap_or_else(|e| {
        errors.push(e);
        None
    })
    .unwrap_or(false);
    let input = EnterpriseInput {
        credit_code,
        name: m.cell(row, "name"),
        industry: label_or_code(
            Industry::ALL,
            Industry::code,
            Industry::label_zh,
            &m.cell(row, "industry"),
        ),
        region: m.cell(row, "region"),
        registered_investment_yuan: m
            .opt(row, "registered_investment_yuan")
            .map(|s| s.replace(',', "")),
        scale: label_or_code(
            Scale::ALL,
            Scale::code,
            Scale::label_zh,
            &m.cell(row, "scale"),
        ),
        designated_key,
        designation_reason: m.opt(row, "designation_reason"),
    };
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    }
}

fn same(r: &EnterpriseRecord, f: &EnterpriseFacts) -> bool {
    r.name == f.name
        && r.industry == f.industry.code()
        && r.region == f.region.as_str()
        && r.registered_investment_fen == f.registered_investment.fen()
        && r.scale == f.scale.code()
        && r.designated_key == f.designated_key
        && r.designation_reason == f.designation_reason
}

/// Import enterprises: check every row, then create or update each by credit code in one
/// transaction (or nothing).
pub async fn import_enterprises(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    name: &str,
    bytes: &[u8],
    opts: ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportReport, IoError> {
    let regions = Regions::huzhou();
    let (t, m) = sheet::read(name, bytes, ENTERPRISE_COLUMNS)?;
    let checked = sheet::check(
        &t,
        &m,
        |row| enterprise_input(&m, row).and_then(|i| i.parse_all(regions)),
        Some(("统一社会信用代码", |f: &EnterpriseFacts| {
            f.credit_code.as_str().to_string()
        })),
    );
    let (report, good) = match sheet::start(t.rows.len(), checked, opts) {
        Ok(x) => x,
        Err(rejected) => return Ok(rejected),
    };
    let mut tx = store.begin().await?;
    let written: Result<Written, IoError> = async {
        let tx = &mut tx;
        let codes: Vec<&str> = good.iter().map(|(_, f)| f.credit_code.as_str()).collect();
        let existing = leye_store::enterprise_ids_by_credit_codes(tx, &codes).await?;
        let mut w = Written::default();
        for (row, facts) in &good {
            let code = facts.credit_code.as_str();
            let result = match existing.get(code) {
                None => leye_store::create_enterprise(tx, scope, actor, facts, now)
                    .await
                    .map(|_| w.created += 1),
                Some(id) => match leye_store::get_enterprise(tx, scope, *id).await {
                    Ok(r) if same(&r, facts) => {
                        w.unchanged += 1;
                        Ok(())
                    }
                    Ok(_) => leye_store::update_enterprise(tx, scope, actor, *id, facts, now)
                        .await
                        .map(|_| w.updated += 1),
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = result {
                w.refused
                    .push(sheet::refused(*row, "统一社会信用代码", code, e));
            }
        }
        Ok(w)
    }
    .await;
    sheet::finish(tx, report, written?, opts).await
}

/// One checked headcount row.
pub struct HeadcountRow {
    credit_code: CreditCode,
    headcount: Headcount,
}

fn headcount_row(m: &Mapped, row: &Row) -> Result<HeadcountRow, Vec<FieldError>> {
    let mut errors = Vec::new();
    let credit_code = cells::credit_code("credit_code", &m.cell(row, "credit_code"))
        .and_then(|c| {
            CreditCode::parse(&c)
                .map_err(|e| FieldError::new("credit_code", "invalid_credit_code", e.to_string()))
        })
        .map_err(|e| errors.push(e))
        .ok();
    let month = match cells::month("month", "月份", &m.cell(row, "month")) {
        Ok(Some(mo)) => Some(mo),
        Ok(None) => {
            errors.push(FieldError::new("month", "required", "月份不能为空"));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let raw = m.cell(row, "headcount").replace(',', "");
    let count = raw
        .strip_suffix(".0")
        .unwrap_or(&raw)
        .parse::<u32>()
        .map_err(|_| {
            errors.push(FieldError::new(
                "headcount",
                "invalid_number",
                format!("参保人数“{raw}”应为不小于0的整数"),
            ))
        })
        .ok();
    let raw_cause = m.cell(row, "loss_cause");
    let loss_cause = if raw_cause.trim().is_empty() {
        None
    } else {
        // The code or the Chinese words people write (关闭/破产, 停产, 裁员, 其他).
        use leye_domain::enterprise::LossCause;
        let t = raw_cause.trim();
        let found = LossCause::ALL.iter().copied().find(|c| {
            c.code() == t
                || c.label_zh() == t
                || (t.chars().count() >= 2 && c.label_zh().contains(t))
        });
        if found.is_none() {
            errors.push(FieldError::new(
                "loss_cause",
                "invalid_choice",
                format!("减员原因“{t}”无效,可选: {}", LossCause::choices()),
            ));
        }
        found
    };
    match (credit_code, month, count) {
        (Some(credit_code), Some(month), Some(headcount)) if errors.is_empty() => {
            Ok(HeadcountRow {
                credit_code,
                headcount: Headcount {
                    month,
                    headcount,
                    loss_cause,
                },
            })
        }
        _ => Err(errors),
    }
}

/// Import monthly headcounts: the enterprise must be registered (import enterprises first);
/// each (credit code, month) is set once, a re-import changes nothing.
pub async fn import_headcount(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    name: &str,
    bytes: &[u8],
    opts: ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportReport, IoError> {
    let (t, m) = sheet::read(name, bytes, HEADCOUNT_COLUMNS)?;
    let checked = sheet::check(
        &t,
        &m,
        |row| headcount_row(&m, row),
        Some(("统一社会信用代码与月份", |h: &HeadcountRow| {
            format!("{} {}", h.credit_code.as_str(), h.headcount.month)
        })),
    );
    let (report, good) = match sheet::start(t.rows.len(), checked, opts) {
        Ok(x) => x,
        Err(rejected) => return Ok(rejected),
    };
    let mut tx = store.begin().await?;
    let written: Result<Written, IoError> = async {
        let tx = &mut tx;
        let codes: Vec<&str> = good.iter().map(|(_, h)| h.credit_code.as_str()).collect();
        let ids = leye_store::enterprise_ids_by_credit_codes(tx, &codes).await?;
        let mut w = Written::default();
        for (row, h) in &good {
            let code = h.credit_code.as_str();
            let Some(id) = ids.get(code) else {
                w.refused.push(sheet::refused(
                    *row,
                    "统一社会信用代码",
                    code,
                    "该信用代码的企业尚未登记,请先导入企业",
                ));
                continue;
            };
            let month: YearMonth = h.headcount.month;
            let result = match leye_store::headcount_of(tx, *id, month).await? {
                Some(n) if n == h.headcount.headcount => {
                    w.unchanged += 1;
                    Ok(())
                }
                before => leye_store::set_headcount(tx, scope, actor, *id, h.headcount, now)
                    .await
                    .map(|()| {
                        if before.is_some() {
                            w.updated += 1;
                        } else {
                            w.created += 1;
                        }
                    }),
            };
            // 预警: a key enterprise's mass layoff is raised with the data that shows it, in
            // this transaction (the month reported and the one after, whose cut it changes).
            if result.is_ok() {
                leye_monitor::alerts::check_layoffs(
                    tx,
                    Some(*id),
                    &month.to_string(),
                    leye_domain::time::local_date(now),
                    now,
                )
                .await
                .map_err(|e| IoError::File(format!("预警检查失败: {e}")))?;
            }
            if let Err(e) = result {
                w.refused
                    .push(sheet::refused(*row, "统一社会信用代码", code, e));
            }
        }
        Ok(w)
    }
    .await;
    sheet::finish(tx, report, written?, opts).await
}
