//! A situation (情形): the persons, households, enterprises and employment relations the
//! engine decides about, read from JSON (`leye policy eval`, `POST /api/v1/policy/evaluate`,
//! the self-check form) or built from the registry by the sweep.
//!
//! Every fact is optional: a fact that is absent is *unknown*, and a rule that needs it says
//! "cannot decide" and names it. Facts that only some measures need sit in sub-objects
//! (`business`, `public_welfare_post`, ...): a measure whose sub-object is absent does not
//! apply to that subject and is not listed.

use chrono::NaiveDate;
use leye_domain::code_enum;
use leye_domain::person::{Assistance, Education};
use leye_domain::{FieldError, Sex};
use serde::Deserialize;
use std::collections::HashSet;

code_enum! {
    /// 残疾类别: kind of disability on the certificate.
    DisabilityKind {
        Visual = ("visual", "视力残疾"),
        Hearing = ("hearing", "听力残疾"),
        Speech = ("speech", "言语残疾"),
        Physical = ("physical", "肢体残疾"),
        Intellectual = ("intellectual", "智力残疾"),
        Mental = ("mental", "精神残疾"),
        Multiple = ("multiple", "多重残疾"),
    }
}

code_enum! {
    /// 特定从业人员: people without a labour relation who may join work-injury insurance
    /// alone (plan 二(六)1).
    SpecialWorker {
        OlderWorker = ("older_worker", "超过法定退休年龄的大龄劳动者"),
        InternStudent = ("intern_student", "实习学生"),
        Trainee = ("trainee", "就业见习人员"),
        PlatformWorker = ("platform_worker", "新就业形态劳动者"),
        DomesticWorker = ("domestic_worker", "家政服务人员"),
        VillageCadre = ("village_cadre", "在职村干部和专职社区工作者"),
        Extra = ("extra", "群众演员"),
    }
}

code_enum! {
    /// 技师学院班级: the class a student of the city's technician college attends.
    SkillsClass {
        SeniorWorker = ("senior_worker", "高级工班"),
        Technician = ("technician", "技师班"),
    }
}

code_enum! {
    /// 数字技术工程师等级
    DigitalLevel {
        Junior = ("junior", "初级"),
        Intermediate = ("intermediate", "中级"),
        Senior = ("senior", "高级"),
    }
}

code_enum! {
    /// 和谐劳动关系企业(园区)称号级别
    AwardLevel {
        National = ("national", "国家级"),
        Provincial = ("provincial", "省级"),
        Municipal = ("municipal", "市级"),
    }
}

code_enum! {
    /// 用工形式: what kind of employment relation this is.
    EmploymentKind {
        /// 劳动合同用工
        Regular = ("regular", "劳动合同用工"),
        /// 就业见习
        Traineeship = ("traineeship", "就业见习"),
        /// 公益性岗位
        PublicWelfarePost = ("public_welfare_post", "公益性岗位"),
    }
}

/// A person and the facts known about them.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Identifier within the situation (any text; the sweep uses the registry id)
    pub id: String,
    pub birth: Option<NaiveDate>,
    pub sex: Option<Sex>,
    /// 原法定退休年龄 (60 men; 50 or 55 women). Absent: 60 men, 50 women.
    pub original_retirement_age: Option<u32>,
    /// 户籍地区划代码 (6 digits)
    pub hukou_region: Option<String>,
    pub education: Option<Education>,
    pub graduation_date: Option<NaiveDate>,
    /// 在校大学生
    pub student: Option<bool>,
    /// 在浙江省登记失业
    pub registered_unemployed: Option<bool>,
    pub registered_unemployed_since: Option<NaiveDate>,
    /// 连续领取失业保险金月数
    pub benefit_consecutive_months: Option<u32>,
    /// 零就业家庭成员 (absent: derived from the household when one is given)
    pub zero_employment_household: Option<bool>,
    pub assistance: Option<Assistance>,
    /// 持有残疾人证
    pub disability_certificate: Option<bool>,
    pub disability_kind: Option<DisabilityKind>,
    /// 残疾等级 1-4 (1, 2 = 重度)
    pub disability_grade: Option<u8>,
    /// 自主就业退役军人
    pub veteran_self_employed: Option<bool>,
    /// 脱贫户成员 / 脱贫劳务人员
    pub poverty_alleviated: Option<bool>,
    /// 已认定为就业困难人员 (absent: the engine's own identification is used)
    pub hard_to_employ: Option<bool>,
    /// 目前就业
    pub employed: Option<bool>,
    /// 能够并愿意工作
    pub able_to_work: Option<bool>,
    /// 在湖州就业(工作地在湖州)
    pub works_in_huzhou: Option<bool>,
    /// 灵活就业人员
    pub flexible_worker: Option<bool>,
    /// 无劳动关系的特定从业人员类别
    pub special_worker: Option<SpecialWorker>,
    pub business: Option<Business>,
    pub researcher: Option<Researcher>,
    pub paired_assistance: Option<PairedAssistance>,
    pub skills_class: Option<SkillsClassFacts>,
    pub digital_engineer: Option<DigitalEngineer>,
}

