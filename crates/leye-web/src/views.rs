//! What the API and the UI show of stored records. Personal data (ID numbers, phones,
//! addresses) is masked here, in every list and detail; showing it in full needs a role
//! that may read it and an audit row (issue: accounts, roles and personal-data protection).

use leye_domain::enterprise::{Headcount, Industry, KeyReason, Scale};
use leye_domain::field::{mask_address, mask_id_number, mask_phone};
use leye_domain::household::{IncomeBand, Relation};
use leye_domain::labour::LabourStatus;
use leye_domain::person::{Assistance, Education};
use leye_domain::{Money, Regions};
use leye_store::{EnterpriseRecord, HouseholdRecord, LabourEventRecord, PersonRecord};
use serde::Serialize;
use utoipa::ToSchema;

fn region_name(code: &str) -> String {
    Regions::huzhou().full_name(code)
}

/// A person as shown (masked).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub id: i64,
    pub name: String,
    /// 身份证号, masked: `330502********123X`
    pub id_number_masked: String,
    /// `M` or `F`
    pub sex: String,
    pub sex_label: String,
    pub birth_date: String,
    /// Masked: `138****5678`
    pub phone_masked: Option<String>,
    pub hukou_region: Option<String>,
    pub residence_region: String,
    pub residence_region_name: String,
    /// Masked: first six characters
    pub address_masked: Option<String>,
    pub education: String,
    pub education_label: String,
    pub school: Option<String>,
    pub graduation_date: Option<String>,
    pub disability_grade: Option<i64>,
    pub veteran: bool,
    pub poverty_alleviated: bool,
    pub assistance: String,
    pub assistance_label: String,
    pub urban: bool,
    pub labour_status: Option<String>,
    pub labour_status_label: String,
    pub labour_since: Option<String>,
    pub household_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl From<PersonRecord> for PersonView {
    /// Moves the record's texts (a list builds twenty of these per page).
    fn from(p: PersonRecord) -> Self {
        let sex_label = if p.sex == "M" { "男" } else { "女" }.into();
        let residence_region_name = region_name(&p.residence_region);
        let education_label = Education::from_code(&p.education)
            .map_or("", |e| e.label_zh())
            .into();
        let assistance_label = Assistance::from_code(&p.assistance)
            .map_or("", |a| a.label_zh())
            .into();
        let labour_status_label = p
            .labour_status
            .as_deref()
            .and_then(LabourStatus::from_code)
            .map_or("未登记", |s| s.label_zh())
            .into();
        Self {
            id: p.id,
            name: p.name,
            id_number_masked: mask_id_number(&p.id_number),
            sex: p.sex,
            sex_label,
            birth_date: p.birth_date,
            phone_masked: p.phone.as_deref().map(mask_phone),
            hukou_region: p.hukou_region,
            residence_region: p.residence_region,
            residence_region_name,
            address_masked: p.address.as_deref().map(mask_address),
            education: p.education,
            education_label,
            school: p.school,
            graduation_date: p.graduation_date,
            disability_grade: p.disability_grade,
            veteran: p.veteran,
            poverty_alleviated: p.poverty_alleviated,
            assistance: p.assistance,
            assistance_label,
            urban: p.urban,
            labour_status: p.labour_status,
            labour_status_label,
            labour_since: p.labour_since,
            household_id: p.household_id,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

impl From<&PersonRecord> for PersonView {
    fn from(p: &PersonRecord) -> Self {
        Self::from(p.clone())
    }
}

/// A labour-status event as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabourEventView {
    pub id: i64,
    pub status: String,
    pub status_label: String,
    pub effective: String,
    pub enterprise_id: Option<i64>,
    pub benefit_months: Option<i64>,
    pub note: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

impl From<&LabourEventRecord> for LabourEventView {
    fn from(e: &LabourEventRecord) -> Self {
        Self {
            id: e.id,
            status: e.status.clone(),
            status_label: LabourStatus::from_code(&e.status)
                .map_or("", |s| s.label_zh())
                .into(),
            effective: e.effective.clone(),
            enterprise_id: e.enterprise_id,
            benefit_months: e.benefit_months,
            note: e.note.clone(),
            recorded_at: e.recorded_at.clone(),
            recorded_by: e.recorded_by.clone(),
        }
    }
}

/// A household member as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub person_id: i64,
    pub name: String,
    pub relation: String,
    pub relation_label: String,
    pub labour_status_label: String,
}

/// A household as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseholdView {
    pub id: i64,
    pub region: String,
    pub region_name: String,
    pub urban: bool,
    pub business_income: bool,
    pub income_band: String,
    pub income_band_label: String,
    pub members: Vec<MemberView>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl From<&HouseholdRecord> for HouseholdView {
    fn from(h: &HouseholdRecord) -> Self {
        Self {
            id: h.id,
            region: h.region.clone(),
            region_name: region_name(&h.region),
            urban: h.urban,
            business_income: h.business_income,
            income_band: h.income_band.clone(),
            income_band_label: IncomeBand::from_code(&h.income_band)
                .map_or("", |b| b.label_zh())
                .into(),
            members: h
                .members
                .iter()
                .map(|m| MemberView {
                    person_id: m.person_id,
                    name: m.name.clone(),
                    relation: m.relation.clone(),
                    relation_label: Relation::from_code(&m.relation)
                        .map_or("", |r| r.label_zh())
                        .into(),
                    labour_status_label: m
                        .labour_status
                        .as_deref()
                        .and_then(LabourStatus::from_code)
                        .map_or("未登记", |s| s.label_zh())
                        .into(),
                })
                .collect(),
            created_at: h.created_at.clone(),
            updated_at: h.updated_at.clone(),
            version: h.version,
        }
    }
}

/// An enterprise as shown, with its computed key-enterprise status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EnterpriseView {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub industry: String,
    pub industry_label: String,
    pub sector_label: String,
    pub region: String,
    pub region_name: String,
    /// Yuan with two decimals
    pub registered_investment_yuan: String,
    pub scale: String,
    pub scale_label: String,
    pub designated_key: bool,
    pub designation_reason: Option<String>,
    pub latest_headcount: Option<Headcount>,
    /// 重点企业 (二(五)2)
    pub is_key: bool,
    pub key_reasons: Vec<KeyReason>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl From<&EnterpriseRecord> for EnterpriseView {
    fn from(e: &EnterpriseRecord) -> Self {
        let industry = Industry::from_code(&e.industry);
        Self {
            id: e.id,
            credit_code: e.credit_code.clone(),
            name: e.name.clone(),
            industry: e.industry.clone(),
            industry_label: industry.map_or("", |i| i.label_zh()).into(),
            sector_label: industry.map_or("", |i| i.sector().label_zh()).into(),
            region: e.region.clone(),
            region_name: region_name(&e.region),
            registered_investment_yuan: Money::from_fen(e.registered_investment_fen).to_string(),
            scale: e.scale.clone(),
            scale_label: Scale::from_code(&e.scale)
                .map_or("", |s| s.label_zh())
                .into(),
            designated_key: e.designated_key,
            designation_reason: e.designation_reason.clone(),
            latest_headcount: e.latest_headcount,
            is_key: !e.key_reasons.is_empty(),
            key_reasons: e.key_reasons.clone(),
            created_at: e.created_at.clone(),
            updated_at: e.updated_at.clone(),
            version: e.version,
        }
    }
}

/// A page of views.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// 总条数, counted up to 10000: with more, this is 10000 and `total_capped` is true
    pub total: i64,
    /// 总条数超过计数上限(实际更多)
    pub total_capped: bool,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    /// [`Page::from_store`], moving the records into their views.
    pub fn from_store_owned<R>(p: leye_store::Page<R>) -> Self
    where
        T: From<R>,
    {
        Self {
            items: p.items.into_iter().map(T::from).collect(),
            total: p.total,
            total_capped: p.total_capped,
            page: p.page,
            per_page: p.per_page,
        }
    }

    pub fn from_store<R>(p: &leye_store::Page<R>) -> Self
    where
        for<'a> T: From<&'a R>,
    {
        Self {
            items: p.items.iter().map(T::from).collect(),
            total: p.total,
            total_capped: p.total_capped,
            page: p.page,
            per_page: p.per_page,
        }
    }
}
