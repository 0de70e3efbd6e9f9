//! Roles (角色) and permissions (权限): the one table that says which role may do what.
//!
//! Security sensitive. A permission not granted here is denied; the region, unit, enterprise
//! or person a user is bound to becomes their [`Scope`], which the store applies to every
//! query. Both decisions default to no.

use crate::code_enum;
use crate::scope::Scope;

code_enum! {
    /// A user's role.
    Role {
        /// 市人力社保局: city bureau administrator
        CityAdmin = ("city_admin", "市人力社保局管理员"),
        /// 区县: district/county officer
        CountyOfficer = ("county_officer", "区县经办人员"),
        /// 乡镇/街道: township/street officer
        TownshipOfficer = ("township_officer", "乡镇(街道)经办人员"),
        /// 村社/人社驿站: village/community worker
        VillageWorker = ("village_worker", "村(社区)工作人员"),
        /// 责任单位: responsible-unit officer (e.g. 市经信局)
        UnitOfficer = ("unit_officer", "责任单位人员"),
        /// 用人单位: employer (its own enterprise only)
        Employer = ("employer", "用人单位"),
        /// 求职者: job seeker (own records only)
        JobSeeker = ("job_seeker", "求职者"),
        /// 审计: auditor (read-only, including the audit log)
        Auditor = ("auditor", "审计员"),
    }
}

code_enum! {
    /// Something a role may do.
    Permission {
        PersonRead = ("person_read", "查看人员"),
        PersonWrite = ("person_write", "登记和修改人员"),
        /// Show ID number, phone and address in full (with a reason; audited)
        PersonReveal = ("person_reveal", "查看完整个人信息"),
        HouseholdRead = ("household_read", "查看家庭"),
        HouseholdWrite = ("household_write", "登记和修改家庭"),
        EnterpriseRead = ("enterprise_read", "查看企业"),
        EnterpriseCreate = ("enterprise_create", "登记企业"),
        EnterpriseWrite = ("enterprise_write", "修改企业和用工人数"),
        UserAdmin = ("user_admin", "管理用户"),
        AuditRead = ("audit_read", "查阅审计日志"),
        /// See the 免申即享 offers of the sweep (scoped)
        OfferRead = ("offer_read", "查看免申即享名单"),
        /// Run the population sweep
        SweepRun = ("sweep_run", "运行免申即享普查"),
        /// See applications (scoped)
        ApplicationRead = ("application_read", "查看申请"),
        /// Make an application (for oneself, one's enterprise, or on someone's behalf), add
        /// documents, resubmit a returned one
        ApplicationSubmit = ("application_submit", "提交申请和补充材料"),
        /// Take an application into review, or return it for documents
        ApplicationReview = ("application_review", "受理审核"),
        /// Approve or reject (never one's own submission or review)
        ApplicationDecide = ("application_decide", "审批"),
        /// Build payment batches, export bank files, import bank results
        PaymentRun = ("payment_run", "资金发放与对账"),
        /// Set budgets per measure, district and year
        BudgetManage = ("budget_manage", "管理预算"),
        /// Fund performance figures (资金绩效)
        FundReport = ("fund_report", "查看资金绩效"),
        /// Public-welfare posts and placements
        WelfarePost = ("welfare_post", "管理公益性岗位与安置"),
        /// See hard-to-employ people, zero-employment households, cases and coverage (scoped)
        HelpRead = ("help_read", "查看帮扶对象"),
        /// Work cases: helper, planned services, contacts, closing
        HelpWork = ("help_work", "办理帮扶"),
        /// Confirm or dismiss a proposed hard-to-employ status
        HelpConfirm = ("help_confirm", "认定就业困难人员"),
        /// See wage arrears, disputes and the 安薪指数 (scoped)
        RightsRead = ("rights_read", "查看劳动者权益"),
        /// Record and close arrears cases and disputes
        RightsWrite = ("rights_write", "办理欠薪和劳动争议案件"),
        /// Publish and close job postings, move applicants on (an employer: its own)
        PostingWrite = ("posting_write", "发布和管理招聘岗位"),
        /// See the best seekers for a posting (scoped to the registry one may read)
        MatchRead = ("match_read", "查看人岗匹配"),
        /// Keep a job-seeker profile, apply to postings, read the push inbox (a job seeker: their
        /// own; an officer: on behalf of a person in their area)
        SeekerProfile = ("seeker_profile", "求职登记与投递"),
        /// Record, cancel and check people in at recruitment events (招聘活动) of one's area
        EventManage = ("event_manage", "举办和管理招聘活动"),
        /// Publish the quarterly shortage-occupation list (紧缺工种目录), city-wide
        ShortagePublish = ("shortage_publish", "发布紧缺工种目录"),
        /// See the monitoring indicators, targets, tasks, alerts of one's area or unit, reports
        /// and the dashboard (aggregates only, no personal data)
        MonitorRead = ("monitor_read", "查看就业监测与目标"),
        /// Acknowledge and resolve alerts of one's area or unit
        AlertHandle = ("alert_handle", "签收和处置预警"),
        /// Recompute the indicators, enter the surveyed unemployment rate (city-wide)
        MonitorAdmin = ("monitor_admin", "维护监测数据"),
        /// Record progress on the plan's tasks one's unit answers for (督查)
        TaskNote = ("task_note", "填报重点任务进展"),
        /// See the registries of skills, entrepreneurship and enterprise service (scoped;
        /// people's ID numbers masked)
        SkillsRead = ("skills_read", "查看技能、创业与企业服务名录"),
        /// Register, import and update rows of those registries in one's area
        SkillsWrite = ("skills_write", "登记技能、创业与企业服务名录"),
        /// Open and work key-enterprise service tickets (用工服务单) of one's area
        TicketWork = ("ticket_work", "办理重点企业用工服务单"),
        /// Assess the employment impact of a project or a policy draft (就业影响评估)
        ImpactAssess = ("impact_assess", "开展就业影响评估"),
        /// A key enterprise states its own hiring demand (用工需求), which becomes a service
        /// ticket for the officers, and follows it
        DemandSubmit = ("demand_submit", "提交用工需求"),
    }
}

