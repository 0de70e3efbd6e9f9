//! Who may call which route: one table, checked by one middleware before any handler runs.
//!
//! Security sensitive. A route that is not in [`ROUTES`] is refused for everyone (the answer
//! defaults to no), so a new endpoint cannot be forgotten open. The data a permitted caller
//! sees is then limited by their scope inside the store. Writes by a signed-in browser must
//! carry the session's CSRF token (form field `csrf` or header `X-CSRF-Token`).

use crate::AppState;
use crate::auth::sha256_hex;
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use leye_domain::Scope;
use leye_domain::access::{Binding, Permission, Role, scope_of};
use leye_store::{Actor, UserRecord};
use std::net::SocketAddr;

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user whose role has this permission.
    Perm(Permission),
}

use Access::*;
use Permission::*;

/// Every route of the application: method, path template, requirement.
pub const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/healthz", Public),
    ("GET", "/static/app.css", Public),
    ("GET", "/static/suggest.js", Public),
    ("GET", "/jobs", Public),
    ("GET", "/jobs/{id}", Public),
    ("POST", "/jobs/{id}/apply", Perm(SeekerProfile)),
    ("GET", "/postings", Perm(PostingWrite)),
    ("POST", "/postings", Perm(PostingWrite)),
    ("GET", "/postings/{id}", Perm(PostingWrite)),
    ("POST", "/postings/{id}/close", Perm(PostingWrite)),
    ("POST", "/job-applications/{id}/state", Perm(PostingWrite)),
    ("GET", "/me/jobs", Perm(SeekerProfile)),
    ("GET", "/persons/{id}/jobs", Perm(SeekerProfile)),
    ("POST", "/persons/{id}/jobs/profile", Perm(SeekerProfile)),
    ("POST", "/persons/{id}/jobs/push", Perm(SeekerProfile)),
    ("GET", "/gig", Public),
    ("GET", "/gig/slots/{id}", Perm(PostingWrite)),
    ("POST", "/gig/slots/{id}/signup", Perm(SeekerProfile)),
    ("POST", "/gig/signups/{id}/worker", Perm(SeekerProfile)),
    ("POST", "/gig/signups/{id}/employer", Perm(PostingWrite)),
    (
        "POST",
        "/gig/signups/{id}/worker/rating",
        Perm(SeekerProfile),
    ),
    (
        "POST",
        "/gig/signups/{id}/employer/rating",
        Perm(PostingWrite),
    ),
    ("GET", "/persons/{id}/gigs", Perm(SeekerProfile)),
    ("POST", "/postings/{id}/slots", Perm(PostingWrite)),
    ("GET", "/events", Public),
    ("POST", "/events", Perm(EventManage)),
    ("GET", "/events/{id}", Public),
    ("POST", "/events/{id}/cancel", Perm(EventManage)),
    ("POST", "/events/{id}/join", Perm(PostingWrite)),
    ("POST", "/events/{id}/register", Perm(SeekerProfile)),
    ("POST", "/events/{id}/check-in", Perm(EventManage)),
    ("GET", "/monitor", Perm(MonitorRead)),
    ("POST", "/monitor/refresh", Perm(MonitorAdmin)),
    ("POST", "/monitor/surveyed", Perm(MonitorAdmin)),
    ("GET", "/monitor/indicators/{id}", Perm(MonitorRead)),
    ("GET", "/targets", Perm(MonitorRead)),
    ("GET", "/tasks", Perm(MonitorRead)),
    ("POST", "/tasks/notes", Perm(TaskNote)),
    ("GET", "/alerts", Perm(MonitorRead)),
    ("POST", "/alerts/{id}/acknowledge", Perm(AlertHandle)),
    ("POST", "/alerts/{id}/resolve", Perm(AlertHandle)),
    ("GET", "/dashboard", Perm(MonitorRead)),
    ("GET", "/reports", Perm(MonitorRead)),
    ("GET", "/reports/view", Perm(MonitorRead)),
    ("GET", "/reports/download", Perm(MonitorRead)),
    ("GET", "/skills", Perm(SkillsRead)),
    ("GET", "/skills/{registry}", Perm(SkillsRead)),
    ("POST", "/skills/{registry}", Perm(SkillsWrite)),
    ("POST", "/skills/{registry}/import", Perm(SkillsWrite)),
    ("GET", "/skills/{registry}/template.xlsx", SignedIn),
    ("GET", "/skills/{registry}/export.xlsx", Perm(SkillsRead)),
    ("GET", "/skills/{registry}/{id}", Perm(SkillsRead)),
    ("GET", "/skills/{registry}/{id}/edit", Perm(SkillsWrite)),
    ("POST", "/skills/{registry}/{id}/edit", Perm(SkillsWrite)),
    ("GET", "/me/demands", Perm(DemandSubmit)),
    ("POST", "/me/demands", Perm(DemandSubmit)),
    ("GET", "/service/tickets", Perm(TicketWork)),
    ("POST", "/service/tickets", Perm(TicketWork)),
    ("GET", "/service/tickets/{id}", Perm(TicketWork)),
    ("POST", "/service/tickets/{id}/link", Perm(TicketWork)),
    ("POST", "/service/tickets/{id}/place", Perm(TicketWork)),
    ("POST", "/service/tickets/{id}/take-hires", Perm(TicketWork)),
    ("POST", "/service/tickets/{id}/close", Perm(TicketWork)),
    ("GET", "/service/impact", Perm(ImpactAssess)),
    ("POST", "/service/impact", Perm(ImpactAssess)),
    ("GET", "/service/impact/{id}", Perm(ImpactAssess)),
    ("GET", "/jobs/shortage", Public),
    ("POST", "/jobs/shortage/publish", Perm(ShortagePublish)),
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("POST", "/lang", Public),
    ("GET", "/api/v1/openapi.json", Public),
    ("POST", "/logout", SignedIn),
    ("GET", "/", SignedIn),
    ("GET", "/account", SignedIn),
    ("POST", "/account/password", SignedIn),
    ("POST", "/account/tokens", SignedIn),
    ("POST", "/account/tokens/{id}/revoke", SignedIn),
    ("GET", "/regions", SignedIn),
    ("GET", "/regions/{code}", SignedIn),
    ("GET", "/api/v1/regions", SignedIn),
    ("GET", "/api/v1/regions/{code}", SignedIn),
    ("GET", "/api/v1/me", SignedIn),
    // Persons
    ("GET", "/api/v1/persons", Perm(PersonRead)),
    ("POST", "/api/v1/persons", Perm(PersonWrite)),
    ("GET", "/api/v1/persons/{id}", Perm(PersonRead)),
    ("PUT", "/api/v1/persons/{id}", Perm(PersonWrite)),
    ("POST", "/api/v1/persons/{id}/reveal", Perm(PersonReveal)),
    (
        "GET",
        "/api/v1/persons/{id}/labour-events",
        Perm(PersonRead),
    ),
    (
        "POST",
        "/api/v1/persons/{id}/labour-events",
        Perm(PersonWrite),
    ),
    ("GET", "/persons", Perm(PersonRead)),
    ("GET", "/persons/export.csv", Perm(PersonRead)),
    ("GET", "/persons/export.xlsx", Perm(PersonRead)),
    ("GET", "/persons/new", Perm(PersonWrite)),
    ("POST", "/persons/new", Perm(PersonWrite)),
    ("GET", "/persons/{id}", Perm(PersonRead)),
    ("GET", "/persons/{id}/edit", Perm(PersonWrite)),
    ("POST", "/persons/{id}/edit", Perm(PersonWrite)),
    ("POST", "/persons/{id}/reveal", Perm(PersonReveal)),
    // Households
    ("GET", "/api/v1/households", Perm(HouseholdRead)),
    ("POST", "/api/v1/households", Perm(HouseholdWrite)),
    ("GET", "/api/v1/households/{id}", Perm(HouseholdRead)),
    ("PUT", "/api/v1/households/{id}", Perm(HouseholdWrite)),
    ("GET", "/households", Perm(HouseholdRead)),
    ("GET", "/households/export.csv", Perm(HouseholdRead)),
    ("GET", "/households/export.xlsx", Perm(HouseholdRead)),
    ("GET", "/households/new", Perm(HouseholdWrite)),
    ("POST", "/households/new", Perm(HouseholdWrite)),
    ("GET", "/households/{id}", Perm(HouseholdRead)),
    ("GET", "/households/{id}/edit", Perm(HouseholdWrite)),
    ("POST", "/households/{id}/edit", Perm(HouseholdWrite)),
    // Enterprises
    ("GET", "/api/v1/enterprises", Perm(EnterpriseRead)),
    ("POST", "/api/v1/enterprises", Perm(EnterpriseCreate)),
    ("GET", "/api/v1/enterprises/{id}", Perm(EnterpriseRead)),
    ("PUT", "/api/v1/enterprises/{id}", Perm(EnterpriseWrite)),
    (
        "GET",
        "/api/v1/enterprises/{id}/headcount",
        Perm(EnterpriseRead),
    ),
    (
        "POST",
        "/api/v1/enterprises/{id}/headcount",
        Perm(EnterpriseWrite),
    ),
    ("GET", "/enterprises", Perm(EnterpriseRead)),
    ("GET", "/enterprises/export.csv", Perm(EnterpriseRead)),
    ("GET", "/enterprises/export.xlsx", Perm(EnterpriseRead)),
    ("GET", "/enterprises/new", Perm(EnterpriseCreate)),
    ("POST", "/enterprises/new", Perm(EnterpriseCreate)),
    ("GET", "/enterprises/{id}", Perm(EnterpriseRead)),
    ("GET", "/enterprises/{id}/edit", Perm(EnterpriseWrite)),
    ("POST", "/enterprises/{id}/edit", Perm(EnterpriseWrite)),
    // Administration and audit
    ("GET", "/admin/users", Perm(UserAdmin)),
    ("POST", "/admin/users", Perm(UserAdmin)),
    ("POST", "/admin/users/{id}/disable", Perm(UserAdmin)),
    ("POST", "/admin/users/{id}/enable", Perm(UserAdmin)),
    ("GET", "/audit", Perm(AuditRead)),
    ("GET", "/api/v1/audit", Perm(AuditRead)),
    // Policy engine
    ("GET", "/api/v1/policy/measures", SignedIn),
    ("POST", "/api/v1/policy/evaluate", SignedIn),
    ("GET", "/api/v1/policy/offers", Perm(OfferRead)),
    // Guides and the self-check are public: citizens need no account, nothing is stored.
    ("GET", "/policies", Public),
    ("GET", "/policies/check", Public),
    ("POST", "/policies/check", Public),
    ("GET", "/policies/{measure}", Public),
    ("GET", "/offers", Perm(OfferRead)),
    ("GET", "/offers/export.xlsx", Perm(OfferRead)),
    // Imports: the page lists what the caller may import; templates are no secret.
    ("GET", "/api/v1/applications", Perm(ApplicationRead)),
    ("POST", "/api/v1/applications", Perm(ApplicationSubmit)),
    ("GET", "/api/v1/applications/{id}", Perm(ApplicationRead)),
    (
        "POST",
        "/api/v1/applications/{id}/submit",
        Perm(ApplicationSubmit),
    ),
    (
        "POST",
        "/api/v1/applications/{id}/review",
        Perm(ApplicationReview),
    ),
    (
        "POST",
        "/api/v1/applications/{id}/return",
        Perm(ApplicationReview),
    ),
    (
        "POST",
        "/api/v1/applications/{id}/approve",
        Perm(ApplicationDecide),
    ),
    (
        "POST",
        "/api/v1/applications/{id}/reject",
        Perm(ApplicationDecide),
    ),
    ("GET", "/api/v1/budgets", Perm(BudgetManage)),
    ("POST", "/api/v1/budgets", Perm(BudgetManage)),
    ("GET", "/api/v1/payments/batches", Perm(PaymentRun)),
    ("POST", "/api/v1/payments/batches", Perm(PaymentRun)),
    ("GET", "/api/v1/funds/performance", Perm(FundReport)),
    ("GET", "/applications", Perm(ApplicationRead)),
    ("GET", "/applications/new", Perm(ApplicationSubmit)),
    ("POST", "/applications/new", Perm(ApplicationSubmit)),
    // The handler also requires 审批 for bulk approval.
    ("POST", "/applications/bulk", Perm(ApplicationReview)),
    ("GET", "/applications/{id}", Perm(ApplicationRead)),
    ("POST", "/applications/{id}/submit", Perm(ApplicationSubmit)),
    ("POST", "/applications/{id}/review", Perm(ApplicationReview)),
    ("POST", "/applications/{id}/return", Perm(ApplicationReview)),
    (
        "POST",
        "/applications/{id}/approve",
        Perm(ApplicationDecide),
    ),
    ("POST", "/applications/{id}/reject", Perm(ApplicationDecide)),
    (
        "POST",
        "/applications/{id}/attachments",
        Perm(ApplicationSubmit),
    ),
    (
        "GET",
        "/applications/{id}/attachments/{aid}",
        Perm(ApplicationRead),
    ),
    ("GET", "/payments", Perm(PaymentRun)),
    ("POST", "/payments/batches", Perm(PaymentRun)),
    ("GET", "/payments/batches/{id}/file.xlsx", Perm(PaymentRun)),
    ("POST", "/payments/reconcile", Perm(PaymentRun)),
    ("GET", "/budgets", Perm(BudgetManage)),
    ("POST", "/budgets", Perm(BudgetManage)),
    ("GET", "/funds", Perm(FundReport)),
    ("GET", "/welfare", Perm(WelfarePost)),
    ("POST", "/welfare/posts", Perm(WelfarePost)),
    ("POST", "/welfare/placements", Perm(WelfarePost)),
    ("GET", "/welfare/placements/{id}", Perm(WelfarePost)),
    ("POST", "/welfare/placements/{id}/end", Perm(WelfarePost)),
    ("POST", "/welfare/accrue", Perm(WelfarePost)),
    ("GET", "/api/v1/help/coverage", Perm(HelpRead)),
    ("GET", "/api/v1/help/zero-households", Perm(HelpRead)),
    ("GET", "/api/v1/help/hard-to-employ", Perm(HelpRead)),
    (
        "POST",
        "/api/v1/help/hard-to-employ/{id}/confirm",
        Perm(HelpConfirm),
    ),
    ("GET", "/api/v1/help/cases", Perm(HelpRead)),
    ("POST", "/api/v1/help/cases/{id}/contacts", Perm(HelpWork)),
    ("GET", "/api/v1/rights/index", Perm(RightsRead)),
    ("GET", "/api/v1/rights/arrears", Perm(RightsRead)),
    ("POST", "/api/v1/rights/arrears", Perm(RightsWrite)),
    ("GET", "/api/v1/rights/disputes", Perm(RightsRead)),
    ("GET", "/api/v1/rights/wages", Perm(RightsRead)),
    ("GET", "/api/v1/rights/coverage", Perm(RightsRead)),
    ("GET", "/rights", Perm(RightsRead)),
    ("POST", "/rights/arrears", Perm(RightsWrite)),
    ("GET", "/rights/arrears/template.xlsx", SignedIn),
    ("POST", "/rights/arrears/import", Perm(RightsWrite)),
    ("GET", "/rights/disputes/template.xlsx", SignedIn),
    ("POST", "/rights/disputes/import", Perm(RightsWrite)),
    ("POST", "/rights/arrears/{id}/close", Perm(RightsWrite)),
    ("POST", "/rights/disputes", Perm(RightsWrite)),
    ("POST", "/rights/disputes/{id}/extend", Perm(RightsWrite)),
    ("POST", "/rights/disputes/{id}/close", Perm(RightsWrite)),
    ("GET", "/rights/wages", Perm(RightsRead)),
    ("GET", "/api/v1/jobs/search", Public),
    ("GET", "/api/v1/jobs/suggest", Public),
    ("GET", "/api/v1/jobs/{id}", Public),
    ("GET", "/api/v1/occupations", Public),
    ("POST", "/api/v1/jobs/{id}/apply", Perm(SeekerProfile)),
    ("GET", "/api/v1/postings", Perm(PostingWrite)),
    ("POST", "/api/v1/postings", Perm(PostingWrite)),
    ("POST", "/api/v1/postings/{id}/close", Perm(PostingWrite)),
    ("GET", "/api/v1/postings/{id}/matches", Perm(MatchRead)),
    (
        "GET",
        "/api/v1/postings/{id}/applications",
        Perm(PostingWrite),
    ),
    (
        "POST",
        "/api/v1/job-applications/{id}/state",
        Perm(PostingWrite),
    ),
    ("GET", "/api/v1/persons/{id}/seeker", Perm(SeekerProfile)),
    ("PUT", "/api/v1/persons/{id}/seeker", Perm(SeekerProfile)),
    ("GET", "/api/v1/persons/{id}/inbox", Perm(SeekerProfile)),
    ("GET", "/api/v1/postings/{id}/slots", Public),
    ("POST", "/api/v1/postings/{id}/slots", Perm(PostingWrite)),
    ("GET", "/api/v1/gig/slots", Public),
    ("POST", "/api/v1/gig/slots/{id}/signup", Perm(SeekerProfile)),
    ("GET", "/api/v1/gig/slots/{id}/signups", Perm(PostingWrite)),
    (
        "POST",
        "/api/v1/gig/signups/{id}/worker",
        Perm(SeekerProfile),
    ),
    (
        "POST",
        "/api/v1/gig/signups/{id}/employer",
        Perm(PostingWrite),
    ),
    (
        "POST",
        "/api/v1/gig/signups/{id}/worker/rating",
        Perm(SeekerProfile),
    ),
    (
        "POST",
        "/api/v1/gig/signups/{id}/employer/rating",
        Perm(PostingWrite),
    ),
    ("GET", "/api/v1/persons/{id}/gigs", Perm(SeekerProfile)),
    ("GET", "/api/v1/events", Public),
    ("POST", "/api/v1/events", Perm(EventManage)),
    ("GET", "/api/v1/events/{id}", Public),
    ("POST", "/api/v1/events/{id}/cancel", Perm(EventManage)),
    ("POST", "/api/v1/events/{id}/join", Perm(PostingWrite)),
    ("POST", "/api/v1/events/{id}/register", Perm(SeekerProfile)),
    ("POST", "/api/v1/events/{id}/check-in", Perm(EventManage)),
    ("GET", "/api/v1/monitor/indicators", Perm(MonitorRead)),
    ("GET", "/api/v1/monitor/indicators/{id}", Perm(MonitorRead)),
    ("GET", "/api/v1/monitor/targets", Perm(MonitorRead)),
    ("GET", "/api/v1/monitor/tasks", Perm(MonitorRead)),
    ("POST", "/api/v1/monitor/tasks/notes", Perm(TaskNote)),
    ("POST", "/api/v1/monitor/refresh", Perm(MonitorAdmin)),
    ("POST", "/api/v1/monitor/surveyed", Perm(MonitorAdmin)),
    ("GET", "/api/v1/monitor/dashboard", Perm(MonitorRead)),
    ("GET", "/api/v1/registries", Perm(SkillsRead)),
    ("GET", "/api/v1/rights/registries", Perm(RightsRead)),
    (
        "GET",
        "/api/v1/rights/registries/{registry}",
        Perm(RightsRead),
    ),
    (
        "POST",
        "/api/v1/rights/registries/{registry}",
        Perm(RightsWrite),
    ),
    (
        "GET",
        "/api/v1/rights/registries/{registry}/{id}",
        Perm(RightsRead),
    ),
    (
        "PUT",
        "/api/v1/rights/registries/{registry}/{id}",
        Perm(RightsWrite),
    ),
    ("GET", "/rights/registries/{registry}", Perm(RightsRead)),
    ("POST", "/rights/registries/{registry}", Perm(RightsWrite)),
    (
        "POST",
        "/rights/registries/{registry}/import",
        Perm(RightsWrite),
    ),
    (
        "GET",
        "/rights/registries/{registry}/template.xlsx",
        SignedIn,
    ),
    (
        "GET",
        "/rights/registries/{registry}/export.xlsx",
        Perm(RightsRead),
    ),
    (
        "GET",
        "/rights/registries/{registry}/{id}",
        Perm(RightsRead),
    ),
    (
        "GET",
        "/rights/registries/{registry}/{id}/edit",
        Perm(RightsWrite),
    ),
    (
        "POST",
        "/rights/registries/{registry}/{id}/edit",
        Perm(RightsWrite),
    ),
    ("GET", "/api/v1/registries/{registry}", Perm(SkillsRead)),
    ("POST", "/api/v1/registries/{registry}", Perm(SkillsWrite)),
    (
        "GET",
        "/api/v1/registries/{registry}/{id}",
        Perm(SkillsRead),
    ),
    (
        "PUT",
        "/api/v1/registries/{registry}/{id}",
        Perm(SkillsWrite),
    ),
    ("GET", "/api/v1/service/tickets", Perm(TicketWork)),
    ("POST", "/api/v1/service/tickets", Perm(TicketWork)),
    ("GET", "/api/v1/service/tickets/{id}", Perm(TicketWork)),
    (
        "POST",
        "/api/v1/service/tickets/{id}/link",
        Perm(TicketWork),
    ),
    (
        "POST",
        "/api/v1/service/tickets/{id}/place",
        Perm(TicketWork),
    ),
    (
        "POST",
        "/api/v1/service/tickets/{id}/close",
        Perm(TicketWork),
    ),
    ("GET", "/api/v1/impact-assessments", Perm(ImpactAssess)),
    ("POST", "/api/v1/impact-assessments", Perm(ImpactAssess)),
    ("GET", "/api/v1/impact-assessments/{id}", Perm(ImpactAssess)),
    ("GET", "/api/v1/alerts", Perm(MonitorRead)),
    ("POST", "/api/v1/alerts/{id}/acknowledge", Perm(AlertHandle)),
    ("POST", "/api/v1/alerts/{id}/resolve", Perm(AlertHandle)),
    ("GET", "/api/v1/reports", Perm(MonitorRead)),
    ("GET", "/api/v1/shortage", Public),
    ("GET", "/api/v1/shortage/{quarter}", Public),
    (
        "POST",
        "/api/v1/shortage/{quarter}/publish",
        Perm(ShortagePublish),
    ),
    (
        "GET",
        "/api/v1/persons/{id}/recommendations",
        Perm(SeekerProfile),
    ),
    ("POST", "/rights/wages/import", Perm(RightsWrite)),
    ("GET", "/help", Perm(HelpRead)),
    ("GET", "/help/groups", Perm(HelpRead)),
    ("GET", "/help/stations", Perm(HelpRead)),
    ("POST", "/help/stations", Perm(HelpConfirm)),
    ("POST", "/help/stations/{id}/services", Perm(HelpWork)),
    ("POST", "/help/hte/{id}/confirm", Perm(HelpConfirm)),
    ("POST", "/help/hte/{id}/dismiss", Perm(HelpConfirm)),
    ("GET", "/help/cases/{id}", Perm(HelpRead)),
    ("POST", "/help/cases/{id}", Perm(HelpWork)),
    ("POST", "/help/cases/{id}/contacts", Perm(HelpWork)),
    ("POST", "/help/cases/{id}/close", Perm(HelpWork)),
    ("POST", "/persons/{id}/labour-events", Perm(PersonWrite)),
    ("GET", "/imports", SignedIn),
    ("GET", "/imports/{entity}/template.xlsx", SignedIn),
    ("POST", "/imports/persons", Perm(PersonWrite)),
    ("POST", "/imports/households", Perm(HouseholdWrite)),
    ("POST", "/imports/enterprises", Perm(EnterpriseWrite)),
    ("POST", "/imports/headcount", Perm(EnterpriseWrite)),
    ("POST", "/offers/sweep", Perm(SweepRun)),
];

