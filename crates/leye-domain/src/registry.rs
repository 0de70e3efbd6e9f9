//! 名录: registries kept as rows of typed fields — training providers, certificates, startup
//! spaces, HR service institutions and the like. A [`Registry`] says what its rows hold (each
//! [`Field`] with its Chinese header, the other headers officials write for it, and a [`Kind`]
//! that parses a cell or a form value into a checked [`Value`]), its natural key (what an
//! import upserts by), the region it is counted in and the date it is counted by. The store
//! writes and reads any registry from this description, the import reads files with it, and
//! the web shows its pages from it; rules a database can hold are also in the migration.
//!
//! Pure: references to people, enterprises and other registries are parsed here (an ID
//! number, a credit code, a name) and resolved to ids by the store.

use crate::field::{FieldError, optional_text};
use crate::jobs::{OccupationCode, SkillLevel};
use crate::{CreditCode, IdNumber, Money, Regions, cells};

/// What a field holds and how its text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text of at most this many characters.
    Text(usize),
    /// A whole number in `[min, max]`.
    Int(i64, i64),
    /// An amount written in yuan, stored in fen.
    Money,
    /// A date, stored as `YYYY-MM-DD`.
    Date,
    /// A region code of Huzhou (city, county, township or village).
    Region,
    /// One of a fixed list: (code, Chinese label); a cell may hold either.
    Choice(&'static [(&'static str, &'static str)]),
    /// 是/否, stored as 0/1.
    Flag,
    /// A person of the registry, written as their ID number, stored as their id.
    Person,
    /// An enterprise, written as its credit code, stored as its id.
    Enterprise,
    /// A row of another registry (its id), written as that row's name: the registry's table
    /// and title column.
    Ref(&'static str, &'static str),
    /// An occupation code of the 职业分类大典.
    Occupation,
    /// A level of the eight-level ladder (八级工).
    Level,
    /// A credit code kept as text (of an organisation that need not be an enterprise here).
    CreditText,
}

/// One field of a registry.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Column name (and form/JSON field name).
    pub name: &'static str,
    /// Chinese header of forms, lists and files.
    pub header: &'static str,
    /// Other headers officials write for it.
    pub aliases: &'static [&'static str],
    pub kind: Kind,
    pub required: bool,
    /// An example value for the import template.
    pub example: &'static str,
    /// Shown as a column of the list.
    pub listed: bool,
}

/// A parsed value, before the store resolves references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    /// A person's ID number (to resolve).
    Person(String),
    /// An enterprise's credit code (to resolve).
    Enterprise(String),
    /// The name of a row of another registry (its table and title column), to resolve.
    Ref(&'static str, &'static str, String),
}

/// 名录分组: where a registry belongs in the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// 技能提升 (plan 二(四))
    Skills,
    /// 创业促进 (plan 二(二))
    Startup,
    /// 企业与人力资源服务 (plan 二(五)2, 二(五)4)
    Service,
    /// 劳动者权益 (plan 二(六), 一)
    Rights,
}

impl Area {
    pub fn label_zh(self) -> &'static str {
        match self {
            Area::Skills => "技能提升",
            Area::Startup => "创业促进",
            Area::Service => "企业与人力资源服务",
            Area::Rights => "劳动者权益",
        }
    }
}

/// A rule between fields of one row.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// The first date is not after the second.
    NotAfter(&'static str, &'static str),
    /// The first number is not above the second.
    NotAbove(&'static str, &'static str),
    /// The first field is given exactly when the second (a choice) has this code.
    GivenWhen(&'static str, &'static str, &'static str),
    /// The first field is empty exactly when the second (a choice) has this code.
    EmptyWhen(&'static str, &'static str, &'static str),
}

/// A registry: its rows' table and fields, and how it is keyed, placed and counted.
#[derive(Debug, Clone, Copy)]
pub struct Registry {
    /// URL slug, e.g. `training-providers`.
    pub id: &'static str,
    /// Table of the rows (every one also has `region`, `created_by`, `created_at`, `updated_at`).
    pub table: &'static str,
    /// Chinese name, e.g. 培训机构.
    pub label: &'static str,
    pub area: Area,
    /// The plan's clause, e.g. `二(四)3`.
    pub clause: &'static str,
    /// One sentence for the page.
    pub about: &'static str,
    pub fields: &'static [Field],
    /// The field other registries refer to a row by (unique), and a list's first column.
    pub title: &'static str,
    /// The natural key an import upserts by (unique in the table).
    pub key: &'static [&'static str],
    /// The date field the row counts from (a flow in its month, a stock from then on).
    pub counted_on: &'static str,
    /// When the region may be left out: the field whose row or enterprise gives it.
    pub region_from: Option<&'static str>,
    pub checks: &'static [Check],
}