use Permission::*;

/// The table. Nothing else grants a permission.
const MATRIX: &[(Role, &[Permission])] = &[
    (
        Role::CityAdmin,
        &[
            PersonRead,
            PersonWrite,
            PersonReveal,
            HouseholdRead,
            HouseholdWrite,
            EnterpriseRead,
            EnterpriseCreate,
            EnterpriseWrite,
            UserAdmin,
            OfferRead,
            SweepRun,
            ApplicationRead,
            ApplicationSubmit,
            ApplicationReview,
            ApplicationDecide,
            PaymentRun,
            BudgetManage,
            FundReport,
            WelfarePost,
            HelpRead,
            HelpWork,
            HelpConfirm,
            RightsRead,
            RightsWrite,
            PostingWrite,
            MatchRead,
            SeekerProfile,
            EventManage,
            ShortagePublish,
            MonitorRead,
            AlertHandle,
            MonitorAdmin,
            TaskNote,
            SkillsRead,
            SkillsWrite,
            TicketWork,
            ImpactAssess,
        ],
    ),
    (
        Role::CountyOfficer,
        &[
            PersonRead,
            PersonWrite,
            PersonReveal,
            HouseholdRead,
            HouseholdWrite,
            EnterpriseRead,
            EnterpriseCreate,
            EnterpriseWrite,
            OfferRead,
            ApplicationRead,
            ApplicationSubmit,
            ApplicationReview,
            ApplicationDecide,
            PaymentRun,
            BudgetManage,
            FundReport,
            WelfarePost,
            HelpRead,
            HelpWork,
            HelpConfirm,
            RightsRead,
            RightsWrite,
            PostingWrite,
            MatchRead,
            SeekerProfile,
            EventManage,
            MonitorRead,
            AlertHandle,
            SkillsRead,
            SkillsWrite,
            TicketWork,
            ImpactAssess,
        ],
    ),
    (
        Role::TownshipOfficer,
        &[
            PersonRead,
            PersonWrite,
            PersonReveal,
            HouseholdRead,
            HouseholdWrite,
            EnterpriseRead,
            EnterpriseCreate,
            EnterpriseWrite,
            OfferRead,
            ApplicationRead,
            ApplicationSubmit,
            ApplicationReview,
            WelfarePost,
            HelpRead,
            HelpWork,
            HelpConfirm,
            RightsRead,
            RightsWrite,
            PostingWrite,
            MatchRead,
            SeekerProfile,
            EventManage,
            MonitorRead,
            AlertHandle,
            SkillsRead,
            SkillsWrite,
            TicketWork,
        ],
    ),
    (
        Role::VillageWorker,
        &[
            PersonRead,
            PersonWrite,
            PersonReveal,
            HouseholdRead,
            HouseholdWrite,
            EnterpriseRead,
            OfferRead,
            ApplicationRead,
            ApplicationSubmit,
            HelpRead,
            HelpWork,
            PostingWrite,
            MatchRead,
            SeekerProfile,
            SkillsRead,
        ],
    ),
    // A responsible unit sees aggregates, its alerts, targets and tasks; the registry is not theirs.
    (Role::UnitOfficer, &[MonitorRead, AlertHandle, TaskNote]),
    (
        Role::Employer,
        &[
            EnterpriseRead,
            EnterpriseWrite,
            ApplicationRead,
            ApplicationSubmit,
            PostingWrite,
            DemandSubmit,
        ],
    ),
    (
        Role::JobSeeker,
        &[
            PersonRead,
            HouseholdRead,
            ApplicationRead,
            ApplicationSubmit,
            SeekerProfile,
        ],
    ),
    (
        Role::Auditor,
        &[
            PersonRead,
            HouseholdRead,
            EnterpriseRead,
            AuditRead,
            OfferRead,
            ApplicationRead,
            FundReport,
            HelpRead,
            RightsRead,
            MonitorRead,
            SkillsRead,
        ],
    ),
];

