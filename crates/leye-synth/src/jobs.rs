//! A synthetic job market: postings in Huzhou's typical trades (织里 children's clothing,
//! 长兴 batteries and machinery, 安吉 tea and chairs, logistics, care work, e-commerce) and
//! job seekers among the registry's unemployed. The same generator feeds the demo (through
//! the real publishing path) and the search benchmark (records straight into the index).

use crate::SynthError;
use crate::rng::Rng;
use chrono::{DateTime, Days, NaiveDate, Utc};
use leye_domain::jobs::{PostingInput, SeekerInput};
use leye_domain::region::RegionLevel;
use leye_domain::{Regions, Scope};
use leye_store::{PostingRecord, Store};

/// One kind of job: its occupation, titles, monthly pay range (yuan) and words for the ad.
pub struct JobKind {
    pub occupation: &'static str,
    pub titles: &'static [&'static str],
    pub pay: (i64, i64),
    pub words: &'static [&'static str],
    /// Paid by the day (yuan) as gig work, some of the time
    pub gig_day: Option<(i64, i64)>,
}

/// The trades of the synthetic market.
pub const KINDS: &[JobKind] = &[
    JobKind {
        occupation: "6-18-01-01",
        titles: &["数控车床操作工", "普通车工", "CNC车床技工", "车工学徒"],
        pay: (5000, 9500),
        words: &["看懂图纸", "数控车床", "轴类零件加工", "两班倒"],
        gig_day: None,
    },
    JobKind {
        occupation: "6-18-02-04",
        titles: &["电焊工", "氩弧焊工", "二保焊工"],
        pay: (5500, 9500),
        words: &["持焊工证", "钢结构", "焊接"],
        gig_day: Some((300, 450)),
    },
    JobKind {
        occupation: "6-05-01-01",
        titles: &["童装缝纫工", "平车工", "服装车工", "锁边工"],
        pay: (4500, 9000),
        words: &["童装", "计件工资", "包吃住", "熟练工优先"],
        gig_day: Some((200, 320)),
    },
    JobKind {
        occupation: "4-01-02-02",
        titles: &["电子商务运营", "淘宝店铺运营", "电商客服", "跨境电商专员"],
        pay: (4500, 10000),
        words: &["店铺运营", "数据分析", "直播带货", "客服"],
        gig_day: None,
    },
    JobKind {
        occupation: "4-01-02-07",
        titles: &["直播带货主播", "短视频运营"],
        pay: (5000, 15000),
        words: &["直播", "短视频", "抖音", "童装直播"],
        gig_day: Some((200, 500)),
    },
    JobKind {
        occupation: "4-02-07-08",
        titles: &["快递员", "快递分拣员"],
        pay: (5000, 8000),
        words: &["分拣", "派送", "电动车"],
        gig_day: Some((150, 260)),
    },
    JobKind {
        occupation: "4-02-07-10",
        titles: &["外卖骑手", "网约配送员"],
        pay: (5000, 10000),
        words: &["外卖", "配送", "多劳多得"],
        gig_day: Some((150, 300)),
    },
    JobKind {
        occupation: "4-10-01-05",
        titles: &["养老护理员", "护工"],
        pay: (4000, 6500),
        words: &["养老院", "护理", "持证优先"],
        gig_day: None,
    },
    JobKind {
        occupation: "4-10-01-06",
        titles: &["家政服务员", "保洁员", "育婴员"],
        pay: (3500, 7000),
        words: &["家政", "保洁", "月嫂", "育婴"],
        gig_day: Some((150, 260)),
    },
    JobKind {
        occupation: "4-07-05-01",
        titles: &["保安员", "门卫"],
        pay: (3500, 5500),
        words: &["巡逻", "值班", "持保安证"],
        gig_day: None,
    },
    JobKind {
        occupation: "4-03-02-01",
        titles: &["厨师", "面点师", "帮厨"],
        pay: (4500, 9000),
        words: &["湖州菜", "食堂", "厨房"],
        gig_day: Some((200, 350)),
    },
    JobKind {
        occupation: "4-03-02-05",
        titles: &["餐厅服务员", "传菜员"],
        pay: (3500, 5500),
        words: &["餐厅", "服务"],
        gig_day: Some((120, 200)),
    },
    JobKind {
        occupation: "6-30-05-03",
        titles: &["叉车司机", "仓库叉车工"],
        pay: (5500, 8500),
        words: &["持叉车证", "仓库", "装卸"],
        gig_day: Some((250, 350)),
    },
    JobKind {
        occupation: "4-02-06-01",
        titles: &["仓库管理员", "仓管员"],
        pay: (4500, 7000),
        words: &["出入库", "盘点", "ERP"],
        gig_day: None,
    },
    JobKind {
        occupation: "6-31-01-03",
        titles: &["电工", "维修电工", "高压电工"],
        pay: (6000, 10000),
        words: &["持电工证", "设备维修", "低压电工证"],
        gig_day: Some((300, 450)),
    },
    JobKind {
        occupation: "6-31-03-01",
        titles: &["质检员", "品检员"],
        pay: (4500, 7000),
        words: &["质量检验", "来料检验"],
        gig_day: None,
    },
    JobKind {
        occupation: "2-02-10-03",
        titles: &["Java开发工程师", "前端开发工程师", "软件测试工程师"],
        pay: (9000, 20000),
        words: &["Java", "Vue", "数据库", "本科"],
        gig_day: None,
    },
    JobKind {
        occupation: "2-06-03-00",
        titles: &["会计", "出纳", "财务专员"],
        pay: (5000, 9000),
        words: &["初级会计证", "账务处理", "报税"],
        gig_day: None,
    },
    JobKind {
        occupation: "3-01-02-01",
        titles: &["行政专员", "文员", "前台"],
        pay: (4000, 6500),
        words: &["办公软件", "接待", "档案"],
        gig_day: None,
    },
    JobKind {
        occupation: "6-28-01-14",
        titles: &["光伏运维员"],
        pay: (6000, 9000),
        words: &["光伏电站", "巡检", "绿色能源"],
        gig_day: None,
    },
    JobKind {
        occupation: "5-01-02",
        titles: &["茶叶采摘工", "制茶师傅"],
        pay: (4000, 8000),
        words: &["安吉白茶", "采茶季", "炒茶"],
        gig_day: Some((180, 300)),
    },
    JobKind {
        occupation: "6-29-01-01",
        titles: &["砌筑工", "建筑小工"],
        pay: (6000, 10000),
        words: &["工地", "砌墙", "按天结算"],
        gig_day: Some((280, 450)),
    },
];

