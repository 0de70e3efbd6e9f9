//! The job market's types (岗位, 求职者): postings and job-seeker profiles as raw inputs that
//! parse into checked facts, the occupation code of the 职业分类大典, the eight-level skill
//! ladder (八级工), and the fair-hiring check (公平就业) every posting passes.

use crate::code_enum;
use crate::field::{FieldError, optional_text, text};
use crate::money::Money;
use crate::person::keep;
use crate::region::{RegionCode, Regions};
use chrono::NaiveDate;
use serde::Deserialize;
use std::sync::LazyLock;

code_enum! {
    /// 技能等级: the eight-level ladder (八级工, 人社部发〔2022〕14号), lowest first.
    SkillLevel {
        Apprentice = ("apprentice", "学徒工"),
        Junior = ("junior", "初级工"),
        Intermediate = ("intermediate", "中级工"),
        Senior = ("senior", "高级工"),
        Technician = ("technician", "技师"),
        SeniorTechnician = ("senior_technician", "高级技师"),
        Special = ("special", "特级技师"),
        Chief = ("chief", "首席技师"),
    }
}

code_enum! {
    /// 专项岗位: a posting of one of the plan's programmes for particular groups (二(三)6,
    /// 二(三)3): jobs carried to villages by the "乐业湖州" bus, caring posts for people who find
    /// work hardest, and posts reserved for veterans (退役军人优先招录).
    Program {
        GongfuBus = ("gongfu_bus", "“乐业湖州”共富班车岗位"),
        Caring = ("caring", "爱心岗位"),
        VeteranDirect = ("veteran_direct", "退役军人定向招录岗位"),
    }
}

code_enum! {
    /// 学历: education, lowest first ("none" = no requirement on a posting).
    Education {
        None = ("none", "不限"),
        Junior = ("junior", "初中"),
        Senior = ("senior", "高中/中专/技校"),
        College = ("college", "大专"),
        Bachelor = ("bachelor", "本科"),
        Master = ("master", "硕士"),
        Doctor = ("doctor", "博士"),
    }
}

code_enum! {
    /// 用工形式: the contract a posting offers.
    ContractType {
        Fixed = ("fixed", "固定期限劳动合同"),
        OpenEnded = ("open_ended", "无固定期限劳动合同"),
        Task = ("task", "以完成一定工作任务为期限"),
        PartTime = ("part_time", "非全日制用工"),
        Gig = ("gig", "零工(灵活用工)"),
    }
}

code_enum! {
    /// 计薪方式: the unit a pay range is quoted in.
    PayUnit {
        Month = ("month", "月薪"),
        Day = ("day", "日薪"),
        Hour = ("hour", "时薪"),
    }
}

impl PayUnit {
    /// The unit written after an amount: 元/月, 元/天, 元/小时.
    pub fn yuan_per(self) -> &'static str {
        match self {
            PayUnit::Month => "元/月",
            PayUnit::Day => "元/天",
            PayUnit::Hour => "元/小时",
        }
    }

    /// [`PayUnit::yuan_per`] of a stored code (monthly when the code is unknown).
    pub fn yuan_per_code(code: &str) -> &'static str {
        PayUnit::from_code(code).map_or("元/月", PayUnit::yuan_per)
    }
}

/// An occupation code of the 职业分类大典 (2022): `6`, `6-18`, `6-18-01` or `6-18-01-01`
/// (major-medium-minor-occupation). The code is a stable id; whether it exists is a question
/// for the taxonomy table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OccupationCode(String);