/// 创业: the business a person started (plan 二(二)2, 二(二)3).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Business {
    /// 营业执照登记日期
    pub founded: Option<NaiveDate>,
    /// 在湖州登记
    pub registered_in_huzhou: Option<bool>,
    /// 本人为法定代表人或主要负责人
    pub legal_representative: Option<bool>,
    /// 正常经营
    pub operating: Option<bool>,
    /// 首次创业(此前未领取过一次性创业补贴)
    pub first_subsidy: Option<bool>,
    /// 青创项目
    pub youth_project: Option<bool>,
    /// 农村电商
    pub rural_ecommerce: Option<bool>,
    /// 招用并缴纳职工养老保险满1年的人数(本年度)
    pub insured_hires: Option<u32>,
    /// 租用经营场地(非自有)
    pub rented_premises: Option<bool>,
    /// 本年度实付租金(分)
    pub annual_rent_fen: Option<i64>,
    /// 申请的创业担保贷款金额(分)
    pub loan_requested_fen: Option<i64>,
    /// 小微企业申请贷款
    pub loan_as_enterprise: Option<bool>,
}

/// 科研人员离岗创业 (plan 二(二)4).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Researcher {
    /// 事业单位在编在岗科研人员
    pub public_institution_staff: Option<bool>,
    /// 到市内企业从事科技工作或在市内创办企业
    pub to_huzhou_enterprise: Option<bool>,
    /// 离岗开始日期
    pub leave_start: Option<NaiveDate>,
    /// 申请的离岗年数
    pub requested_years: Option<u32>,
    /// 续签申请(已离岗期满)
    pub renewal: Option<bool>,
    /// 续签有确需理由并经所在单位同意
    pub renewal_justified: Option<bool>,
}

/// 对口帮扶地区来湖就业 (plan 二(三)5).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PairedAssistance {
    /// 首次来湖就业日期
    pub arrived: Option<NaiveDate>,
    /// 在湖连续就业月数
    pub months_employed: Option<u32>,
    /// 本年度已领取探亲补贴
    pub visit_subsidy_this_year: Option<bool>,
    /// 已领取过一次性交通补贴
    pub transport_subsidy_received: Option<bool>,
}

/// 技师学院就读 (plan 二(四)1).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SkillsClassFacts {
    pub class: Option<SkillsClass>,
    /// 就读本市技师学院
    pub huzhou_technician_college: Option<bool>,
    /// 在籍在读
    pub enrolled: Option<bool>,
}

/// 数字技术工程师培训 (plan 二(四)3).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DigitalEngineer {
    pub level: Option<DigitalLevel>,
    /// 取得证书日期
    pub certified: Option<NaiveDate>,
    /// 在湖州参加社会保险或户籍在湖州
    pub huzhou_insured: Option<bool>,
    /// 同一等级已领取过补贴
    pub already_subsidised: Option<bool>,
}

/// A household and its members.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Household {
    pub id: String,
    /// Person ids
    pub members: Vec<String>,
    /// 城镇家庭
    pub urban: Option<bool>,
    /// 有经营性收入或投资性收入
    pub business_income: Option<bool>,
}

/// An enterprise (or another employing unit) and the facts known about it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Enterprise {
    pub id: String,
    pub name: Option<String>,
    /// 在湖州登记注册
    pub registered_in_huzhou: Option<bool>,
    /// 在职职工人数
    pub staff: Option<u32>,
    /// 其中安排的持证残疾人数
    pub disabled_staff: Option<u32>,
    /// 为"残疾人之家"服务对象提供的辅助性就业岗位数
    pub disability_home_posts: Option<u32>,
    /// 获得的和谐劳动关系企业(园区)称号
    pub harmonious_award: Option<AwardLevel>,
    pub harmonious_award_date: Option<NaiveDate>,
    /// 本级称号已领取过奖励
    pub harmonious_award_rewarded: Option<bool>,
    /// 省外合作职业院校: students sent to the city's technician college this year
    pub partner_college_students: Option<u32>,
    /// 是省外职业院校
    pub outside_zhejiang_college: Option<bool>,
}

/// An employment relation between a person and an enterprise.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Employment {
    pub person: String,
    pub enterprise: String,
    pub kind: Option<EmploymentKind>,
    /// 入职(见习、上岗)日期
    pub start: Option<NaiveDate>,
    /// 见习或岗位结束日期
    pub end: Option<NaiveDate>,
    pub labour_contract: Option<bool>,
    /// 入职后单位为其缴纳失业、工伤、职工养老保险的月数
    pub contribution_months: Option<u32>,
    pub full_time: Option<bool>,
    /// 月工资(分)
    pub monthly_pay_fen: Option<i64>,
    /// 公益性岗位: 此前安置次数
    pub prior_placements: Option<u32>,
    /// 公益性岗位: 本次安置初次核定日期
    pub first_approval: Option<NaiveDate>,
    /// 见习: 见习单位为见习基地
    pub traineeship_base: Option<bool>,
    /// 离校后首次就业(离校至入职期间未就业)
    pub first_job_after_school: Option<bool>,
    /// 招用时为登记失业人员
    pub hired_from_registered_unemployment: Option<bool>,
}

