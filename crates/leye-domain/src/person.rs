//! Person (人员) of the registry, and the input that creates or updates one.

use crate::code_enum;
use crate::field::{FieldError, Phone, optional_text, text};
use crate::id_number::{IdNumber, Sex};
use crate::region::{RegionCode, Regions};
use chrono::NaiveDate;
use serde::Deserialize;

code_enum! {
    /// Highest education completed (文化程度).
    Education {
        None = ("none", "无"),
        Primary = ("primary", "小学"),
        JuniorSecondary = ("junior_secondary", "初中"),
        SeniorSecondary = ("senior_secondary", "高中"),
        SecondaryVocational = ("secondary_vocational", "中专/技校"),
        JuniorCollege = ("junior_college", "大专"),
        Bachelor = ("bachelor", "本科"),
        Master = ("master", "硕士研究生"),
        Doctorate = ("doctorate", "博士研究生"),
    }
}

impl Education {
    /// 高校毕业生: a graduate of higher education (大专 and above).
    pub fn is_higher(self) -> bool {
        self >= Education::JuniorCollege
    }
}

code_enum! {
    /// Social-assistance status of the person's household (低保 / 低保边缘).
    Assistance {
        None = ("none", "无"),
        Dibao = ("dibao", "低保"),
        DibaoEdge = ("dibao_edge", "低保边缘"),
    }
}

/// Raw input for a person, as typed in a form, a JSON body or an import row.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// 姓名
    pub name: String,
    /// 身份证号 (18 digits, or legacy 15)
    pub id_number: String,
    /// 联系电话
    #[serde(default)]
    pub phone: Option<String>,
    /// 户籍地行政区划代码 (6 digits, any province)
    #[serde(default)]
    pub hukou_region: Option<String>,
    /// 常住地区划代码 (a Huzhou county, township or village)
    pub residence_region: String,
    /// 居住地址
    #[serde(default)]
    pub address: Option<String>,
    /// 文化程度 code
    #[serde(default)]
    pub education: Option<String>,
    /// 毕业院校
    #[serde(default)]
    pub school: Option<String>,
    /// 毕业日期 YYYY-MM-DD
    #[serde(default)]
    pub graduation_date: Option<String>,
    /// 残疾等级 1-4 (持证), absent if none
    #[serde(default)]
    pub disability_grade: Option<i64>,
    /// 退役军人
    #[serde(default)]
    pub veteran: bool,
    /// 脱贫户 (poverty-alleviated household)
    #[serde(default)]
    pub poverty_alleviated: bool,
    /// 低保 / 低保边缘 status code
    #[serde(default)]
    pub assistance: Option<String>,
    /// 城镇 (true) or 农村 (false)
    #[serde(default = "yes")]
    pub urban: bool,
}

fn yes() -> bool {
    true
}

/// A person's facts, every field checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFacts {
    pub name: String,
    pub id_number: IdNumber,
    pub phone: Option<Phone>,
    pub hukou_region: Option<String>,
    pub residence_region: RegionCode,
    pub address: Option<String>,
    pub education: Education,
    pub school: Option<String>,
    pub graduation_date: Option<NaiveDate>,
    pub disability_grade: Option<u8>,
    pub veteran: bool,
    pub poverty_alleviated: bool,
    pub assistance: Assistance,
    pub urban: bool,
}

/// Parse an optional `YYYY-MM-DD` field.
pub fn optional_date(
    field: &str,
    label: &str,
    raw: Option<&str>,
) -> Result<Option<NaiveDate>, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                FieldError::new(
                    field,
                    "invalid_date",
                    format!("{label}“{s}”不是有效日期(应为YYYY-MM-DD)"),
                )
            }),
    }
}