impl OccupationCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        let parts: Vec<&str> = s.split('-').collect();
        let ok = !s.is_empty()
            && parts.len() <= 4
            && parts[0].len() == 1
            && parts[0].bytes().all(|b| (b'1'..=b'8').contains(&b))
            && parts[1..]
                .iter()
                .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()));
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(FieldError::new(
                field,
                "invalid_occupation",
                format!("职业编码“{s}”格式不对,应如 6-18-01-01(大类-中类-小类-职业)"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The major group (大类), the first digit.
    pub fn major(&self) -> &str {
        &self.0[..1]
    }

    /// Every ancestor and the code itself, broadest first: `6`, `6-18`, `6-18-01`, `6-18-01-01`.
    pub fn path(&self) -> Vec<&str> {
        self.0
            .match_indices('-')
            .map(|(i, _)| &self.0[..i])
            .chain(std::iter::once(self.0.as_str()))
            .collect()
    }

    /// How many levels two codes share (0 = different major groups, 4 = the same occupation).
    pub fn shared_levels(&self, other: &OccupationCode) -> usize {
        Self::shared_packed(self.packed(), other.packed())
    }

    /// The code in four bytes, broadest first (`6-18-01` is `[6, 18, 1, 0xFF]`, an absent
    /// level being `0xFF`): matching compares millions of these without touching a string.
    pub fn packed(&self) -> u32 {
        let mut b = [0xFFu8; 4];
        for (slot, seg) in b.iter_mut().zip(self.0.split('-')) {
            // Parsing guarantees one or two ASCII digits per segment.
            *slot = seg.bytes().fold(0u8, |n, d| n * 10 + (d - b'0'));
        }
        u32::from_be_bytes(b)
    }

    /// [`OccupationCode::shared_levels`] of two packed codes.
    pub fn shared_packed(a: u32, b: u32) -> usize {
        // Equal leading bytes, but no deeper than the shorter code (absent levels are the
        // trailing 0xFF bytes).
        let equal = (a ^ b).leading_zeros() / 8;
        let levels = |x: u32| 4 - x.trailing_ones() / 8;
        equal.min(levels(a)).min(levels(b)) as usize
    }
}

impl std::fmt::Display for OccupationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One entry of the occupation taxonomy (职业分类大典).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Occupation {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
    /// 数字职业 (S)
    pub digital: bool,
    /// 绿色职业 (L)
    pub green: bool,
    /// 已废止: kept so that old postings keep their meaning
    pub deprecated: bool,
    pub source: String,
}

/// Parse one taxonomy row; `parent` must be the code's own prefix (6-18 for 6-18-01).
pub fn occupation_row(
    code: &str,
    name: &str,
    parent: &str,
    digital: bool,
    green: bool,
    deprecated: bool,
    source: &str,
) -> Result<Occupation, FieldError> {
    let c = OccupationCode::parse("code", code)?;
    let name = text("name", "职业名称", name, 100)?;
    let parent = parent.trim();
    let path = c.path();
    let expected = (path.len() > 1).then(|| path[path.len() - 2]);
    let parent = match (parent, expected) {
        ("", None) => None,
        (p, Some(e)) if p == e || p.is_empty() => Some(e.to_string()),
        (p, _) => {
            return Err(FieldError::new(
                "parent",
                "wrong_parent",
                format!(
                    "上级编码“{p}”与职业编码{c}不符,应为“{}”",
                    expected.unwrap_or("空")
                ),
            ));
        }
    };
    let source = match source.trim() {
        "" => "unverified default".to_string(),
        s => s.to_string(),
    };
    Ok(Occupation {
        code: c.0,
        name,
        parent,
        digital,
        green,
        deprecated,
        source,
    })
}

/// The taxonomy shipped with leye (`data/jobs/occupations.csv`): the eight major groups and the
/// occupations the demo needs. The full table is imported from XLSX.
pub fn builtin_occupations() -> &'static [Occupation] {
    static ALL: LazyLock<Vec<Occupation>> = LazyLock::new(|| {
        include_str!("../../../data/jobs/occupations.csv")
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| {
                let f: Vec<&str> = l.splitn(7, ',').collect();
                let flag = |i: usize| f.get(i).is_some_and(|v| v.trim() == "1");
                occupation_row(
                    f.first()?,
                    f.get(1)?,
                    f.get(2)?,
                    flag(3),
                    flag(4),
                    flag(5),
                    f.get(6).copied().unwrap_or(""),
                )
                .ok()
            })
            .collect()
    });
    &ALL
}

#[derive(Deserialize)]
struct FairRule {
    why: String,
    source: String,
    phrases: Vec<String>,
}

#[derive(Deserialize)]
struct FairFile {
    rule: Vec<FairRule>,
}

static FAIR: LazyLock<Vec<FairRule>> = LazyLock::new(|| {
    toml::from_str::<FairFile>(include_str!("../../../data/jobs/fair_hiring.toml"))
        .map(|f| f.rule)
        .unwrap_or_default()
});