/// Header of the region column every registry has.
pub const REGION_HEADER: &str = "所在区划代码";

impl Registry {
    /// A field by name.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Parse a row given as `get(field name)` (the region under `region`): every field, then
    /// the rules between fields. All problems are reported, not only the first.
    pub fn parse(&self, get: impl Fn(&str) -> String) -> Result<Parsed, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut values = Vec::with_capacity(self.fields.len());
        for f in self.fields {
            match f.parse(&get(f.name)) {
                Ok(v) => values.push(v),
                Err(e) => {
                    errors.push(e);
                    values.push(Value::Null);
                }
            }
        }
        let raw_region = cells::normalize(&get("region"));
        let region = if raw_region.is_empty() && self.region_from.is_some() {
            None
        } else {
            match Regions::huzhou().code(&raw_region) {
                Ok(c) => Some(c.as_str().to_string()),
                Err(_) => {
                    errors.push(region_error(&raw_region));
                    None
                }
            }
        };
        let parsed = Parsed { values, region };
        if errors.is_empty() {
            for c in self.checks {
                if let Some(e) = self.check(c, &parsed) {
                    errors.push(e);
                }
            }
        }
        if errors.is_empty() {
            Ok(parsed)
        } else {
            Err(errors)
        }
    }

    fn at(&self, name: &str) -> (usize, &'static Field) {
        let i = self.fields.iter().position(|f| f.name == name).unwrap_or(0);
        (i, &self.fields[i])
    }

    fn check(&self, c: &Check, p: &Parsed) -> Option<FieldError> {
        match *c {
            Check::NotAfter(a, b) | Check::NotAbove(a, b) => {
                let ((ia, fa), (ib, fb)) = (self.at(a), self.at(b));
                let bad = match (&p.values[ia], &p.values[ib]) {
                    (Value::Text(x), Value::Text(y)) => x > y,
                    (Value::Int(x), Value::Int(y)) => x > y,
                    _ => false,
                };
                let word = if matches!(c, Check::NotAfter(..)) {
                    "晚于"
                } else {
                    "大于"
                };
                bad.then(|| {
                    FieldError::new(
                        a,
                        "out_of_order",
                        format!("{}不能{word}{}", fa.header, fb.header),
                    )
                })
            }
            Check::GivenWhen(a, b, code) | Check::EmptyWhen(a, b, code) => {
                let ((ia, fa), (ib, fb)) = (self.at(a), self.at(b));
                let chosen = p.values[ib] == Value::Text(code.to_string());
                let given = p.values[ia] != Value::Null;
                let label = label_of(fb.kind, code);
                let (ok, why) = if matches!(c, Check::GivenWhen(..)) {
                    (
                        given == chosen,
                        if chosen {
                            format!("{}为“{label}”时必须填写{}", fb.header, fa.header)
                        } else {
                            format!("只有{}为“{label}”时才填写{}", fb.header, fa.header)
                        },
                    )
                } else {
                    (
                        given != chosen,
                        if chosen {
                            format!("{}为“{label}”时不填{}", fb.header, fa.header)
                        } else {
                            format!("请填写{}", fa.header)
                        },
                    )
                };
                (!ok).then(|| FieldError::new(a, "inconsistent", why))
            }
        }
    }
}

/// A row parsed from text: one value per field in order, and its region (`None`: take it
/// from the field named by `region_from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub values: Vec<Value>,
    pub region: Option<String>,
}

fn region_error(raw: &str) -> FieldError {
    if raw.is_empty() {
        FieldError::new("region", "required", format!("请填写{REGION_HEADER}"))
    } else {
        FieldError::new(
            "region",
            "unknown_region",
            format!("区划代码“{raw}”不是湖州市的区划(应为6、9或12位代码,如330502)"),
        )
    }
}

/// The label of a choice's code (the code itself when unknown).
pub fn label_of(kind: Kind, code: &str) -> &str {
    match kind {
        Kind::Choice(all) => all
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(code, |(_, l)| l),
        Kind::Level => SkillLevel::from_code(code).map_or(code, |l| l.label_zh()),
        Kind::Flag => match code {
            "1" => "是",
            "0" => "否",
            _ => code,
        },
        _ => code,
    }
}

