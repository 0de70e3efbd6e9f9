//! Enterprise (企业/用人单位) and the key-enterprise rule of 二(五)2.

use crate::code_enum;
use crate::credit_code::CreditCode;
use crate::field::{FieldError, optional_text, text};
use crate::money::Money;
use crate::person::keep;
use crate::region::{RegionCode, Regions};
use crate::year_month::YearMonth;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

code_enum! {
    /// Industry section of GB/T 4754-2017 (国民经济行业分类门类).
    Industry {
        A = ("A", "农、林、牧、渔业"),
        B = ("B", "采矿业"),
        C = ("C", "制造业"),
        D = ("D", "电力、热力、燃气及水生产和供应业"),
        E = ("E", "建筑业"),
        F = ("F", "批发和零售业"),
        G = ("G", "交通运输、仓储和邮政业"),
        H = ("H", "住宿和餐饮业"),
        I = ("I", "信息传输、软件和信息技术服务业"),
        J = ("J", "金融业"),
        K = ("K", "房地产业"),
        L = ("L", "租赁和商务服务业"),
        M = ("M", "科学研究和技术服务业"),
        N = ("N", "水利、环境和公共设施管理业"),
        O = ("O", "居民服务、修理和其他服务业"),
        P = ("P", "教育"),
        Q = ("Q", "卫生和社会工作"),
        R = ("R", "文化、体育和娱乐业"),
        S = ("S", "公共管理、社会保障和社会组织"),
        T = ("T", "国际组织"),
    }
}

code_enum! {
    /// Three-sector grouping used by the plan's structure targets (二(一)2-3).
    Sector {
        Primary = ("primary", "第一产业"),
        Secondary = ("secondary", "第二产业"),
        Services = ("services", "服务业(第三产业)"),
    }
}

impl Industry {
    /// Sector of the section (A primary; B-E secondary; F-T services).
    pub fn sector(self) -> Sector {
        match self {
            Industry::A => Sector::Primary,
            Industry::B | Industry::C | Industry::D | Industry::E => Sector::Secondary,
            _ => Sector::Services,
        }
    }
}

code_enum! {
    /// Enterprise size class (企业规模).
    Scale {
        Micro = ("micro", "微型"),
        Small = ("small", "小型"),
        Medium = ("medium", "中型"),
        Large = ("large", "大型"),
    }
}

/// Raw input for an enterprise.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnterpriseInput {
    /// 统一社会信用代码
    pub credit_code: String,
    /// 企业名称
    pub name: String,
    /// GB/T 4754 section letter A-T
    pub industry: String,
    /// 所在区划代码 (Huzhou)
    pub region: String,
    /// 注册投资额 in yuan, e.g. "5000000000" or "1234.50"
    #[serde(default)]
    pub registered_investment_yuan: Option<String>,
    /// Scale code (micro, small, medium, large)
    pub scale: String,
    /// 由人社部门认定为重点企业
    #[serde(default)]
    pub designated_key: bool,
    /// Reason for the designation (required when designated)
    #[serde(default)]
    pub designation_reason: Option<String>,
}

/// A checked enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseFacts {
    pub credit_code: CreditCode,
    pub name: String,
    pub industry: Industry,
    pub region: RegionCode,
    pub registered_investment: Money,
    pub scale: Scale,
    pub designated_key: bool,
    pub designation_reason: Option<String>,
}

impl EnterpriseInput {
    /// Check every field; the first problem is returned with its field name.
    pub fn parse(&self, regions: &Regions) -> Result<EnterpriseFacts, FieldError> {
        self.parse_all(regions).map_err(|mut e| e.remove(0))
    }

    /// Check every field and report every problem (the error list is never empty).
    pub fn parse_all(&self, regions: &Regions) -> Result<EnterpriseFacts, Vec<FieldError>> {
        let mut errs = Vec::new();
        let credit_code = keep(
            &mut errs,
            CreditCode::parse(&self.credit_code)
                .map_err(|e| FieldError::new("credit_code", "invalid_credit_code", e.to_string())),
        );
        let name = keep(&mut errs, text("name", "企业名称", &self.name, 100));
        let industry = keep(
            &mut errs,
            Industry::parse_field("industry", "行业门类", &self.industry.to_ascii_uppercase()),
        );
        let region = keep(
            &mut errs,
            regions
                .code(&self.region)
                .map_err(|e| FieldError::new("region", "unknown_region", e.to_string())),
        );
        let investment = match self
            .registered_investment_yuan
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(Money::default()),
            Some(s) => Money::parse_yuan(s)
                .map_err(|e| {
                    FieldError::new("registered_investment_yuan", "invalid_money", e.to_string())
                })
                .and_then(|m| {
                    if m.fen() < 0 {
                        Err(FieldError::new(
                            "registered_investment_yuan",
                            "invalid_money",
                            "注册投资额不能为负数",
                        ))
                    } else {
                        Ok(m)
                    }
                }),
        };
        let registered_investment = keep(&mut errs, investment);
        let scale = keep(
            &mut errs,
            Scale::parse_field("scale", "企业规模", &self.scale),
        );
        let designation_reason = keep(
            &mut errs,
            optional_text(
                "designation_reason",
                "认定理由",
                self.designation_reason.as_deref().unwrap_or(""),
                200,
            ),
        );
        if self.designated_key && matches!(designation_reason, Some(None)) {
            errs.push(FieldError::new(
                "designation_reason",
                "required",
                "认定为重点企业时须填写认定理由",
            ));
        }
        let (
            Some(credit_code),
            Some(name),
            Some(industry),
            Some(region),
            Some(registered_investment),
            Some(scale),
            Some(designation_reason),
        ) = (
            credit_code,
            name,
            industry,
            region,
            registered_investment,
            scale,
            designation_reason,
        )
        else {
            return Err(errs);
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(EnterpriseFacts {
            credit_code,
            name,
            industry,
            region,
            registered_investment,
            scale,
            designated_key: self.designated_key,
            designation_reason,
        })
    }
}