/// The first discriminatory phrase in `raw` (公平就业), with why it is unlawful and the law.
pub fn unfair_phrase(raw: &str) -> Option<(String, &'static str, &'static str)> {
    let squeezed: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    FAIR.iter().find_map(|r| {
        r.phrases
            .iter()
            .find(|p| squeezed.contains(p.as_str()))
            .map(|p| (p.clone(), r.why.as_str(), r.source.as_str()))
    })
}

fn fair_text(field: &str, label: &str, s: &str) -> Result<(), FieldError> {
    match unfair_phrase(s) {
        None => Ok(()),
        Some((p, why, source)) => Err(FieldError::new(
            field,
            "discriminatory",
            format!("{label}含有“{p}”:{why}({source})"),
        )),
    }
}

/// Huzhou's surroundings: a coordinate outside is a typing error.
fn coordinate(field: &str, raw: Option<&str>, lo: f64, hi: f64) -> Result<Option<f64>, FieldError> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Ok(Some(v)),
        _ => Err(FieldError::new(
            field,
            "invalid_coordinate",
            format!("坐标“{s}”无效,应在{lo}至{hi}之间(湖州及周边)"),
        )),
    }
}

fn int_in(field: &str, label: &str, raw: &str, lo: i64, hi: i64) -> Result<i64, FieldError> {
    let s = raw.trim();
    match s.parse::<i64>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        _ if s.is_empty() => Err(FieldError::new(
            field,
            "required",
            format!("{label}不能为空"),
        )),
        _ => Err(FieldError::new(
            field,
            "out_of_range",
            format!("{label}“{s}”无效,应为{lo}至{hi}之间的整数"),
        )),
    }
}

fn yuan(field: &str, label: &str, raw: &str) -> Result<Money, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            format!("{label}不能为空"),
        ));
    }
    match Money::parse_yuan(s) {
        Ok(m) if m.fen() > 0 => Ok(m),
        Ok(_) => Err(FieldError::new(
            field,
            "invalid_money",
            format!("{label}应大于0"),
        )),
        Err(e) => Err(FieldError::new(
            field,
            "invalid_money",
            format!("{label}:{e}"),
        )),
    }
}

fn date(field: &str, label: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        FieldError::new(
            field,
            "invalid_date",
            format!("{label}“{}”无效,应为YYYY-MM-DD", raw.trim()),
        )
    })
}

/// Raw input for a job posting (招聘岗位), as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PostingInput {
    /// 岗位名称
    pub title: String,
    /// 岗位描述
    #[serde(default)]
    pub description: String,
    /// 职业编码 (职业分类大典), e.g. 6-18-01-01
    pub occupation: String,
    /// 技能等级 code (apprentice … chief); empty = no requirement
    #[serde(default)]
    pub skill_level: String,
    /// 招聘人数
    pub headcount: String,
    /// 工作地点区划代码 (Huzhou)
    pub region: String,
    /// 工作地址
    #[serde(default)]
    pub address: String,
    /// 纬度 / 经度 (WGS-84); empty = the region's centre
    #[serde(default)]
    pub lat: Option<String>,
    #[serde(default)]
    pub lon: Option<String>,
    /// 计薪方式 (month, day, hour)
    pub pay_unit: String,
    /// 薪酬下限 / 上限 in yuan per pay unit
    pub pay_min: String,
    pub pay_max: String,
    /// 用工形式
    pub contract_type: String,
    /// 合同期限 (months); required for fixed-term contracts
    #[serde(default)]
    pub contract_months: String,
    /// 缴纳社会保险
    #[serde(default)]
    pub social_insurance: bool,
    /// 最低学历 code; empty = none
    #[serde(default)]
    pub education: String,
    /// 年龄要求 (years); empty = none
    #[serde(default)]
    pub age_min: String,
    #[serde(default)]
    pub age_max: String,
    /// 有效期至 YYYY-MM-DD
    pub valid_until: String,
    /// 专项岗位 code (gongfu_bus, caring, veteran_direct); empty = none
    #[serde(default)]
    pub program: String,
}

/// A checked posting.
#[derive(Debug, Clone, PartialEq)]
pub struct PostingFacts {
    pub title: String,
    pub description: String,
    pub occupation: OccupationCode,
    pub skill_level: Option<SkillLevel>,
    pub headcount: i64,
    pub region: RegionCode,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub pay_unit: PayUnit,
    pub pay_min: Money,
    pub pay_max: Money,
    pub contract_type: ContractType,
    pub contract_months: Option<i64>,
    pub social_insurance: bool,
    pub education: Education,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub valid_until: NaiveDate,
    pub program: Option<Program>,
}