/// The requirement of a route, if the route is declared.
pub fn access_of(method: &Method, path: &str) -> Option<Access> {
    ROUTES
        .iter()
        .find(|(m, p, _)| *m == method.as_str() && *p == path)
        .map(|(_, _, a)| *a)
}

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Via {
    /// Browser session: the stored hash of the cookie, and the CSRF token of the session.
    Session { token_hash: String, csrf: String },
    /// API token (no CSRF: it is not sent automatically by browsers).
    Token,
}

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserRecord,
    pub role: Role,
    pub scope: Scope,
    pub actor: Actor,
    pub via: Via,
    pub lang: String,
}

impl Caller {
    pub fn may(&self, p: Permission) -> bool {
        self.role.allows(p)
    }
    /// The session's CSRF token (empty for API tokens).
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } => csrf,
            Via::Token => "",
        }
    }
}

/// The language chosen in a request's cookie.
pub fn lang_of(headers: &axum::http::HeaderMap) -> &'static str {
    let v = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.split(';').map(str::trim).find_map(|kv| {
                kv.strip_prefix(crate::i18n::COOKIE)
                    .and_then(|r| r.strip_prefix('='))
            })
        });
    crate::i18n::normalise(v)
}

/// Name of the session cookie.
pub const COOKIE: &str = "leye_session";