code_enum! {
    /// 减员原因: why an enterprise's headcount fell, as national monitoring counts job losses of
    /// key enterprises (关闭破产, 停产停业, 裁员).
    LossCause {
        Closure = ("closure", "关闭破产"),
        Suspension = ("suspension", "停产停业"),
        Layoff = ("layoff", "裁员"),
        Other = ("other", "其他(合同到期、自然流动等)"),
    }
}

/// Headcount (用工人数) of an enterprise in one month, with why it fell when it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Headcount {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-10"))]
    pub month: YearMonth,
    pub headcount: u32,
    /// closure, suspension, layoff or other (optional)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "layoff"))]
    pub loss_cause: Option<LossCause>,
}

/// A dated threshold with its source.
#[derive(Debug, Clone, Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
}

/// Thresholds of the key-enterprise rule (`data/parameters/key_enterprise.toml`).
#[derive(Debug, Clone, Deserialize)]
pub struct KeyEnterpriseRule {
    pub min_investment_fen: Sourced<i64>,
    pub min_staff: Sourced<u32>,
}

/// Why an enterprise is a key enterprise (重点企业).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyReason {
    /// `investment`, `staff` or `designated`
    pub code: &'static str,
    /// Chinese explanation citing the clause.
    pub explanation: String,
}

static KEY_RULE: LazyLock<KeyEnterpriseRule> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/parameters/key_enterprise.toml"))
        .unwrap_or_else(|e| panic!("embedded key_enterprise.toml: {e}"))
});

impl KeyEnterpriseRule {
    /// The thresholds embedded in the binary.
    pub fn current() -> &'static KeyEnterpriseRule {
        &KEY_RULE
    }

    /// Every reason that makes the enterprise a key enterprise; empty if none.
    pub fn reasons(
        &self,
        investment: Money,
        latest_headcount: Option<u32>,
        designated_reason: Option<&str>,
    ) -> Vec<KeyReason> {
        let mut out = Vec::new();
        if investment.fen() >= self.min_investment_fen.value {
            out.push(KeyReason {
                code: "investment",
                explanation: format!(
                    "投资额{}元,不低于{}元({})",
                    investment,
                    Money::from_fen(self.min_investment_fen.value),
                    self.min_investment_fen.source
                ),
            });
        }
        if let Some(h) = latest_headcount.filter(|h| *h >= self.min_staff.value) {
            out.push(KeyReason {
                code: "staff",
                explanation: format!(
                    "用工{h}人,不少于{}人({})",
                    self.min_staff.value, self.min_staff.source
                ),
            });
        }
        if let Some(r) = designated_reason {
            out.push(KeyReason {
                code: "designated",
                explanation: format!("人社部门认定: {r}"),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_enterprise_boundaries() {
        let rule = KeyEnterpriseRule::current();
        assert!(
            rule.reasons(Money::from_yuan(4_999_999_999), Some(499), None)
                .is_empty()
        );
        let r = rule.reasons(Money::from_yuan(5_000_000_000), Some(499), None);
        assert_eq!(r.iter().map(|k| k.code).collect::<Vec<_>>(), ["investment"]);
        let r = rule.reasons(Money::default(), Some(500), None);
        assert_eq!(r[0].code, "staff");
        assert!(r[0].explanation.contains("二(五)2"));
        let r = rule.reasons(Money::default(), None, Some("涉及生产保供"));
        assert_eq!(r[0].code, "designated");
    }

    #[test]
    fn sectors() {
        assert_eq!(Industry::C.sector(), Sector::Secondary);
        assert_eq!(Industry::I.sector(), Sector::Services);
        assert_eq!(Industry::A.sector(), Sector::Primary);
    }

    #[test]
    fn parse_all_reports_every_error() {
        let e = EnterpriseInput {
            credit_code: "x".into(),
            name: String::new(),
            industry: "C".into(),
            region: "330502".into(),
            scale: "huge".into(),
            designated_key: true,
            ..Default::default()
        };
        let errs = e.parse_all(Regions::huzhou()).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["credit_code", "name", "scale", "designation_reason"]
        );
    }

    #[test]
    fn enterprise_input() {
        let mut e = EnterpriseInput {
            credit_code: "91440300708461136T".into(),
            name: "示例科技有限公司".into(),
            industry: "c".into(),
            region: "330502".into(),
            registered_investment_yuan: Some("1000000".into()),
            scale: "small".into(),
            ..Default::default()
        };
        let f = e.parse(Regions::huzhou()).unwrap();
        assert_eq!(f.industry, Industry::C);
        assert_eq!(f.registered_investment, Money::from_yuan(1_000_000));
        e.designated_key = true;
        assert_eq!(
            e.parse(Regions::huzhou()).unwrap_err().field,
            "designation_reason"
        );
        e.designated_key = false;
        e.registered_investment_yuan = Some("-5".into());
        assert_eq!(
            e.parse(Regions::huzhou()).unwrap_err().code,
            "invalid_money"
        );
    }
}