/// Townships of Huzhou (where postings are), in code order.
fn townships() -> Vec<&'static leye_domain::Region> {
    Regions::huzhou()
        .all()
        .filter(|r| r.level == RegionLevel::Township)
        .collect()
}

fn round100(v: i64) -> i64 {
    (v / 100) * 100
}

/// A posting's content: kind, title, region, pay and contract, drawn at random.
struct Draft {
    kind: &'static JobKind,
    title: String,
    description: String,
    region: String,
    lat: f64,
    lon: f64,
    gig: bool,
    unit: &'static str,
    pay: (i64, i64),
    months: Option<i64>,
    insurance: bool,
    education: &'static str,
    age_max: Option<i64>,
}

fn draft(rng: &mut Rng, towns: &[&leye_domain::Region]) -> Draft {
    let kind = &KINDS[rng.below(KINDS.len())];
    let town = towns[rng.below(towns.len())];
    let title = kind.titles[rng.below(kind.titles.len())].to_string();
    let mut words: Vec<&str> = (0..2)
        .map(|_| kind.words[rng.below(kind.words.len())])
        .collect();
    words.dedup();
    let gig = kind.gig_day.is_some() && rng.below(4) == 0;
    let (unit, pay) = match (gig, kind.gig_day) {
        (true, Some((lo, hi))) => {
            let a = lo + rng.below((hi - lo) as usize / 2 + 1) as i64;
            ("day", (a, a + (hi - a) / 2))
        }
        _ => {
            let (lo, hi) = kind.pay;
            let a = round100(lo + rng.below((hi - lo) as usize / 2 + 1) as i64);
            ("month", (a, round100(a + (hi - a) / 2 + 500).max(a)))
        }
    };
    let months = if gig {
        None
    } else {
        Some([12, 24, 36, 12, 6][rng.below(5)])
    };
    let jitter = |rng: &mut Rng| (rng.below(2001) as f64 - 1000.0) / 50_000.0;
    Draft {
        kind,
        description: format!(
            "{}:{}。{}",
            title,
            words.join("、"),
            if gig { "按天结算" } else { "缴纳五险" }
        ),
        title,
        region: town.code.clone(),
        lat: town.lat + jitter(rng),
        lon: town.lon + jitter(rng),
        gig,
        unit,
        pay,
        months,
        insurance: !gig && rng.below(10) != 0,
        education: if kind.occupation.starts_with('2') {
            "bachelor"
        } else {
            ["none", "none", "junior", "senior"][rng.below(4)]
        },
        age_max: (rng.below(3) == 0).then(|| [45, 50, 55][rng.below(3)]),
    }
}

