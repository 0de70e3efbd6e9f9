//! The demo's skills, startup and enterprise-service records (plan 二(二), 二(四), 二(五)),
//! written row by row through the registries' own parsing and rules, as an import would:
//! training providers, courses, classes and trainees (completions this year), certificates,
//! technical schools and specialties, designations, skill villages, startup spaces and
//! projects, elite projects, researchers on leave, HR institutions with their clients, 一企一策
//! plans and service tickets of key enterprises in every state.

use crate::SynthError;
use crate::rng::Rng;
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use leye_domain::registry::Registry;
use leye_domain::service::Channel;
use leye_domain::{FieldError, Scope};
use leye_skills::catalogue::*;
use leye_store::registry::Mode;
use leye_store::{Actor, EnterpriseFilter, Link, NewTicket, Paging, PersonFilter, Tx};

/// What [`load_demo_skills`] made.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct SkillsSummary {
    pub rows: usize,
    pub completions: usize,
    pub certificates: usize,
    pub tickets: usize,
}

fn bad(e: impl ToString) -> SynthError {
    SynthError::Invalid(FieldError::new("demo", "invalid", e.to_string()))
}

async fn put(
    tx: &mut Tx,
    reg: &Registry,
    pairs: &[(&str, String)],
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64, SynthError> {
    let p = reg
        .parse(|k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .map_err(|e| bad(format!("{}: {:?}", reg.id, e)))?;
    let saved = leye_skills::save(tx, &Scope::System, reg, &p, Mode::Upsert, actor, now)
        .await
        .map_err(|e| bad(format!("{}: {e}", reg.id)))?;
    Ok(saved.id())
}

fn day(d: NaiveDate, back: u64) -> String {
    d.checked_sub_days(Days::new(back)).unwrap_or(d).to_string()
}

const COURSES_SHOWN: &[(&str, &str, &str, &str)] = &[
    ("数控车工", "6-18-01-01", "intermediate", "upgrading"),
    ("电子商务师", "4-01-02-02", "junior", "employment"),
    ("养老护理员", "4-10-01-05", "junior", "employment"),
    ("电工", "6-31-01-03", "senior", "upgrading"),
    ("创业培训(SYB)", "4-07-02-01", "", "startup"),
    ("人工智能训练师", "4-04-05-05", "junior", "digital"),
];

/// The name of the demo's `i`-th HR institution.
fn institution(i: usize) -> String {
    let word = ["汇才", "聚英", "同创", "博远", "众联"][i % 5];
    format!("湖州{word}{}人力资源服务有限公司", i / 5 + 1)
}

/// Write the demo's records as of `now` (dates relative to today).
pub async fn load_demo_skills(
    store: &leye_store::Store,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<SkillsSummary, SynthError> {
    let today = leye_domain::time::local_date(now);
    let year_start = today.with_ordinal(1).unwrap_or(today);
    let mut rng = Rng::new(seed);
    let actor = Actor::system("演示数据");
    let mut sum = SkillsSummary::default();
    let mut tx = store.begin().await?;
    let people = leye_store::list_persons(
        &mut tx,
        &Scope::System,
        &PersonFilter::default(),
        Paging::new(Some(1), Some(Paging::MAX_PER_PAGE)),
    )
    .await?
    .items;
    // Working-age people (18-45) train, certify and start projects.
    let adults: Vec<&leye_store::PersonRecord> = people
        .iter()
        .filter(|p| {
            let born: i32 = p
                .birth_date
                .get(..4)
                .and_then(|y| y.parse().ok())
                .unwrap_or(0);
            (18..=45).contains(&(today.year() - born))
        })
        .collect();
    let enterprises = leye_store::list_enterprises(
        &mut tx,
        &Scope::System,
        &EnterpriseFilter::default(),
        Paging::new(Some(1), Some(Paging::MAX_PER_PAGE)),
    )
    .await?
    .items;
    if adults.is_empty() || enterprises.is_empty() {
        return Ok(sum);
    }
    let counties = ["330502", "330503", "330521", "330522", "330523"];
    let county_names = ["吴兴", "南浔", "德清", "长兴", "安吉"];
    let known = leye_store::occupations(&mut tx).await?;
    let occ = |code: &str| {
        if known.iter().any(|o| o.code == code) {
            code.to_string()
        } else {
            "6-18-01-01".to_string()
        }
    };

    // Providers, courses and this year's classes.
    for (i, c) in counties.iter().enumerate() {
        put(
            &mut tx,
            &TRAINING_PROVIDERS,
            &[
                ("name", format!("湖州{}职业技能培训学校", county_names[i])),
                ("kind", "institution".into()),
                ("approved_on", day(today, 600 + 30 * i as u64)),
                ("region", (*c).into()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }
    let mut classes = Vec::new();
    for (k, (name, code, level, category)) in COURSES_SHOWN.iter().enumerate() {
        let provider = format!("湖州{}职业技能培训学校", county_names[k % 5]);
        let course = format!("KC{}{:03}", today.year(), k + 1);
        put(
            &mut tx,
            &COURSES,
            &[
                ("code", course.clone()),
                ("name", (*name).into()),
                ("provider_id", provider),
                ("occupation", occ(code)),
                ("skill_level", (*level).into()),
                ("category", (*category).into()),
                ("hours", (40 + 20 * (k % 4)).to_string()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
        // Four classes a course: three ended this year, one still running.
        for n in 0..4u64 {
            let starts = year_start
                .checked_add_days(Days::new(30 + n * 75 + k as u64 * 5))
                .unwrap_or(year_start)
                .min(today);
            let ends = starts.checked_add_days(Days::new(25)).unwrap_or(starts);
            let code_c = format!("BJ{}{:02}{}", today.year(), k + 1, n + 1);
            put(
                &mut tx,
                &TRAINING_CLASSES,
                &[
                    ("code", code_c.clone()),
                    ("course_id", course.clone()),
                    ("starts_on", starts.to_string()),
                    ("ends_on", ends.to_string()),
                    ("capacity", "40".into()),
                ],
                &actor,
                now,
            )
            .await?;
            sum.rows += 1;
            classes.push((code_c, ends, *level));
        }
    }
    // Trainees: six to a class; those of ended classes completed (a few dropped).
    let mut certified = 0usize;
    for (c, (code_c, ends, level)) in classes.iter().enumerate() {
        for t in 0..6 {
            let p = adults[(c * 6 + t) % adults.len()];
            let ended = *ends <= today;
            let dropped = ended && rng.below(12) == 0;
            let status = if !ended {
                "enrolled"
            } else if dropped {
                "dropped"
            } else {
                "completed"
            };
            put(
                &mut tx,
                &TRAINEES,
                &[
                    ("class_id", code_c.clone()),
                    ("person_id", p.id_number.clone()),
                    ("status", status.into()),
                    (
                        "completed_on",
                        if status == "completed" {
                            ends.to_string()
                        } else {
                            String::new()
                        },
                    ),
                ],
                &actor,
                now,
            )
            .await?;
            sum.rows += 1;
            if status == "completed" {
                sum.completions += 1;
                // Most who complete a levelled course pass its evaluation a fortnight later.
                if !level.is_empty() && rng.below(4) != 0 {
                    certified += 1;
                    let on = ends
                        .checked_add_days(Days::new(14))
                        .unwrap_or(*ends)
                        .min(today);
                    put(
                        &mut tx,
                        &CERTIFICATIONS,
                        &[
                            ("certificate_no", format!("S{}{:06}", on.year(), certified)),
                            ("person_id", p.id_number.clone()),
                            (
                                "occupation",
                                occ(COURSES_SHOWN[c / 4 % COURSES_SHOWN.len()].1),
                            ),
                            ("skill_level", (*level).into()),
                            ("route", "skill_level".into()),
                            ("certified_on", on.to_string()),
                            ("issuer", "湖州市职业技能等级认定中心".into()),
                            ("region", p.residence_region.clone()),
                        ],
                        &actor,
                        now,
                    )
                    .await?;
                    sum.certificates += 1;
                }
            }
        }
    }

    // Technical schools and their specialties.
    let schools = [
        ("湖州技师学院", "technician_college", "expansion", "330502"),
        ("长兴技师学院", "technician_college", "none", "330522"),
        ("安吉县技工学校", "school", "none", "330523"),
    ];
    for (i, (name, kind, project, region)) in schools.iter().enumerate() {
        put(
            &mut tx,
            &TECHNICAL_SCHOOLS,
            &[
                ("name", (*name).into()),
                ("kind", (*kind).into()),
                ("project", (*project).into()),
                (
                    "completed_on",
                    if *project == "none" {
                        String::new()
                    } else {
                        day(today, 200)
                    },
                ),
                ("senior_students", (400 + 150 * i).to_string()),
                ("technician_students", (60 + 20 * i).to_string()),
                ("partners", "贵州省黔东南州职业技术学院".into()),
                ("region", (*region).into()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }
    let specialties = [
        ("湖州技师学院", "智能制造专业群", "provincial_group"),
        ("湖州技师学院", "数控加工", "municipal_brand"),
        ("湖州技师学院", "电气自动化", "municipal_brand"),
        ("长兴技师学院", "新能源汽车检测与维修", "provincial_group"),
        ("长兴技师学院", "电子商务", "municipal_brand"),
        ("安吉县技工学校", "竹木加工", "municipal_brand"),
        ("安吉县技工学校", "旅游服务", "ordinary"),
    ];
    for (i, (school, name, tier)) in specialties.iter().enumerate() {
        put(
            &mut tx,
            &SPECIALTIES,
            &[
                ("school_id", (*school).into()),
                ("name", (*name).into()),
                ("tier", (*tier).into()),
                (
                    "designated_on",
                    if *tier == "ordinary" {
                        String::new()
                    } else {
                        day(today, 100 + 90 * i as u64)
                    },
                ),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }

    // Designations of enterprises, skill villages.
    for (i, e) in enterprises.iter().take(14).enumerate() {
        put(
            &mut tx,
            &SKILL_DESIGNATIONS,
            &[
                ("enterprise_id", e.credit_code.clone()),
                (
                    "kind",
                    if i % 2 == 0 {
                        "self_certifying"
                    } else {
                        "skill_enterprise"
                    }
                    .into(),
                ),
                ("designated_on", day(today, 40 + 45 * i as u64)),
                (
                    "doc_no",
                    format!("湖人社〔{}〕{}号", today.year() - 1, 10 + i),
                ),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }
    let villages: Vec<&leye_domain::Region> = leye_domain::Regions::huzhou()
        .all()
        .filter(|r| r.level == leye_domain::region::RegionLevel::Village)
        .step_by(23)
        .take(6)
        .collect();
    for (i, v) in villages.iter().enumerate() {
        put(
            &mut tx,
            &SKILL_VILLAGES,
            &[
                ("name", v.name.clone()),
                ("designated_on", day(today, 60 + 50 * i as u64)),
                ("region", v.code.clone()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }

    // The 2618 spaces, projects in them, elite projects, researchers on leave.
    let spaces = [
        (
            "南太湖青创走廊·数字港",
            "accelerator",
            "corridor",
            "南太湖青创走廊",
            "330502",
        ),
        (
            "吴兴青创城·众创空间",
            "maker_space",
            "city",
            "吴兴青创城",
            "330502",
        ),
        (
            "织里青创圈·童装设计孵化器",
            "incubator",
            "circle",
            "织里青创圈",
            "330502102",
        ),
        (
            "南浔青创城·古镇文创孵化器",
            "incubator",
            "city",
            "南浔青创城",
            "330503",
        ),
        (
            "德清青创圈·地信小镇加速器",
            "accelerator",
            "circle",
            "莫干山青创圈",
            "330521",
        ),
        (
            "长兴青创城·新能源产业园",
            "park",
            "city",
            "长兴青创城",
            "330522",
        ),
        (
            "安吉青创圈·余村个性化商铺",
            "shop",
            "circle",
            "余村青创圈",
            "330523",
        ),
    ];
    for (i, (name, stage, level, cluster, region)) in spaces.iter().enumerate() {
        let w = 40 + 20 * i;
        put(
            &mut tx,
            &STARTUP_SPACES,
            &[
                ("name", (*name).into()),
                ("stage", (*stage).into()),
                ("cluster_level", (*level).into()),
                ("cluster", (*cluster).into()),
                ("workstations", w.to_string()),
                ("free_workstations", (w / 5).to_string()),
                ("occupied", (w * 3 / 4).to_string()),
                ("opened_on", day(today, 400 + 30 * i as u64)),
                ("region", (*region).into()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }
    const IDEAS: &[&str] = &[
        "竹编文创",
        "直播电商",
        "智能农机",
        "民宿运营",
        "跨境童装",
        "茶饮品牌",
        "宠物用品",
        "数字营销",
    ];
    for i in 0..40usize {
        let p = adults[(i * 7 + 3) % adults.len()];
        let started = year_start
            .checked_add_days(Days::new((i as u64 * 8) % 330))
            .unwrap_or(year_start)
            .min(today);
        put(
            &mut tx,
            &YOUTH_STARTUPS,
            &[
                ("name", format!("{}{}号项目", IDEAS[i % IDEAS.len()], i + 1)),
                ("founder_id", p.id_number.clone()),
                ("space_id", spaces[i % spaces.len()].0.into()),
                (
                    "stage",
                    ["idea", "registered", "operating", "operating"][i % 4].into(),
                ),
                ("started_on", started.to_string()),
                ("jobs_created", (rng.below(9)).to_string()),
                ("rural", if i % 3 == 0 { "是" } else { "否" }.into()),
                ("region", p.residence_region.clone()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }
    for i in 0..12usize {
        put(
            &mut tx,
            &ELITE_PROJECTS,
            &[
                (
                    "name",
                    format!("南太湖精英计划{}批次项目{}", today.year(), i + 1),
                ),
                ("leader", format!("{}博士", ["陈", "林", "周", "吴"][i % 4])),
                ("category", ["innovation", "startup", "team"][i % 3].into()),
                ("overseas", if i % 2 == 0 { "是" } else { "否" }.into()),
                ("introduced_on", day(today, 20 + 25 * i as u64)),
                ("region", counties[i % 5].into()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }
    // Guaranteed loans of some founders, by partner bank, within the limits.
    let banks = ["湖州银行", "浙江湖州农村商业银行", "中国工商银行湖州分行"];
    for i in 0..9usize {
        let p = adults[(i * 7 + 3) % adults.len()];
        put(
            &mut tx,
            &STARTUP_LOANS,
            &[
                ("borrower_id", p.id_number.clone()),
                (
                    "startup_id",
                    format!("{}{}号项目", IDEAS[i % IDEAS.len()], i + 1),
                ),
                ("bank", banks[i % banks.len()].into()),
                ("amount_fen", (100_000 + 50_000 * (i % 5)).to_string()),
                ("granted_on", day(today, 15 + 30 * i as u64)),
                ("months", "36".into()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }
    for i in 0..3usize {
        let p = adults[(i * 11 + 5) % adults.len()];
        let starts = NaiveDate::from_ymd_opt(today.year() - 1, 3 + i as u32, 1).unwrap_or(today);
        put(
            &mut tx,
            &RESEARCH_LEAVES,
            &[
                ("person_id", p.id_number.clone()),
                ("employer_unit", "湖州市农业科学研究院".into()),
                ("project", format!("科研成果转化项目{}", i + 1)),
                ("starts_on", starts.to_string()),
                (
                    "ends_on",
                    NaiveDate::from_ymd_opt(starts.year() + 3, starts.month(), 1)
                        .and_then(|d| d.pred_opt())
                        .unwrap_or(starts)
                        .to_string(),
                ),
                ("region", p.residence_region.clone()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }

    // HR institutions, their clients; 一企一策 plans and tickets for key enterprises.
    let services = [
        "recruitment",
        "dispatch",
        "outsourcing",
        "headhunting",
        "training",
        "comprehensive",
    ];
    for i in 0..15usize {
        put(
            &mut tx,
            &HR_INSTITUTIONS,
            &[
                ("name", institution(i)),
                ("licence_no", format!("330500{:06}", 2000 + i)),
                (
                    "licence_until",
                    NaiveDate::from_ymd_opt(today.year() + 3, 12, 31)
                        .unwrap_or(today)
                        .to_string(),
                ),
                ("services", services[i % services.len()].into()),
                ("registered_on", day(today, 30 + 60 * i as u64)),
                ("region", counties[i % 5].into()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }
    for (i, e) in enterprises.iter().skip(3).take(12).enumerate() {
        put(
            &mut tx,
            &HR_CLIENTS,
            &[
                ("institution_id", institution(i)),
                ("enterprise_id", e.credit_code.clone()),
                ("since", day(today, 90 + 20 * i as u64)),
                ("service", "招聘外包、岗前培训".into()),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }
    let keys = leye_store::key_enterprises(&mut tx, &Scope::System).await?;
    let codes: std::collections::HashMap<i64, String> = enterprises
        .iter()
        .map(|e| (e.id, e.credit_code.clone()))
        .collect();
    for (i, (id, _)) in keys.iter().enumerate() {
        let Some(code) = codes.get(id) else { continue };
        put(
            &mut tx,
            &SERVICE_PLANS,
            &[
                ("enterprise_id", code.clone()),
                ("officer", format!("{}专员", ["王", "李", "张"][i % 3])),
                ("institution_id", institution(i)),
                ("measures", "每月走访收集岗位需求;订单式培训数控、电工;用工高峰送工上岗;人力资源机构一对一服务".into()),
                ("agreed_on", day(today, 200 + 10 * i as u64)),
            ],
            &actor,
            now,
        )
        .await?;
        sum.rows += 1;
    }
    let sys = Scope::System;
    // Three demands (one filled, one under way, one to do), from the key enterprises in turn.
    for i in 0..if keys.is_empty() { 0 } else { 3 } {
        let id = &keys[i % keys.len()].0;
        let opened = today
            .checked_sub_days(Days::new(40 - 10 * i as u64))
            .unwrap_or(today);
        let t = NewTicket {
            enterprise_id: *id,
            occupation: "6-18-01-01".into(),
            title: ["数控车工", "装配工", "质检员"][i].into(),
            headcount: 3,
            deadline: opened
                .checked_add_days(Days::new(60))
                .unwrap_or(opened)
                .to_string(),
            opened_on: opened.to_string(),
        };
        let tid = leye_store::create_ticket(&mut tx, &sys, &t, &actor, now).await?;
        sum.tickets += 1;
        if i == 2 {
            continue; // one still to do
        }
        let inst = leye_store::registry::list(
            &mut tx,
            &sys,
            &HR_INSTITUTIONS,
            &leye_store::registry::RegistryFilter::default(),
            Paging::new(Some(1), Some(1)),
        )
        .await?
        .items
        .first()
        .map(|r| r.id);
        if let Some(inst) = inst {
            leye_store::link_ticket(&mut tx, &sys, tid, Link::Institution(inst), &actor, now)
                .await?;
        }
        // The first is filled by dispatch, the second has one placed.
        let n = if i == 0 { 3 } else { 1 };
        for k in 0..n {
            let p = adults[(20 + 3 * i + k) % adults.len()];
            let on = opened
                .checked_add_days(Days::new(7 + 3 * k as u64))
                .unwrap_or(opened)
                .min(today);
            leye_store::place(
                &mut tx,
                &sys,
                tid,
                p.id,
                [Channel::Dispatch, Channel::Agency, Channel::Training][k % 3],
                &on.to_string(),
                &actor,
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(sum)
}