impl Role {
    /// May this role do `p`? Only if the table says so.
    pub fn allows(self, p: Permission) -> bool {
        MATRIX.iter().any(|(r, ps)| *r == self && ps.contains(&p))
    }

    /// Does the role work within a region (and so need one)?
    pub fn needs_region(self) -> bool {
        matches!(
            self,
            Role::CountyOfficer | Role::TownshipOfficer | Role::VillageWorker
        )
    }
}

/// What a user is bound to, as stored with the account.
#[derive(Debug, Clone, Default)]
pub struct Binding<'a> {
    pub region_code: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub enterprise_id: Option<i64>,
    pub person_id: Option<i64>,
}

/// The data scope of a user. A binding that does not fit the role gives a scope that sees
/// nothing (a region code that matches no region), never a wider one.
pub fn scope_of(role: Role, b: &Binding<'_>) -> Scope {
    const NOTHING: &str = "-";
    match role {
        Role::CityAdmin | Role::Auditor => Scope::Region("330500".into()),
        Role::CountyOfficer | Role::TownshipOfficer | Role::VillageWorker => {
            Scope::Region(b.region_code.unwrap_or(NOTHING).to_string())
        }
        Role::UnitOfficer => Scope::ResponsibleUnit(b.unit.unwrap_or(NOTHING).to_string()),
        Role::Employer => b
            .enterprise_id
            .map_or(Scope::Region(NOTHING.into()), Scope::Enterprise),
        Role::JobSeeker => b
            .person_id
            .map_or(Scope::Region(NOTHING.into()), Scope::Person),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Regions;
    use crate::scope::RegionFilter;

    #[test]
    fn every_role_is_in_the_table_once() {
        for r in Role::ALL {
            assert_eq!(MATRIX.iter().filter(|(x, _)| x == r).count(), 1, "{r:?}");
        }
    }

    #[test]
    fn only_admins_manage_users_and_only_auditors_read_the_log() {
        for r in Role::ALL {
            assert_eq!(r.allows(UserAdmin), *r == Role::CityAdmin);
            assert_eq!(r.allows(AuditRead), *r == Role::Auditor);
        }
        assert!(!Role::Auditor.allows(PersonWrite) && !Role::Auditor.allows(PersonReveal));
    }

    #[test]
    fn only_county_and_city_decide_and_pay() {
        for r in Role::ALL {
            let top = matches!(r, Role::CityAdmin | Role::CountyOfficer);
            assert_eq!(r.allows(ApplicationDecide), top, "{r:?}");
            assert_eq!(r.allows(PaymentRun), top, "{r:?}");
            assert_eq!(r.allows(BudgetManage), top, "{r:?}");
        }
        assert!(Role::Auditor.allows(FundReport) && !Role::Auditor.allows(ApplicationSubmit));
    }

    #[test]
    fn broken_bindings_see_nothing() {
        let r = Regions::huzhou();
        let s = scope_of(Role::CountyOfficer, &Binding::default());
        assert_eq!(s.filter(r), RegionFilter::Nothing);
        let s = scope_of(Role::Employer, &Binding::default());
        assert_eq!(s.filter(r), RegionFilter::Nothing);
        let s = scope_of(
            Role::CountyOfficer,
            &Binding {
                region_code: Some("330521"),
                ..Default::default()
            },
        );
        assert_eq!(s.filter(r), RegionFilter::Prefix("330521".into()));
    }
}