impl PostingFacts {
    /// Gig or part-time work (零工): short jobs paid by the hour or day.
    pub fn is_gig(&self) -> bool {
        matches!(
            self.contract_type,
            ContractType::Gig | ContractType::PartTime
        )
    }
}

/// Statutory working age (劳动法第15条: no one under 16).
pub const MIN_WORKING_AGE: i64 = 16;

impl PostingInput {
    /// Check every field and report every problem (never an empty list). `today` bounds the
    /// validity (not in the past, at most 180 days ahead).
    pub fn parse_all(
        &self,
        regions: &Regions,
        today: NaiveDate,
    ) -> Result<PostingFacts, Vec<FieldError>> {
        let mut errs = Vec::new();
        let title = keep(
            &mut errs,
            text("title", "岗位名称", &self.title, 50)
                .and_then(|t| fair_text("title", "岗位名称", &t).map(|()| t)),
        );
        let description = keep(
            &mut errs,
            optional_text("description", "岗位描述", &self.description, 2000)
                .map(Option::unwrap_or_default)
                .and_then(|t| fair_text("description", "岗位描述", &t).map(|()| t)),
        );
        let occupation = keep(
            &mut errs,
            OccupationCode::parse("occupation", &self.occupation),
        );
        let skill_level = keep(
            &mut errs,
            match self.skill_level.trim() {
                "" => Ok(None),
                s => SkillLevel::parse_field("skill_level", "技能等级", s).map(Some),
            },
        );
        let headcount = keep(
            &mut errs,
            int_in("headcount", "招聘人数", &self.headcount, 1, 10_000),
        );
        let region = keep(
            &mut errs,
            regions
                .code(&self.region)
                .map_err(|e| FieldError::new("region", "unknown_region", e.to_string())),
        );
        let address = keep(
            &mut errs,
            optional_text("address", "工作地址", &self.address, 100).map(Option::unwrap_or_default),
        );
        let lat = keep(
            &mut errs,
            coordinate("lat", self.lat.as_deref(), 29.5, 31.8),
        );
        let lon = keep(
            &mut errs,
            coordinate("lon", self.lon.as_deref(), 118.5, 121.5),
        );
        let pay_unit = keep(
            &mut errs,
            PayUnit::parse_field("pay_unit", "计薪方式", self.pay_unit.trim()),
        );
        let pay_min = keep(&mut errs, yuan("pay_min", "薪酬下限", &self.pay_min));
        let pay_max = keep(&mut errs, yuan("pay_max", "薪酬上限", &self.pay_max));
        if let (Some(a), Some(b)) = (pay_min, pay_max)
            && a > b
        {
            errs.push(FieldError::new(
                "pay_max",
                "below_min",
                format!("薪酬上限{b}元低于下限{a}元"),
            ));
        }
        let contract_type = keep(
            &mut errs,
            ContractType::parse_field("contract_type", "用工形式", self.contract_type.trim()),
        );
        let contract_months = keep(
            &mut errs,
            match (contract_type, self.contract_months.trim()) {
                (Some(ContractType::Fixed), _) => int_in(
                    "contract_months",
                    "合同期限(月)",
                    &self.contract_months,
                    1,
                    120,
                )
                .map(Some),
                (_, "") => Ok(None),
                _ => int_in(
                    "contract_months",
                    "合同期限(月)",
                    &self.contract_months,
                    1,
                    120,
                )
                .map(Some),
            },
        );
        let education = keep(
            &mut errs,
            match self.education.trim() {
                "" => Ok(Education::None),
                s => Education::parse_field("education", "学历要求", s),
            },
        );
        let age = |field: &str, label: &str, raw: &str| match raw.trim() {
            "" => Ok(None),
            s => int_in(field, label, s, MIN_WORKING_AGE, 70).map(Some),
        };
        let age_min = keep(&mut errs, age("age_min", "最小年龄", &self.age_min));
        let age_max = keep(&mut errs, age("age_max", "最大年龄", &self.age_max));
        if let (Some(Some(a)), Some(Some(b))) = (age_min, age_max)
            && a > b
        {
            errs.push(FieldError::new(
                "age_max",
                "below_min",
                format!("最大年龄{b}岁小于最小年龄{a}岁"),
            ));
        }
        let valid_until = keep(
            &mut errs,
            date("valid_until", "有效期", &self.valid_until).and_then(|d| {
                if d < today {
                    Err(FieldError::new(
                        "valid_until",
                        "in_past",
                        format!("有效期{d}已过(今天是{today})"),
                    ))
                } else if d > today + chrono::Days::new(180) {
                    Err(FieldError::new(
                        "valid_until",
                        "too_far",
                        "有效期最长180天,到期后可续期".to_string(),
                    ))
                } else {
                    Ok(d)
                }
            }),
        );
        let program = keep(
            &mut errs,
            match self.program.trim() {
                "" => Ok(None),
                s => Program::parse_field("program", "专项岗位", s).map(Some),
            },
        )
        .flatten();
        if !errs.is_empty() {
            return Err(errs);
        }
        let (
            Some(title),
            Some(description),
            Some(occupation),
            Some(skill_level),
            Some(headcount),
            Some(region),
            Some(address),
            Some(lat),
            Some(lon),
            Some(pay_unit),
            Some(pay_min),
            Some(pay_max),
            Some(contract_type),
            Some(contract_months),
            Some(education),
            Some(age_min),
            Some(age_max),
            Some(valid_until),
        ) = (
            title,
            description,
            occupation,
            skill_level,
            headcount,
            region,
            address,
            lat,
            lon,
            pay_unit,
            pay_min,
            pay_max,
            contract_type,
            contract_months,
            education,
            age_min,
            age_max,
            valid_until,
        )
        else {
            return Err(vec![FieldError::new(
                "title",
                "invalid",
                "岗位信息不完整".to_string(),
            )]);
        };
        let centre = regions.get(region.as_str());
        let lat = lat.or(centre.map(|r| r.lat)).unwrap_or(30.8941);
        let lon = lon.or(centre.map(|r| r.lon)).unwrap_or(120.0868);
        Ok(PostingFacts {
            title,
            description,
            occupation,
            skill_level,
            headcount,
            region,
            address,
            lat,
            lon,
            pay_unit,
            pay_min,
            pay_max,
            contract_type,
            contract_months,
            social_insurance: self.social_insurance,
            education,
            age_min,
            age_max,
            valid_until,
            program,
        })
    }
}