/// The whole situation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Situation {
    #[serde(default)]
    pub persons: Vec<Person>,
    #[serde(default)]
    pub households: Vec<Household>,
    #[serde(default)]
    pub enterprises: Vec<Enterprise>,
    #[serde(default)]
    pub employments: Vec<Employment>,
}

impl Situation {
    /// Parse a situation from JSON; a bad situation names the field.
    pub fn from_json(text: &str) -> Result<Self, FieldError> {
        let s: Situation = leye_domain::json::parse(text.as_bytes()).map_err(|e| FieldError {
            message: format!("情形数据有误: {}", e.message),
            ..e
        })?;
        s.check()?;
        Ok(s)
    }

    /// Check ids are unique and references resolve.
    pub fn check(&self) -> Result<(), FieldError> {
        let unique = |kind: &str, ids: Vec<&str>| -> Result<HashSet<String>, FieldError> {
            let mut seen = HashSet::new();
            for (i, id) in ids.into_iter().enumerate() {
                if id.trim().is_empty() {
                    return Err(FieldError::new(
                        &format!("{kind}[{i}].id"),
                        "required",
                        format!("{kind}[{i}]缺少id"),
                    ));
                }
                if !seen.insert(id.to_string()) {
                    return Err(FieldError::new(
                        &format!("{kind}[{i}].id"),
                        "duplicate",
                        format!("{kind}[{i}]的id“{id}”重复"),
                    ));
                }
            }
            Ok(seen)
        };
        let persons = unique(
            "persons",
            self.persons.iter().map(|p| p.id.as_str()).collect(),
        )?;
        unique(
            "households",
            self.households.iter().map(|h| h.id.as_str()).collect(),
        )?;
        let enterprises = unique(
            "enterprises",
            self.enterprises.iter().map(|e| e.id.as_str()).collect(),
        )?;
        let mut in_household = HashSet::new();
        for (i, h) in self.households.iter().enumerate() {
            for m in &h.members {
                if !persons.contains(m) {
                    return Err(FieldError::new(
                        &format!("households[{i}].members"),
                        "unknown_person",
                        format!("households[{i}]的成员“{m}”不在persons中"),
                    ));
                }
                if !in_household.insert(m.clone()) {
                    return Err(FieldError::new(
                        &format!("households[{i}].members"),
                        "duplicate",
                        format!("人员“{m}”同时属于多个家庭"),
                    ));
                }
            }
        }
        for (i, e) in self.employments.iter().enumerate() {
            if !persons.contains(&e.person) {
                return Err(FieldError::new(
                    &format!("employments[{i}].person"),
                    "unknown_person",
                    format!("employments[{i}]的人员“{}”不在persons中", e.person),
                ));
            }
            if !enterprises.contains(&e.enterprise) {
                return Err(FieldError::new(
                    &format!("employments[{i}].enterprise"),
                    "unknown_enterprise",
                    format!("employments[{i}]的单位“{}”不在enterprises中", e.enterprise),
                ));
            }
        }
        for (i, p) in self.persons.iter().enumerate() {
            if let Some(g) = p.disability_grade
                && !(1..=4).contains(&g)
            {
                return Err(FieldError::new(
                    &format!("persons[{i}].disability_grade"),
                    "out_of_range",
                    format!("persons[{i}]的残疾等级应为1-4"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_situations_name_the_field() {
        let e =
            Situation::from_json(r#"{"persons":[{"id":"a","birth":"1990-13-01"}]}"#).unwrap_err();
        assert_eq!(e.field, "persons[0].birth");
        let e = Situation::from_json(r#"{"persons":[{"id":"a","colour":"red"}]}"#).unwrap_err();
        assert!(e.message.contains("colour"), "{}", e.message);
        let e = Situation::from_json(
            r#"{"persons":[{"id":"a"}],"households":[{"id":"h","members":["b"]}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "households[0].members");
        let e = Situation::from_json(r#"{"persons":[{"id":"a"},{"id":"a"}]}"#).unwrap_err();
        assert_eq!(e.code, "duplicate");
        let e = Situation::from_json(
            r#"{"persons":[{"id":"a"}],"employments":[{"person":"a","enterprise":"x"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "employments[0].enterprise");
        let e = Situation::from_json(r#"{"persons":[{"id":"a","sex":"X"}]}"#).unwrap_err();
        assert_eq!(e.field, "persons[0].sex");
    }
}