impl Field {
    /// A required, listed field without aliases or example.
    pub const fn new(name: &'static str, header: &'static str, kind: Kind) -> Self {
        Field {
            name,
            header,
            aliases: &[],
            kind,
            required: true,
            example: "",
            listed: true,
        }
    }

    /// The same field, optional.
    pub const fn optional(self) -> Self {
        Field {
            required: false,
            ..self
        }
    }

    /// The same field, left out of lists (shown on the record's page).
    pub const fn unlisted(self) -> Self {
        Field {
            listed: false,
            ..self
        }
    }

    /// The same field with an example for the import template.
    pub const fn example(self, example: &'static str) -> Self {
        Field { example, ..self }
    }

    /// The same field with other headers officials write for it.
    pub const fn aliases(self, aliases: &'static [&'static str]) -> Self {
        Field { aliases, ..self }
    }

    /// Parse the field's text (a form value or an import cell).
    pub fn parse(&self, raw: &str) -> Result<Value, FieldError> {
        let s = cells::normalize(raw);
        let (name, label) = (self.name, self.header);
        if s.is_empty() {
            return if self.required {
                Err(FieldError::new(name, "required", format!("请填写{label}")))
            } else if self.kind == Kind::Flag {
                Ok(Value::Int(0))
            } else {
                Ok(Value::Null)
            };
        }
        Ok(match self.kind {
            Kind::Text(max) => {
                Value::Text(optional_text(name, label, &s, max)?.unwrap_or_default())
            }
            Kind::Int(min, max) => {
                let n: i64 = s.replace(',', "").parse().map_err(|_| {
                    FieldError::new(name, "invalid_number", format!("{label}“{s}”不是整数"))
                })?;
                if !(min..=max).contains(&n) {
                    return Err(FieldError::new(
                        name,
                        "out_of_range",
                        format!("{label}应在{min}到{max}之间,填的是{n}"),
                    ));
                }
                Value::Int(n)
            }
            Kind::Money => Value::Int(
                Money::parse_yuan(&s)
                    .map_err(|e| {
                        FieldError::new(name, "invalid_amount", format!("{label}: {}", e.0))
                    })?
                    .fen(),
            ),
            Kind::Date => Value::Text(
                cells::required_date(name, label, &s)?
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
            Kind::Region => Value::Text(
                Regions::huzhou()
                    .code(&s)
                    .map_err(|_| {
                        let mut e = region_error(&s);
                        e.field = name.to_string();
                        e
                    })?
                    .as_str()
                    .to_string(),
            ),
            Kind::Choice(all) => {
                let code = all
                    .iter()
                    .find(|(c, l)| *c == s || *l == s)
                    .map(|(c, _)| *c)
                    .ok_or_else(|| {
                        let labels: Vec<&str> = all.iter().map(|(_, l)| *l).collect();
                        FieldError::new(
                            name,
                            "invalid_choice",
                            format!("{label}“{s}”不在可选范围内,应为:{}", labels.join("、")),
                        )
                    })?;
                Value::Text(code.to_string())
            }
            Kind::Flag => Value::Int(i64::from(cells::flag(name, label, &s)?.unwrap_or(false))),
            Kind::Person => {
                // Whether the person exists is the store's question; a birth date in the
                // future is refused when the person is registered.
                let id = IdNumber::parse(&cells::id_number(name, &s)?, chrono::NaiveDate::MAX)
                    .map_err(|e| {
                        FieldError::new(name, "invalid_id_number", format!("{label}: {e}"))
                    })?;
                Value::Person(id.as_str().to_string())
            }
            Kind::Enterprise => {
                let code = cells::credit_code(name, &s)?;
                CreditCode::parse(&code).map_err(|e| {
                    FieldError::new(name, "invalid_credit_code", format!("{label}: {e}"))
                })?;
                Value::Enterprise(code)
            }
            Kind::CreditText => {
                let code = cells::credit_code(name, &s)?;
                CreditCode::parse(&code).map_err(|e| {
                    FieldError::new(name, "invalid_credit_code", format!("{label}: {e}"))
                })?;
                Value::Text(code)
            }
            Kind::Ref(table, title) => Value::Ref(
                table,
                title,
                optional_text(name, label, &s, 100)?.unwrap_or_default(),
            ),
            Kind::Occupation => Value::Text(OccupationCode::parse(name, &s)?.as_str().to_string()),
            Kind::Level => {
                let level = SkillLevel::ALL
                    .iter()
                    .find(|l| l.code() == s || l.label_zh() == s)
                    .ok_or_else(|| {
                        FieldError::new(
                            name,
                            "invalid_choice",
                            format!("{label}“{s}”应为:{}", SkillLevel::choices()),
                        )
                    })?;
                Value::Text(level.code().to_string())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KINDS: &[(&str, &str)] = &[("a", "甲"), ("b", "乙")];
    const FIELDS: &[Field] = &[
        Field {
            name: "name",
            header: "名称",
            aliases: &[],
            kind: Kind::Text(10),
            required: true,
            example: "",
            listed: true,
        },
        Field {
            name: "kind",
            header: "类别",
            aliases: &[],
            kind: Kind::Choice(KINDS),
            required: true,
            example: "",
            listed: true,
        },
        Field {
            name: "from",
            header: "开始日期",
            aliases: &[],
            kind: Kind::Date,
            required: true,
            example: "",
            listed: true,
        },
        Field {
            name: "to",
            header: "结束日期",
            aliases: &[],
            kind: Kind::Date,
            required: false,
            example: "",
            listed: true,
        },
        Field {
            name: "n",
            header: "人数",
            aliases: &[],
            kind: Kind::Int(0, 100),
            required: false,
            example: "",
            listed: true,
        },
    ];
    const REG: Registry = Registry {
        id: "test",
        table: "test",
        label: "测试",
        area: Area::Skills,
        clause: "二(四)",
        about: "",
        fields: FIELDS,
        title: "name",
        key: &["name"],
        counted_on: "from",
        region_from: None,
        checks: &[
            Check::NotAfter("from", "to"),
            Check::GivenWhen("to", "kind", "b"),
        ],
    };

    fn row(pairs: &[(&str, &str)]) -> impl Fn(&str) -> String {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned().unwrap_or_default()
    }

    #[test]
    fn a_good_row_parses_with_labels_or_codes() {
        let p = REG
            .parse(row(&[
                ("name", "一号"),
                ("kind", "乙"),
                ("from", "2025/3/1"),
                ("to", "2025年4月1日"),
                ("region", "330502"),
            ]))
            .unwrap();
        assert_eq!(p.values[1], Value::Text("b".into()));
        assert_eq!(p.values[2], Value::Text("2025-03-01".into()));
        assert_eq!(p.values[4], Value::Null);
        assert_eq!(p.region.as_deref(), Some("330502"));
    }

    #[test]
    fn every_problem_is_named_in_chinese() {
        let e = REG
            .parse(row(&[("kind", "丙"), ("from", "2025-13-01"), ("n", "101")]))
            .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "kind", "from", "n", "region"]);
        assert!(e[1].message.contains("甲、乙"), "{}", e[1].message);
        assert!(e[3].message.contains("0到100"), "{}", e[3].message);
    }

    #[test]
    fn rules_between_fields() {
        let base = [("name", "一号"), ("region", "330502")];
        let late = REG
            .parse(row(&[
                base[0],
                base[1],
                ("kind", "b"),
                ("from", "2025-05-01"),
                ("to", "2025-04-01"),
            ]))
            .unwrap_err();
        assert_eq!(late[0].message, "开始日期不能晚于结束日期");
        let missing = REG
            .parse(row(&[
                base[0],
                base[1],
                ("kind", "b"),
                ("from", "2025-05-01"),
            ]))
            .unwrap_err();
        assert_eq!(missing[0].message, "类别为“乙”时必须填写结束日期");
        let extra = REG
            .parse(row(&[
                base[0],
                base[1],
                ("kind", "a"),
                ("from", "2025-05-01"),
                ("to", "2025-06-01"),
            ]))
            .unwrap_err();
        assert_eq!(extra[0].message, "只有类别为“乙”时才填写结束日期");
    }

    proptest! {
        /// No text makes a field parser panic, and what it accepts it accepts again unchanged.
        #[test]
        fn parsing_never_panics(s in "\\PC{0,30}") {
            for f in FIELDS {
                if let Ok(Value::Text(t)) = f.parse(&s) {
                    prop_assert_eq!(f.parse(&t), Ok(Value::Text(t.clone())));
                }
            }
        }
    }
}