impl PersonInput {
    /// Check every field; the first problem is returned with its field name.
    pub fn parse(&self, regions: &Regions, today: NaiveDate) -> Result<PersonFacts, FieldError> {
        let name = text("name", "姓名", &self.name, 50)?;
        let id_number = IdNumber::parse(&self.id_number, today)
            .map_err(|e| FieldError::new("id_number", "invalid_id_number", e.to_string()))?;
        let phone = match self
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(p) => Some(Phone::parse("phone", p)?),
            None => None,
        };
        let hukou_region = match self
            .hukou_region
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(h) if h.len() == 6 && h.bytes().all(|b| b.is_ascii_digit()) => Some(h.to_string()),
            Some(h) => {
                return Err(FieldError::new(
                    "hukou_region",
                    "invalid_region",
                    format!("户籍地区划代码“{h}”应为6位数字"),
                ));
            }
        };
        let residence_region = regions
            .code(&self.residence_region)
            .map_err(|e| FieldError::new("residence_region", "unknown_region", e.to_string()))?;
        let address = optional_text(
            "address",
            "居住地址",
            self.address.as_deref().unwrap_or(""),
            200,
        )?;
        let education = match self
            .education
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Education::None,
            Some(e) => Education::parse_field("education", "文化程度", e)?,
        };
        let school = optional_text(
            "school",
            "毕业院校",
            self.school.as_deref().unwrap_or(""),
            100,
        )?;
        let graduation_date = optional_date(
            "graduation_date",
            "毕业日期",
            self.graduation_date.as_deref(),
        )?;
        if let Some(g) = graduation_date
            && g < id_number.birth_date()
        {
            return Err(FieldError::new(
                "graduation_date",
                "invalid_date",
                "毕业日期早于出生日期",
            ));
        }
        let disability_grade = match self.disability_grade {
            None => None,
            Some(g @ 1..=4) => Some(g as u8),
            Some(g) => {
                return Err(FieldError::new(
                    "disability_grade",
                    "invalid_choice",
                    format!("残疾等级应为1-4级,实际为{g}"),
                ));
            }
        };
        let assistance = match self
            .assistance
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Assistance::None,
            Some(a) => Assistance::parse_field("assistance", "低保状态", a)?,
        };
        Ok(PersonFacts {
            name,
            id_number,
            phone,
            hukou_region,
            residence_region,
            address,
            education,
            school,
            graduation_date,
            disability_grade,
            veteran: self.veteran,
            poverty_alleviated: self.poverty_alleviated,
            assistance,
            urban: self.urban,
        })
    }
}

impl PersonFacts {
    pub fn sex(&self) -> Sex {
        self.id_number.sex()
    }
    pub fn birth_date(&self) -> NaiveDate {
        self.id_number.birth_date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn input() -> PersonInput {
        PersonInput {
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            residence_region: "330502102".into(),
            urban: true,
            ..Default::default()
        }
    }

    #[test]
    fn minimal_person_parses() {
        let p = input().parse(Regions::huzhou(), today()).unwrap();
        assert_eq!(p.sex(), Sex::Female);
        assert_eq!(p.education, Education::None);
    }

    #[test]
    fn each_bad_field_is_named() {
        let r = Regions::huzhou();
        type Mutation = Box<dyn Fn(&mut PersonInput)>;
        let cases: Vec<(Mutation, &str, &str)> = vec![
            (Box::new(|p| p.name = " ".into()), "name", "required"),
            (
                Box::new(|p| p.id_number = "110105194912310021".into()),
                "id_number",
                "invalid_id_number",
            ),
            (
                Box::new(|p| p.phone = Some("123".into())),
                "phone",
                "invalid_phone",
            ),
            (
                Box::new(|p| p.residence_region = "110105".into()),
                "residence_region",
                "unknown_region",
            ),
            (
                Box::new(|p| p.education = Some("phd".into())),
                "education",
                "invalid_choice",
            ),
            (
                Box::new(|p| p.graduation_date = Some("2020-02-30".into())),
                "graduation_date",
                "invalid_date",
            ),
            (
                Box::new(|p| p.disability_grade = Some(5)),
                "disability_grade",
                "invalid_choice",
            ),
            (
                Box::new(|p| p.address = Some("路".repeat(201))),
                "address",
                "too_long",
            ),
            (
                Box::new(|p| p.hukou_region = Some("33ab".into())),
                "hukou_region",
                "invalid_region",
            ),
        ];
        for (mutate, field, code) in cases {
            let mut i = input();
            mutate(&mut i);
            let e = i.parse(r, today()).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), (field, code), "{e}");
        }
    }
}
