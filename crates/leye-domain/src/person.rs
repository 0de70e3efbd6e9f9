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
        self.parse_all(regions, today).map_err(|mut e| e.remove(0))
    }

    /// Check every field and report every problem (for forms that show each error next to
    /// its field). The error list is never empty.
    pub fn parse_all(
        &self,
        regions: &Regions,
        today: NaiveDate,
    ) -> Result<PersonFacts, Vec<FieldError>> {
        let mut errs = Vec::new();
        let name = keep(&mut errs, text("name", "姓名", &self.name, 50));
        let id_number = keep(
            &mut errs,
            IdNumber::parse(&self.id_number, today)
                .map_err(|e| FieldError::new("id_number", "invalid_id_number", e.to_string())),
        );
        let phone = keep(
            &mut errs,
            match nonblank(&self.phone) {
                Some(p) => Phone::parse("phone", p).map(Some),
                None => Ok(None),
            },
        );
        let hukou_region = keep(
            &mut errs,
            match nonblank(&self.hukou_region) {
                None => Ok(None),
                Some(h) if h.len() == 6 && h.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Some(h.to_string()))
                }
                Some(h) => Err(FieldError::new(
                    "hukou_region",
                    "invalid_region",
                    format!("户籍地区划代码“{h}”应为6位数字"),
                )),
            },
        );
        let residence_region = keep(
            &mut errs,
            regions
                .code(&self.residence_region)
                .map_err(|e| FieldError::new("residence_region", "unknown_region", e.to_string())),
        );
        let address = keep(
            &mut errs,
            optional_text(
                "address",
                "居住地址",
                self.address.as_deref().unwrap_or(""),
                200,
            ),
        );
        let education = keep(
            &mut errs,
            match nonblank(&self.education) {
                None => Ok(Education::None),
                Some(e) => Education::parse_field("education", "文化程度", e),
            },
        );
        let school = keep(
            &mut errs,
            optional_text(
                "school",
                "毕业院校",
                self.school.as_deref().unwrap_or(""),
                100,
            ),
        );
        let graduation_date = keep(
            &mut errs,
            optional_date(
                "graduation_date",
                "毕业日期",
                self.graduation_date.as_deref(),
            ),
        );
        let disability_grade = keep(
            &mut errs,
            match self.disability_grade {
                None => Ok(None),
                Some(g @ 1..=4) => Ok(Some(g as u8)),
                Some(g) => Err(FieldError::new(
                    "disability_grade",
                    "invalid_choice",
                    format!("残疾等级应为1-4级,实际为{g}"),
                )),
            },
        );
        let assistance = keep(
            &mut errs,
            match nonblank(&self.assistance) {
                None => Ok(Assistance::None),
                Some(a) => Assistance::parse_field("assistance", "低保状态", a),
            },
        );
        if let (Some(Some(g)), Some(id)) = (&graduation_date, &id_number)
            && *g < id.birth_date()
        {
            errs.push(FieldError::new(
                "graduation_date",
                "invalid_date",
                "毕业日期早于出生日期",
            ));
        }
        let (
            Some(name),
            Some(id_number),
            Some(phone),
            Some(hukou_region),
            Some(residence_region),
            Some(address),
            Some(education),
            Some(school),
            Some(graduation_date),
            Some(disability_grade),
            Some(assistance),
        ) = (
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
            assistance,
        )
        else {
            return Err(errs);
        };
        if !errs.is_empty() {
            return Err(errs);
        }
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

fn nonblank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Keep a field's value, or record its error.
pub fn keep<T>(errs: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errs.push(e);
            None
        }
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
    fn parse_all_reports_every_error() {
        let mut i = input();
        i.name = String::new();
        i.phone = Some("1".into());
        i.residence_region = "9".into();
        let errs = i.parse_all(Regions::huzhou(), today()).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "phone", "residence_region"]);
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
