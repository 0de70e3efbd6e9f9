//! 就业见习补贴: traineeship subsidy to the unit (plan 二(三)2; POLICY-FACTS.md). Trainees are
//! graduates who left school within the set years and are still unemployed, registered-
//! unemployed youth of the set ages, and (the plan's addition) students in their graduation
//! year at a traineeship base. The unit pays the trainee at least the minimum wage; the
//! subsidy is the set share of the minimum wage for each month, at most the set months.

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{
    EmploymentCtx, Measure, Missing, Outline, Params, Rule, Screen, met, note, one_of, shown, tri,
    yes_no,
};
use crate::situation::EmploymentKind;
use chrono::{Months, NaiveDate};
use leye_domain::Money;

crate::param_file!("traineeship.toml");

const CLAUSE: &str = "二(三)2";

pub const MEASURE: Measure = Measure {
    id: "traineeship",
    name: "就业见习补贴",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市财政局",
    who: "吸纳离校两年内未就业高校毕业生、16—24周岁登记失业青年、毕业学年在校大学生(见习基地)参加见习的单位",
    benefit: "按不低于当地最低工资标准60%的标准和实际见习月数给予见习补贴,最长12个月",
    documents: &["见习协议", "见习人员花名册", "见习生活费发放记录"],
    params,
    rule: Rule::Employment(evaluate),
    screen: Screen::Always,
};

/// Complete months from `start` to `end` inclusive: a month starting on the 15th is
/// complete on the 14th of the next month.
pub fn whole_months(start: NaiveDate, end: NaiveDate) -> u32 {
    let Some(next) = end.succ_opt() else {
        return 0;
    };
    let mut k = 0;
    while k < 1200
        && start
            .checked_add_months(Months::new(k + 1))
            .is_some_and(|d| d <= next)
    {
        k += 1;
    }
    k
}

