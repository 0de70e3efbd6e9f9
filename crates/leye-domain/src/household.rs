//! Household (户) with members and their relation to the head.

use crate::code_enum;
use crate::field::FieldError;
use crate::person::keep;
use crate::region::{RegionCode, Regions};
use serde::Deserialize;

code_enum! {
    /// Relation of a member to the head of household (与户主关系).
    Relation {
        Head = ("head", "户主"),
        Spouse = ("spouse", "配偶"),
        Child = ("child", "子女"),
        Parent = ("parent", "父母"),
        Grandchild = ("grandchild", "孙子女"),
        Grandparent = ("grandparent", "祖父母"),
        Sibling = ("sibling", "兄弟姐妹"),
        Other = ("other", "其他"),
    }
}

code_enum! {
    /// Household income band (收入群体), for family-based employment service (二(五)3).
    IncomeBand {
        Low = ("low", "低收入"),
        LowerMiddle = ("lower_middle", "中等偏下收入"),
        Middle = ("middle", "中等收入"),
        High = ("high", "高收入"),
        Unknown = ("unknown", "未知"),
    }
}

/// One member in a household input.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub person_id: i64,
    /// Relation code (head, spouse, child, parent, grandchild, grandparent, sibling, other)
    pub relation: String,
}

/// Raw input for a household.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HouseholdInput {
    /// 居住地区划代码
    pub region: String,
    /// 城镇户 (true) or 农村户 (false)
    #[serde(default = "yes")]
    pub urban: bool,
    /// 有经营性或投资性收入
    #[serde(default)]
    pub business_income: bool,
    /// Income band code
    #[serde(default)]
    pub income_band: Option<String>,
    /// Members; exactly one is the head.
    pub members: Vec<MemberInput>,
}

fn yes() -> bool {
    true
}

/// A checked household.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdFacts {
    pub region: RegionCode,
    pub urban: bool,
    pub business_income: bool,
    pub income_band: IncomeBand,
    pub members: Vec<(i64, Relation)>,
}

impl HouseholdInput {
    /// Check every field; the first problem is returned with its field name.
    pub fn parse(&self, regions: &Regions) -> Result<HouseholdFacts, FieldError> {
        self.parse_all(regions).map_err(|mut e| e.remove(0))
    }

    /// Check every field and report every problem (the error list is never empty).
    pub fn parse_all(&self, regions: &Regions) -> Result<HouseholdFacts, Vec<FieldError>> {
        let mut errs = Vec::new();
        let region = keep(
            &mut errs,
            regions
                .code(&self.region)
                .map_err(|e| FieldError::new("region", "unknown_region", e.to_string())),
        );
        let income_band = keep(
            &mut errs,
            match self
                .income_band
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => Ok(IncomeBand::Unknown),
                Some(b) => IncomeBand::parse_field("income_band", "收入群体", b),
            },
        );
        if self.members.is_empty() {
            errs.push(FieldError::new("members", "required", "家庭成员不能为空"));
        }
        if self.members.len() > 30 {
            errs.push(FieldError::new("members", "too_many", "家庭成员最多30人"));
        }
        let mut members = Vec::with_capacity(self.members.len());
        for (i, m) in self.members.iter().enumerate() {
            let field = format!("members[{i}].relation");
            let Some(r) = keep(
                &mut errs,
                Relation::parse_field(&field, "与户主关系", &m.relation),
            ) else {
                continue;
            };
            if members.iter().any(|(p, _)| *p == m.person_id) {
                errs.push(FieldError::new(
                    &format!("members[{i}].person_id"),
                    "duplicate",
                    format!("人员{}在家庭成员中重复出现", m.person_id),
                ));
                continue;
            }
            members.push((m.person_id, r));
        }
        let heads = members.iter().filter(|(_, r)| *r == Relation::Head).count();
        if !self.members.is_empty() && members.len() == self.members.len() && heads != 1 {
            errs.push(FieldError::new(
                "members",
                "one_head",
                format!("家庭应有且只有一名户主,实际为{heads}名"),
            ));
        }
        match (region, income_band) {
            (Some(region), Some(income_band)) if errs.is_empty() => Ok(HouseholdFacts {
                region,
                urban: self.urban,
                business_income: self.business_income,
                income_band,
                members,
            }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: i64, r: &str) -> MemberInput {
        MemberInput {
            person_id: id,
            relation: r.into(),
        }
    }

    #[test]
    fn exactly_one_head() {
        let r = Regions::huzhou();
        let mut h = HouseholdInput {
            region: "330502".into(),
            urban: true,
            business_income: false,
            income_band: None,
            members: vec![m(1, "head"), m(2, "spouse")],
        };
        assert_eq!(h.parse(r).unwrap().members.len(), 2);
        h.members = vec![m(1, "spouse")];
        assert_eq!(h.parse(r).unwrap_err().code, "one_head");
        h.members = vec![m(1, "head"), m(1, "child")];
        assert_eq!(h.parse(r).unwrap_err().code, "duplicate");
        h.members = vec![m(1, "boss")];
        assert_eq!(h.parse(r).unwrap_err().field, "members[0].relation");
        h.region = "9".into();
        h.members = vec![m(1, "boss"), m(2, "head")];
        let fields: Vec<String> = h
            .parse_all(r)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["region", "members[0].relation"]);
    }
}