/// Raw input for a job-seeker profile (求职意向), linked to a registered person.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SeekerInput {
    /// 意向职业: up to five occupation codes, separated by commas or spaces
    pub occupations: String,
    /// 技能与证书, separated by commas (e.g. "数控车床, 电工证")
    #[serde(default)]
    pub skills: String,
    /// 技能等级 code; empty = none
    #[serde(default)]
    pub skill_level: String,
    /// 学历 code
    #[serde(default)]
    pub education: String,
    /// 求职地区 (区划代码)
    pub region: String,
    /// 可接受通勤距离 (km)
    #[serde(default)]
    pub commute_km: String,
    /// 期望月薪 (元); empty = 不限
    #[serde(default)]
    pub pay_wanted: String,
    /// 可到岗日期 YYYY-MM-DD; empty = 随时
    #[serde(default)]
    pub available_from: String,
    /// 接受零工
    #[serde(default)]
    pub gig_ok: bool,
    /// 接收岗位推送
    #[serde(default)]
    pub push_opt_in: bool,
}

/// A checked job-seeker profile.
#[derive(Debug, Clone, PartialEq)]
pub struct SeekerFacts {
    pub occupations: Vec<OccupationCode>,
    pub skills: Vec<String>,
    pub skill_level: Option<SkillLevel>,
    pub education: Education,
    pub region: RegionCode,
    pub commute_km: i64,
    pub pay_wanted: Option<Money>,
    pub available_from: Option<NaiveDate>,
    pub gig_ok: bool,
    pub push_opt_in: bool,
}