fn evaluate(e: &EmploymentCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    if e.employment.kind != Some(EmploymentKind::Traineeship) {
        return Ok(None);
    }
    let p = e.person.person;
    let job = e.employment;
    let mut m = Missing::default();
    let start = m.need("start", job.start);
    let on = start.unwrap_or(on);
    let ps = Params { set: params()?, on };
    let (rate, rate_p) = ps.int("subsidy_rate_pct")?;
    let (max_months, max_p) = ps.int("max_months")?;
    let (years, years_p) = ps.int("graduate_years_after_leaving")?;
    let (min_age, min_age_p) = ps.int("youth_min_age")?;
    let (max_age, max_age_p) = ps.int("youth_max_age")?;
    let (wage, wage_p) = super::common::min_wage(on)?;

    let grad = p.graduation_date;
    let higher = p.education.map(|x| x.is_higher());
    let recent_graduate = match (higher, grad, job.first_job_after_school, start) {
        (Some(false), ..) | (_, _, Some(false), _) => Some(false),
        (Some(true), Some(g), Some(true), Some(s)) => Some(
            g <= s
                && g.checked_add_months(Months::new((years * 12) as u32))
                    .is_some_and(|l| s <= l),
        ),
        _ => None,
    };
    let youth = match (job.hired_from_registered_unemployment, p.birth, start) {
        (Some(false), ..) => Some(false),
        (Some(true), Some(b), Some(s)) => {
            Some((min_age..=max_age).contains(&crate::rule::age(b, s)))
        }
        _ => None,
    };
    // Graduation year: graduating within twelve months of the start.
    let final_year_student = match (p.student, job.traineeship_base, grad, start) {
        (Some(false), ..) | (_, Some(false), ..) => Some(false),
        (Some(true), Some(true), Some(g), Some(s)) => Some(
            s <= g
                && s.checked_add_months(Months::new(12))
                    .is_some_and(|l| g <= l),
        ),
        _ => None,
    };
    let who = one_of(
        "见习人员属于下列之一",
        CLAUSE,
        vec![
            Condition::new(
                format!("离校{years}年内未就业高校毕业生"),
                CLAUSE,
                tri(recent_graduate),
            )
            .fact("graduation_date", shown(grad))
            .fact("first_job_after_school", yes_no(job.first_job_after_school))
            .param(years_p),
            Condition::new(
                format!("{min_age}—{max_age}周岁登记失业青年"),
                CLAUSE,
                tri(youth),
            )
            .fact("birth", shown(p.birth))
            .fact(
                "hired_from_registered_unemployment",
                yes_no(job.hired_from_registered_unemployment),
            )
            .param(min_age_p)
            .param(max_age_p),
            Condition::new(
                "到见习基地参加实习实训的毕业学年在校大学生",
                CLAUSE,
                tri(final_year_student),
            )
            .fact("student", yes_no(p.student))
            .fact("traineeship_base", yes_no(job.traineeship_base)),
        ],
    );
    if who.outcome == Outcome::Unknown {
        for (name, known) in [
            ("education", p.education.is_some()),
            ("graduation_date", grad.is_some()),
            (
                "first_job_after_school",
                job.first_job_after_school.is_some(),
            ),
            (
                "hired_from_registered_unemployment",
                job.hired_from_registered_unemployment.is_some(),
            ),
        ] {
            if !known {
                m.need(name, None::<()>);
            }
        }
    }
    let subject = format!("{}@{}", p.id, e.enterprise.id);
    let mut o = Outline::new(MEASURE.id, CLAUSE, &subject, on);
    o.conditions.push(who);
    let pay = m.need("monthly_pay_fen", job.monthly_pay_fen);
    o.conditions.push(
        Condition::new(
            "见习单位支付的见习生活费不低于最低工资标准",
            CLAUSE,
            pay.map_or(Outcome::Unknown, |x| met(x >= wage)),
        )
        .fact("monthly_pay_yuan", shown(pay.map(Money::from_fen)))
        .param(wage_p.clone()),
    );
    let end = m.need("end", job.end);
    let months = start.zip(end).map(|(s, e)| whole_months(s, e));
    o.conditions.push(
        Condition::new(
            "实际见习满1个月",
            CLAUSE,
            months.map_or(Outcome::Unknown, |n| met(n >= 1)),
        )
        .fact("months", shown(months)),
    );
    if let Some(n) = months {
        let n = i64::from(n).min(max_months);
        o.amount = Some(Money::from_fen(wage * rate / 100 * n));
        o.period = start.zip(end);
    }
    o.notes.push(
        note(
            format!(
                "按最低工资标准{}元的{rate}%逐月补贴,最长{max_months}个月",
                Money::from_fen(wage)
            ),
            CLAUSE,
        )
        .param(wage_p)
        .param(rate_p)
        .param(max_p),
    );
    o.missing = m;
    Ok(Some(o.decide()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::rule::PersonCtx;
    use crate::situation::{Employment, Enterprise, Person};
    use leye_domain::person::Education;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn run(p: &Person, job: &Employment) -> Decision {
        let firm = Enterprise {
            id: "e".into(),
            ..Default::default()
        };
        let ctx = EmploymentCtx {
            employment: job,
            person: PersonCtx {
                person: p,
                zero_employment: None,
            },
            enterprise: &firm,
        };
        evaluate(&ctx, d("2026-11-28")).unwrap().unwrap()
    }

    fn graduate() -> Person {
        Person {
            id: "t".into(),
            birth: Some(d("2002-01-01")),
            education: Some(Education::Bachelor),
            graduation_date: Some(d("2025-06-30")),
            student: Some(false),
            ..Default::default()
        }
    }

    fn job(start: &str, end: &str) -> Employment {
        Employment {
            person: "t".into(),
            enterprise: "e".into(),
            kind: Some(EmploymentKind::Traineeship),
            start: Some(d(start)),
            end: Some(d(end)),
            monthly_pay_fen: Some(249_000),
            first_job_after_school: Some(true),
            hired_from_registered_unemployment: Some(false),
            traineeship_base: Some(false),
            ..Default::default()
        }
    }

    #[test]
    fn months_are_whole() {
        assert_eq!(whole_months(d("2026-01-01"), d("2026-01-30")), 0);
        assert_eq!(whole_months(d("2026-01-01"), d("2026-01-31")), 1);
        assert_eq!(whole_months(d("2026-01-01"), d("2026-02-01")), 1);
        assert_eq!(whole_months(d("2026-01-15"), d("2026-02-14")), 1);
        assert_eq!(whole_months(d("2026-01-15"), d("2026-02-13")), 0);
        assert_eq!(whole_months(d("2026-01-01"), d("2027-06-01")), 17);
    }

    #[test]
    fn sixty_percent_of_the_minimum_wage_for_at_most_twelve_months() {
        let dec = run(&graduate(), &job("2026-01-01", "2026-07-01"));
        assert_eq!(dec.status, Status::Eligible);
        // 2490 * 60% = 1494 a month, 6 months.
        assert_eq!(dec.amount, Some(Money::from_yuan(1494 * 6)));
        let dec = run(&graduate(), &job("2026-01-01", "2027-06-01"));
        assert_eq!(dec.amount, Some(Money::from_yuan(1494 * 12)));
        // Paid below the minimum wage: no subsidy.
        let mut low = job("2026-01-01", "2026-07-01");
        low.monthly_pay_fen = Some(248_999);
        assert_eq!(run(&graduate(), &low).status, Status::NotEligible);
    }

    #[test]
    fn graduates_within_two_years_and_final_year_students_at_bases() {
        // Left school 2025-06-30: a start on 2027-06-30 is within two years, a day later not.
        assert_eq!(
            run(&graduate(), &job("2027-06-30", "2027-12-31")).status,
            Status::Eligible
        );
        assert_eq!(
            run(&graduate(), &job("2027-07-01", "2027-12-31")).status,
            Status::NotEligible
        );
        let student = Person {
            student: Some(true),
            graduation_date: Some(d("2027-06-30")),
            ..graduate()
        };
        let mut at_base = job("2026-09-01", "2027-01-01");
        at_base.first_job_after_school = Some(false);
        assert_eq!(run(&student, &at_base).status, Status::NotEligible);
        at_base.traineeship_base = Some(true);
        assert_eq!(run(&student, &at_base).status, Status::Eligible);
        // A year before graduation is not yet the graduation year.
        let early = job("2026-06-29", "2026-12-31");
        let early = Employment {
            traineeship_base: Some(true),
            first_job_after_school: Some(false),
            ..early
        };
        assert_eq!(run(&student, &early).status, Status::NotEligible);
    }
}
