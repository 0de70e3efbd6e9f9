//! The caller's scope (数据范围): what part of the registry a query may touch.
//!
//! Security sensitive. Every store query takes a `Scope`; the decision of what it may see
//! is made here, once, and defaults to nothing.

use crate::region::{RegionLevel, Regions};

/// Who is asking, in terms of data they may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Background jobs and the CLI: everything.
    System,
    /// A region and everything inside it (city, county, township or village code).
    Region(String),
    /// A responsible unit (责任单位): sees its targets and tasks, not the person registry.
    ResponsibleUnit(String),
    /// An employer: its own enterprise only.
    Enterprise(i64),
    /// A job seeker: own records only.
    Person(i64),
}

/// How a registry query must be filtered for a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionFilter {
    /// No filter.
    All,
    /// Region code starts with this prefix.
    Prefix(String),
    /// Only this enterprise.
    Enterprise(i64),
    /// Only this person.
    Person(i64),
    /// Nothing at all (the default answer).
    Nothing,
}

impl Scope {
    /// The filter the store applies to registry queries.
    pub fn filter(&self, regions: &Regions) -> RegionFilter {
        match self {
            Scope::System => RegionFilter::All,
            Scope::Region(code) => match regions.get(code) {
                Some(r) if r.level == RegionLevel::City => {
                    RegionFilter::Prefix(r.prefix().to_string())
                }
                Some(r) => RegionFilter::Prefix(r.code.clone()),
                None => RegionFilter::Nothing,
            },
            Scope::Enterprise(id) => RegionFilter::Enterprise(*id),
            Scope::Person(id) => RegionFilter::Person(*id),
            Scope::ResponsibleUnit(_) => RegionFilter::Nothing,
        }
    }

    /// May this scope write a record located in `region`?
    pub fn covers_region(&self, regions: &Regions, region: &str) -> bool {
        match self.filter(regions) {
            RegionFilter::All => true,
            RegionFilter::Prefix(p) => region.starts_with(&p),
            _ => false,
        }
    }

    /// May this scope act on a case about `person` (and `enterprise`) handled in `region`? A
    /// region scope by the region; an employer for its own enterprise; a person for themself.
    pub fn covers_subject(
        &self,
        regions: &Regions,
        region: &str,
        person: Option<i64>,
        enterprise: Option<i64>,
    ) -> bool {
        match self.filter(regions) {
            RegionFilter::All => true,
            RegionFilter::Prefix(p) => region.starts_with(&p),
            RegionFilter::Enterprise(id) => enterprise == Some(id),
            RegionFilter::Person(id) => person == Some(id),
            RegionFilter::Nothing => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_nothing() {
        let r = Regions::huzhou();
        assert_eq!(
            Scope::Region("999999".into()).filter(r),
            RegionFilter::Nothing
        );
        assert_eq!(
            Scope::ResponsibleUnit("市经信局".into()).filter(r),
            RegionFilter::Nothing
        );
        assert_eq!(
            Scope::Region("330500".into()).filter(r),
            RegionFilter::Prefix("3305".into())
        );
        assert!(Scope::Region("330502".into()).covers_region(r, "330502102"));
        assert!(!Scope::Region("330503".into()).covers_region(r, "330502102"));
        assert!(!Scope::Person(1).covers_region(r, "330502"));
    }
}