/// A posting as the publishing form would send it.
fn input(d: &Draft, valid_until: NaiveDate) -> PostingInput {
    PostingInput {
        title: d.title.clone(),
        description: d.description.clone(),
        occupation: d.kind.occupation.into(),
        skill_level: String::new(),
        headcount: "1".into(),
        region: d.region.clone(),
        address: String::new(),
        lat: Some(format!("{:.5}", d.lat)),
        lon: Some(format!("{:.5}", d.lon)),
        pay_unit: d.unit.into(),
        pay_min: d.pay.0.to_string(),
        pay_max: d.pay.1.to_string(),
        contract_type: if d.gig { "gig" } else { "fixed" }.into(),
        contract_months: d.months.map(|m| m.to_string()).unwrap_or_default(),
        social_insurance: d.insurance,
        education: d.education.into(),
        age_min: String::new(),
        age_max: d.age_max.map(|a| a.to_string()).unwrap_or_default(),
        valid_until: valid_until.to_string(),
        program: String::new(),
    }
}

/// `n` postings straight as index records (no database), for the search benchmark.
pub fn posting_records(
    n: usize,
    seed: u64,
    today: NaiveDate,
) -> impl Iterator<Item = PostingRecord> {
    let mut rng = Rng::new(seed);
    let towns = townships();
    (0..n).map(move |i| {
        let d = draft(&mut rng, &towns);
        let factor = if d.unit == "day" { 2175 } else { 100 };
        let published = today
            .checked_sub_days(Days::new(rng.below(90) as u64))
            .unwrap_or(today);
        PostingRecord {
            id: i as i64 + 1,
            enterprise_id: 1 + (i % 5000) as i64,
            enterprise_name: format!("湖州{}号企业有限公司", i % 5000),
            title: d.title,
            description: d.description,
            occupation: d.kind.occupation.into(),
            skill_level: None,
            headcount: 1 + rng.below(5) as i64,
            region: d.region,
            address: String::new(),
            lat: d.lat,
            lon: d.lon,
            pay_unit: d.unit.into(),
            pay_min_fen: d.pay.0 * 100,
            pay_max_fen: d.pay.1 * 100,
            monthly_min_fen: d.pay.0 * factor,
            monthly_max_fen: d.pay.1 * factor,
            contract_type: if d.gig { "gig" } else { "fixed" }.into(),
            contract_months: d.months,
            social_insurance: d.insurance,
            education: d.education.into(),
            age_min: None,
            age_max: d.age_max,
            gig: d.gig,
            quality: !d.gig && d.insurance && d.pay.0 >= 3735,
            status: "open".into(),
            published_on: published.to_string(),
            valid_until: (today + Days::new(90)).to_string(),
            closed_on: None,
            seq: i as i64 + 1,
            program: None,
        }
    })
}