/// Split a list typed with Chinese or Latin commas, semicolons or spaces.
pub fn split_list(raw: &str) -> Vec<String> {
    raw.split([',', ',', ';', ';', '、', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl SeekerInput {
    pub fn parse_all(&self, regions: &Regions) -> Result<SeekerFacts, Vec<FieldError>> {
        let mut errs = Vec::new();
        let codes = split_list(&self.occupations);
        let occupations = keep(
            &mut errs,
            if codes.is_empty() {
                Err(FieldError::new(
                    "occupations",
                    "required",
                    "请至少填写一个意向职业".to_string(),
                ))
            } else if codes.len() > 5 {
                Err(FieldError::new(
                    "occupations",
                    "too_many",
                    "意向职业最多5个".to_string(),
                ))
            } else {
                codes
                    .iter()
                    .map(|c| OccupationCode::parse("occupations", c))
                    .collect::<Result<Vec<_>, _>>()
            },
        );
        let skills = split_list(&self.skills);
        if skills.len() > 20 || skills.iter().any(|s| s.chars().count() > 30) {
            errs.push(FieldError::new(
                "skills",
                "too_long",
                "技能与证书最多20项,每项最多30个字".to_string(),
            ));
        }
        let skill_level = keep(
            &mut errs,
            match self.skill_level.trim() {
                "" => Ok(None),
                s => SkillLevel::parse_field("skill_level", "技能等级", s).map(Some),
            },
        );
        let education = keep(
            &mut errs,
            match self.education.trim() {
                "" => Ok(Education::None),
                s => Education::parse_field("education", "学历", s),
            },
        );
        let region = keep(
            &mut errs,
            regions
                .code(&self.region)
                .map_err(|e| FieldError::new("region", "unknown_region", e.to_string())),
        );
        let commute_km = keep(
            &mut errs,
            match self.commute_km.trim() {
                "" => Ok(10),
                s => int_in("commute_km", "通勤距离(公里)", s, 1, 200),
            },
        );
        let pay_wanted = keep(
            &mut errs,
            match self.pay_wanted.trim() {
                "" => Ok(None),
                s => yuan("pay_wanted", "期望月薪", s).map(Some),
            },
        );
        let available_from = keep(
            &mut errs,
            match self.available_from.trim() {
                "" => Ok(None),
                s => date("available_from", "可到岗日期", s).map(Some),
            },
        );
        match (
            occupations,
            skill_level,
            education,
            region,
            commute_km,
            pay_wanted,
            available_from,
        ) {
            (
                Some(occupations),
                Some(skill_level),
                Some(education),
                Some(region),
                Some(commute_km),
                Some(pay_wanted),
                Some(available_from),
            ) if errs.is_empty() => Ok(SeekerFacts {
                occupations,
                skills,
                skill_level,
                education,
                region,
                commute_km,
                pay_wanted,
                available_from,
                gig_ok: self.gig_ok,
                push_opt_in: self.push_opt_in,
            }),
            _ => Err(errs),
        }
    }
}

/// Great-circle distance in kilometres (haversine).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> PostingInput {
        PostingInput {
            title: "数控车床操作工".into(),
            description: "操作数控车床,加工轴类零件".into(),
            occupation: "6-18-01-01".into(),
            skill_level: "intermediate".into(),
            headcount: "5".into(),
            region: "330502".into(),
            pay_unit: "month".into(),
            pay_min: "6000".into(),
            pay_max: "9000".into(),
            contract_type: "fixed".into(),
            contract_months: "36".into(),
            social_insurance: true,
            valid_until: "2025-03-01".into(),
            ..Default::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 15).unwrap()
    }

    #[test]
    fn a_good_posting_parses_and_takes_the_region_centre() {
        let p = sample().parse_all(Regions::huzhou(), today()).unwrap();
        assert_eq!(p.occupation.major(), "6");
        assert!((p.lat - 30.8572).abs() < 1e-9);
        assert!(!p.is_gig());
    }

    #[test]
    fn every_bad_field_is_named() {
        let p = PostingInput {
            title: "普工,限男性".into(),
            occupation: "9-1".into(),
            headcount: "0".into(),
            region: "110101".into(),
            pay_min: "5000".into(),
            pay_max: "4000".into(),
            contract_months: String::new(),
            age_min: "15".into(),
            valid_until: "2024-01-01".into(),
            ..sample()
        };
        let errs = p.parse_all(Regions::huzhou(), today()).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "title",
                "occupation",
                "headcount",
                "region",
                "pay_max",
                "contract_months",
                "age_min",
                "valid_until"
            ]
        );
        assert!(
            errs[0].message.contains("就业促进法第27条"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn discrimination_hides_behind_spaces_too() {
        assert!(unfair_phrase("要求:限 男 性").is_some());
        assert!(unfair_phrase("已 婚 已 育优先").is_some());
        assert!(unfair_phrase("男女不限,欢迎应届毕业生").is_none());
    }

    #[test]
    fn the_builtin_taxonomy_is_whole() {
        let all = builtin_occupations();
        for l in include_str!("../../../data/jobs/occupations.csv")
            .lines()
            .skip(1)
        {
            let code = l.split(',').next().unwrap_or("");
            assert!(all.iter().any(|o| o.code == code), "row {l} does not parse");
        }
        let majors = all.iter().filter(|o| o.parent.is_none()).count();
        assert_eq!(majors, 8);
        for o in all {
            if let Some(p) = &o.parent {
                assert!(
                    all.iter().any(|x| &x.code == p),
                    "{} has no parent {p}",
                    o.code
                );
            }
        }
        assert!(occupation_row("6-18-01", "x", "6-17", false, false, false, "").is_err());
    }

    #[test]
    fn occupation_paths() {
        let a = OccupationCode::parse("o", "6-18-01-01").unwrap();
        let b = OccupationCode::parse("o", "6-18-02-04").unwrap();
        assert_eq!(a.path(), ["6", "6-18", "6-18-01", "6-18-01-01"]);
        assert_eq!(a.shared_levels(&b), 2);
        assert_eq!(a.shared_levels(&a), 4);
        for bad in ["", "0", "9-18", "6-1", "6-18-01-01-01", "6_18", "６-18"] {
            assert!(OccupationCode::parse("o", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn seekers_parse() {
        let s = SeekerInput {
            occupations: "6-18-01-01, 6-18-02-04".into(),
            skills: "数控车床、电工证".into(),
            region: "330502001".into(),
            pay_wanted: "6000".into(),
            ..Default::default()
        };
        let f = s.parse_all(Regions::huzhou()).unwrap();
        assert_eq!(f.occupations.len(), 2);
        assert_eq!(f.skills, ["数控车床", "电工证"]);
        assert_eq!(f.commute_km, 10);
        let bad = SeekerInput {
            occupations: String::new(),
            region: "x".into(),
            ..s
        };
        assert_eq!(bad.parse_all(Regions::huzhou()).unwrap_err().len(), 2);
    }

    #[test]
    fn distances() {
        // 吴兴区 to 长兴县 centres: about 30 km.
        let d = distance_km(30.8572, 120.1858, 31.0265, 119.9108);
        assert!((25.0..40.0).contains(&d), "{d}");
        assert!(distance_km(30.0, 120.0, 30.0, 120.0).abs() < 1e-9);
    }

    proptest! {
        #[test]
        fn posting_parsing_never_panics(title in "\\PC{0,60}", pay in "\\PC{0,12}", occ in "[0-9-]{0,14}", lat in "\\PC{0,10}") {
            let p = PostingInput { title, pay_min: pay.clone(), pay_max: pay, occupation: occ, lat: Some(lat), ..sample() };
            let _ = p.parse_all(Regions::huzhou(), today());
        }

        #[test]
        fn occupation_codes_round_trip(a in 1u8..=8, b in 0u8..100, c in 0u8..100, d in 0u8..100) {
            let s = format!("{a}-{b:02}-{c:02}-{d:02}");
            let code = OccupationCode::parse("o", &s).unwrap();
            prop_assert_eq!(code.as_str(), s.as_str());
            prop_assert_eq!(code.path().len(), 4);
        }

        /// Packed codes share exactly the levels the written codes share.
        #[test]
        fn packed_codes_share_what_the_strings_share(a in prop::collection::vec(0u8..3, 1..=4), b in prop::collection::vec(0u8..3, 1..=4)) {
            let code = |v: &[u8]| {
                let mut s = format!("{}", v[0] + 1);
                for x in &v[1..] {
                    s.push_str(&format!("-{x:02}"));
                }
                OccupationCode::parse("o", &s).unwrap()
            };
            let (x, y) = (code(&a), code(&b));
            let by_text = x.as_str().split('-').zip(y.as_str().split('-')).take_while(|(p, q)| p == q).count();
            prop_assert_eq!(x.shared_levels(&y), by_text);
        }
    }
}