fn cookie_value<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.split(';')
                .map(str::trim)
                .find_map(|kv| kv.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
        })
}

fn client_ip(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

fn caller_from(user: UserRecord, via: Via, lang: String, ip: &str) -> Option<Caller> {
    let role = Role::from_code(&user.role)?;
    let scope = scope_of(
        role,
        &Binding {
            region_code: user.region_code.as_deref(),
            unit: user.unit.as_deref(),
            enterprise_id: user.enterprise_id,
            person_id: user.person_id,
        },
    );
    let actor = Actor::user(user.id, &user.username, ip);
    Some(Caller {
        user,
        role,
        scope,
        actor,
        via,
        lang,
    })
}

/// What identifies the caller, read from the request before any await.
struct Credentials {
    bearer: Option<String>,
    cookie: Option<String>,
    ip: String,
    lang: &'static str,
}

fn credentials(req: &Request) -> Credentials {
    Credentials {
        bearer: req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|s| s.trim().to_string()),
        cookie: cookie_value(req, COOKIE).map(str::to_string),
        ip: client_ip(req),
        lang: crate::i18n::normalise(cookie_value(req, crate::i18n::COOKIE)),
    }
}

async fn resolve(app: &AppState, c: Credentials) -> Result<Option<Caller>, ApiError> {
    use crate::callers::Identity;
    let (bearer, ip, lang) = (c.bearer.as_deref(), c.ip, c.lang.to_string());
    if bearer.is_none() && c.cookie.is_none() {
        // Anonymous: no database round trip (public job search, the health check).
        return Ok(None);
    }
    app.callers.check(&app.store).await?;
    let now = app.clock.now();
    let caller = if let Some(token) = bearer {
        let hash = sha256_hex(token);
        let found = app
            .callers
            .identify(format!("t:{hash}"), now, async {
                Ok(app.store.user_of_token(&hash).await?.map(Identity::Token))
            })
            .await?;
        let Some(Identity::Token(user)) = found else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "接口令牌无效或已撤销",
            ));
        };
        caller_from(user, Via::Token, lang, &ip)
    } else if let Some(cookie) = c.cookie.as_deref() {
        let token_hash = sha256_hex(cookie);
        let found = app
            .callers
            .identify(format!("s:{token_hash}"), now, async {
                Ok(app
                    .store
                    .session_of(&token_hash, now)
                    .await?
                    .map(Identity::Session))
            })
            .await?;
        match found {
            Some(Identity::Session(s)) => caller_from(
                s.user,
                Via::Session {
                    token_hash,
                    csrf: s.csrf_token,
                },
                lang,
                &ip,
            ),
            _ => None,
        }
    } else {
        None
    };
    Ok(caller)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}