/// A job-seeker profile wanting one or two of the trades.
pub fn seeker_input(rng_seed: u64, region: &str) -> SeekerInput {
    let mut rng = Rng::new(rng_seed);
    let a = &KINDS[rng.below(KINDS.len())];
    let b = &KINDS[rng.below(KINDS.len())];
    let mut occ = vec![a.occupation];
    if b.occupation != a.occupation && rng.below(2) == 0 {
        occ.push(b.occupation);
    }
    SeekerInput {
        occupations: occ.join(","),
        skills: a.words[rng.below(a.words.len())].into(),
        skill_level: String::new(),
        education: ["junior", "senior", "college"][rng.below(3)].into(),
        region: region.into(),
        commute_km: ["10", "15", "20", "30"][rng.below(4)].into(),
        pay_wanted: (4000 + 500 * rng.below(8) as i64).to_string(),
        available_from: String::new(),
        gig_ok: rng.below(2) == 0,
        push_opt_in: rng.below(5) != 0,
    }
}

/// What [`load_demo_jobs`] made.
#[derive(Debug, Default, serde::Serialize)]
pub struct JobsSummary {
    pub postings: usize,
    pub seekers: usize,
}

/// Publish `postings` postings of the registry's enterprises and register the unemployed (and
/// person 1, the demo job seeker) as job seekers, through the checked publishing path.
pub async fn load_demo_jobs<F, G>(
    store: &Store,
    postings: usize,
    seed: u64,
    now: DateTime<Utc>,
    mut publish: F,
    mut profile: G,
) -> Result<JobsSummary, SynthError>
where
    F: AsyncFnMut(i64, PostingInput) -> Result<(), SynthError>,
    G: AsyncFnMut(i64, SeekerInput) -> Result<(), SynthError>,
{
    let today = leye_domain::time::local_date(now);
    let mut rng = Rng::new(seed);
    let mut tx = store.begin_read().await?;
    let enterprises = leye_store::enterprise_regions(&mut tx).await?;
    let seekers = leye_store::persons_with_status(&mut tx, "unemployed", 5000).await?;
    tx.commit().await?;
    let mut sum = JobsSummary::default();
    if enterprises.is_empty() {
        return Ok(sum);
    }
    let towns = townships();
    for i in 0..postings {
        let (eid, county) = &enterprises[rng.below(enterprises.len())];
        // Mostly in the employer's own county.
        let local: Vec<&leye_domain::Region> = towns
            .iter()
            .copied()
            .filter(|t| t.code.starts_with(county.as_str()))
            .collect();
        let d = draft(&mut rng, if local.is_empty() { &towns } else { &local });
        let until = today + Days::new(30 + rng.below(120) as u64);
        let mut posting = input(&d, until);
        // A few of the demo's steady jobs belong to the plan's programmes (issue 8).
        if !d.gig {
            posting.program = match i % 40 {
                3 => "gongfu_bus",
                7 => "caring",
                11 => "veteran_direct",
                _ => "",
            }
            .into();
        }
        publish(*eid, posting).await?;
        sum.postings += 1;
    }
    let mut people: Vec<(i64, String)> = seekers;
    if !people.iter().any(|(id, _)| *id == 1) {
        let mut tx = store.begin_read().await?;
        if let Ok(p) = leye_store::get_person(&mut tx, &Scope::System, 1).await {
            people.push((1, p.residence_region));
        }
        tx.commit().await?;
    }
    for (pid, region) in people {
        let town = if region.len() >= 9 {
            &region[..9]
        } else {
            region.as_str()
        };
        let mut s = seeker_input(seed ^ pid as u64, town);
        if pid == 1 {
            s.push_opt_in = true;
        }
        profile(pid, s).await?;
        sum.seekers += 1;
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_posting_passes_the_real_checks() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
        let mut rng = Rng::new(7);
        let towns = townships();
        for _ in 0..500 {
            let d = draft(&mut rng, &towns);
            let p = input(&d, today + Days::new(60));
            assert!(p.parse_all(Regions::huzhou(), today).is_ok(), "{p:?}");
        }
        let codes: Vec<&str> = leye_domain::jobs::builtin_occupations()
            .iter()
            .map(|o| o.code.as_str())
            .collect();
        assert!(KINDS.iter().all(|k| codes.contains(&k.occupation)));
        assert!(
            seeker_input(3, "330502102")
                .parse_all(Regions::huzhou())
                .is_ok()
        );
        assert_eq!(posting_records(10, 1, today).count(), 10);
    }
}