fn deny(api: bool, status: StatusCode, code: &str, message: &str) -> Response {
    let e = ApiError::new(status, code, message);
    if api {
        e.into_response()
    } else {
        crate::ui::UiError::from(e).into_response()
    }
}

/// The middleware: resolve the caller, look the route up, check permission and CSRF.
pub async fn guard(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let api = is_api(&path);
    let lang = crate::i18n::normalise(cookie_value(&req, crate::i18n::COOKIE));
    let caller = match resolve(&app, credentials(&req)).await {
        Ok(c) => c,
        Err(e) if api => return e.into_response(),
        // The database cannot say who this is (an outage): the error page, not the login.
        Err(e) => return crate::ui::with_lang(crate::ui::UiError::from(e).into_response(), lang),
    };
    let Some(template) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
    else {
        // No route matched: the fallbacks answer 404 / 405, with the caller's header.
        let res = next.run(req).await;
        return match (&caller, api) {
            (_, true) => res,
            (Some(c), false) => crate::ui::with_nav(res, c),
            (None, false) => crate::ui::with_lang(res, lang),
        };
    };
    if access_of(req.method(), &template).is_none() && ROUTES.iter().any(|(_, p, _)| *p == template)
    {
        // A known path with a method it does not have: the router answers 405.
        return next.run(req).await;
    }
    let Some(access) = access_of(req.method(), &template) else {
        tracing::warn!(method = %req.method(), route = %template, "route missing from the access table: denied");
        return deny(api, StatusCode::FORBIDDEN, "forbidden", "无权访问");
    };
    if access == Public {
        let mut req = req;
        req.extensions_mut().insert(caller.clone());
        let res = next.run(req).await;
        return match (&caller, api) {
            (_, true) => res,
            (Some(c), false) => crate::ui::with_nav(res, c),
            (None, false) => crate::ui::with_lang(res, lang),
        };
    }
    let Some(caller) = caller else {
        if api {
            return deny(
                true,
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "请先登录或提供接口令牌",
            );
        }
        let next_url = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let target = format!(
            "/login?next={}",
            serde_urlencoded::to_string([("", next_url)])
                .unwrap_or_default()
                .trim_start_matches('=')
        );
        return Redirect::to(&target).into_response();
    };
    if let Perm(p) = access
        && !caller.may(p)
    {
        tracing::info!(user = %caller.user.username, permission = p.code(), "denied");
        let t = |zh: &str| crate::i18n::tr(&caller.lang, zh);
        let message = if api {
            format!("您的角色({})无权{}", caller.role.label_zh(), p.label_zh())
        } else {
            format!(
                "{}({}){}{}",
                t("您的角色"),
                t(caller.role.label_zh()),
                t("无权"),
                t(p.label_zh())
            )
        };
        let res = deny(api, StatusCode::FORBIDDEN, "forbidden", &message);
        return if api {
            res
        } else {
            crate::ui::with_nav(res, &caller)
        };
    }
    let mut req = req;
    if !matches!(*req.method(), Method::GET | Method::HEAD)
        && let Via::Session { csrf, .. } = &caller.via
    {
        match csrf_ok(req, csrf).await {
            Ok(r) => req = r,
            Err(resp) => return resp,
        }
    }
    req.extensions_mut().insert(Some(caller.clone()));
    let res = next.run(req).await;
    if api {
        res
    } else {
        crate::ui::with_nav(res, &caller)
    }
}

/// Check the CSRF token of a browser write; give the request back intact when it is good.
async fn csrf_ok(req: Request, expected: &str) -> Result<Request, Response> {
    let api = is_api(req.uri().path());
    let bad = || {
        deny(
            api,
            StatusCode::FORBIDDEN,
            "csrf",
            "页面已过期或来源不明,请刷新页面后重试",
        )
    };
    if let Some(h) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return if h == expected { Ok(req) } else { Err(bad()) };
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        // A file upload carries the token in its action URL: the body may be hundreds of
        // megabytes and is read by the handler, not here.
        let token = req
            .uri()
            .query()
            .and_then(|q| form_urlencoded_value(q.as_bytes(), "csrf"));
        return if token.as_deref() == Some(expected) {
            Ok(req)
        } else {
            Err(bad())
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(bad());
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
        .await
        .map_err(|_| {
            deny(
                api,
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "提交的内容过大",
            )
        })?;
    let token = form_urlencoded_value(&bytes, "csrf");
    if token.as_deref() != Some(expected) {
        return Err(bad());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn form_urlencoded_value(bytes: &[u8], key: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Option<Caller>>()
            .cloned()
            .flatten()
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录"))
    }
}

/// The caller if signed in (for public pages such as the login page).
pub struct MaybeCaller(pub Option<Caller>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for MaybeCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeCaller(
            parts.extensions.get::<Option<Caller>>().cloned().flatten(),
        ))
    }
}
