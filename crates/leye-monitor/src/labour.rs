//! The labour-market indicators that come from people's labour histories (劳动就业事件): one
//! pass over the events, person by person, in the order they happened.
//!
//! A person's status holds from the month of an event until the month before the next one (the
//! last event of a month is the status at the month's end). Stocks are counted at each month's
//! end through difference arrays, so the work is proportional to the events, not to people ×
//! months. The residence of a person is the current one (the registry keeps no history of
//! moves).

use crate::figures::{Contribution, Mon};

/// A person's status as recorded by a labour event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    Employed,
    Unemployed,
    Student,
    Retired,
    Out,
}

impl Status {
    /// The registry's code (`labour_events.status`).
    pub fn parse(code: &str) -> Option<Status> {
        Some(match code {
            "employed" => Status::Employed,
            "unemployed" => Status::Unemployed,
            "student" => Status::Student,
            "retired" => Status::Retired,
            "out_of_labour_force" => Status::Out,
            _ => return None,
        })
    }
}

/// The sector of the employer (GB/T 4754-2017 sections, grouped as the domain does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Sector {
    /// No registered employer, or unknown.
    Unknown,
    /// Section C.
    Manufacturing,
    /// Sections F to T (第三产业).
    Services,
    /// A, B, D, E (agriculture, mining, utilities, construction).
    Other,
}

impl Sector {
    /// From the enterprise's industry section letter.
    pub fn of_industry(letter: &str) -> Sector {
        use leye_domain::enterprise::{Industry, Sector as Three};
        match Industry::from_code(letter) {
            None => Sector::Unknown,
            Some(Industry::C) => Sector::Manufacturing,
            Some(i) if i.sector() == Three::Services => Sector::Services,
            Some(_) => Sector::Other,
        }
    }
}

/// A person as the fold needs them.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    /// Index into [`Labour::regions`].
    pub region: u32,
    pub urban: bool,
    /// Month of birth.
    pub birth: Mon,
}

/// One labour event.
#[derive(Debug, Clone, Copy)]
pub struct Event {
    /// Index into [`Labour::people`].
    pub person: u32,
    pub month: Mon,
    pub status: Status,
    pub sector: Sector,
    /// The employer's industry section letter (`b'C'`), 0 when none is registered.
    pub industry: u8,
    /// Months of unemployment benefit drawn so far, as recorded with an unemployment
    /// registration (0: none).
    pub benefit_months: u8,
}

/// The people and their events; events sorted by person, then date, then record order.
#[derive(Debug, Clone, Default)]
pub struct Labour {
    /// Region keys (township codes, or a county code when no township is known).
    pub regions: Vec<String>,
    pub people: Vec<Person>,
    pub events: Vec<Event>,
}

/// Thresholds the fold reads (from `warning.toml`).
#[derive(Debug, Clone, Copy)]
pub struct LabourRules {
    pub long_term_months: i32,
    pub youth_min_age: i32,
    pub youth_max_age: i32,
}

// Series kept per region and month.
const NEW_EMP: usize = 0;
const ATTRITION: usize = 1;
const EMPLOYED: usize = 2;
const UNEMPLOYED: usize = 3;
const YOUTH_EMP: usize = 4;
const YOUTH_UNEMP: usize = 5;
const LONG_TERM: usize = 6;
const BENEFIT: usize = 7;
const EMP_KNOWN: usize = 8;
const EMP_MANUF: usize = 9;
const EMP_SERV: usize = 10;
const SERIES: usize = 11;
/// Series counted as stocks (difference arrays, summed over months at the end).
const STOCKS: [usize; 9] = [
    EMPLOYED,
    UNEMPLOYED,
    YOUTH_EMP,
    YOUTH_UNEMP,
    LONG_TERM,
    BENEFIT,
    EMP_KNOWN,
    EMP_MANUF,
    EMP_SERV,
];

/// Industry sections A..=T (GB/T 4754-2017), for new urban employment by industry.
const SECTIONS: usize = 20;

/// Indicator ids of new urban employment by industry section (entries into employment; the
/// natural attrition is not split by industry).
pub const BY_INDUSTRY: [&str; SECTIONS] = [
    "new_urban_employment:A",
    "new_urban_employment:B",
    "new_urban_employment:C",
    "new_urban_employment:D",
    "new_urban_employment:E",
    "new_urban_employment:F",
    "new_urban_employment:G",
    "new_urban_employment:H",
    "new_urban_employment:I",
    "new_urban_employment:J",
    "new_urban_employment:K",
    "new_urban_employment:L",
    "new_urban_employment:M",
    "new_urban_employment:N",
    "new_urban_employment:O",
    "new_urban_employment:P",
    "new_urban_employment:Q",
    "new_urban_employment:R",
    "new_urban_employment:S",
    "new_urban_employment:T",
];

struct Grid {
    from: Mon,
    months: usize,
    regions: usize,
    cells: Vec<i64>,
    /// Entries into employment per region, month and industry section.
    by_industry: Vec<i64>,
}

impl Grid {
    fn new(from: Mon, to: Mon, regions: usize) -> Grid {
        let months = usize::try_from(to - from + 1).unwrap_or(0);
        Grid {
            from,
            months,
            regions,
            // one extra month for the difference arrays' closing entries
            cells: vec![0; SERIES * regions * (months + 1)],
            by_industry: vec![0; SECTIONS * regions * months],
        }
    }
    fn at(&self, series: usize, region: usize, month: usize) -> usize {
        (series * self.regions + region) * (self.months + 1) + month
    }
    /// Add 1 to a flow in a month (ignored outside the window).
    fn flow(&mut self, series: usize, region: usize, m: Mon) {
        if m >= self.from && ((m - self.from) as usize) < self.months {
            let i = self.at(series, region, (m - self.from) as usize);
            self.cells[i] += 1;
        }
    }
    /// Add 1 to the entries of an industry section in a month (ignored outside the window).
    fn industry(&mut self, letter: u8, region: usize, m: Mon) {
        let section = usize::from(letter.wrapping_sub(b'A'));
        if section < SECTIONS && m >= self.from && ((m - self.from) as usize) < self.months {
            let i = (region * self.months + (m - self.from) as usize) * SECTIONS + section;
            self.by_industry[i] += 1;
        }
    }
    /// Add 1 to a stock for every month of `a..=b` (clipped to the window).
    fn span(&mut self, series: usize, region: usize, a: Mon, b: Mon) {
        let last = self.from + self.months as Mon - 1;
        let (a, b) = (a.max(self.from), b.min(last));
        if a > b {
            return;
        }
        let i = self.at(series, region, (a - self.from) as usize);
        self.cells[i] += 1;
        let j = self.at(series, region, (b - self.from) as usize + 1);
        self.cells[j] -= 1;
    }
    fn finish(&mut self) {
        for s in STOCKS {
            for r in 0..self.regions {
                let mut run = 0;
                for m in 0..=self.months {
                    let i = self.at(s, r, m);
                    run += self.cells[i];
                    self.cells[i] = run;
                }
            }
        }
    }
    fn get(&self, series: usize, region: usize, month: usize) -> i64 {
        self.cells[self.at(series, region, month)]
    }
}

/// Intersect `a..=b` with `c..=d`.
fn meet(a: Mon, b: Mon, c: Mon, d: Mon) -> (Mon, Mon) {
    (a.max(c), b.min(d))
}

/// Every labour indicator for the months `from..=to`, per region key of `labour.regions`.
pub fn fold(labour: &Labour, rules: LabourRules, from: Mon, to: Mon) -> Vec<Contribution> {
    let mut g = Grid::new(from, to, labour.regions.len());
    let events = &labour.events;
    let mut i = 0;
    while i < events.len() {
        let p = events[i].person;
        let mut j = i;
        while j < events.len() && events[j].person == p {
            j += 1;
        }
        if let Some(person) = labour.people.get(p as usize) {
            one_person(&mut g, person, &events[i..j], rules, to);
        }
        i = j;
    }
    g.finish();
    let mut out = Vec::new();
    for r in 0..g.regions {
        let key = &labour.regions[r];
        for m in 0..g.months {
            let month = from + m as Mon;
            let v = |s| g.get(s, r, m);
            let emp = v(EMPLOYED);
            let unemp = v(UNEMPLOYED);
            let mut push = |id: &'static str, num: i64, den: i64| {
                if num != 0 || den != 0 {
                    out.push(Contribution::new(id, key, month, num, den));
                }
            };
            push("new_urban_employment", v(NEW_EMP) - v(ATTRITION), 0);
            push("registered_unemployed", unemp, 0);
            push("registered_unemployment_rate", unemp, emp + unemp);
            push(
                "youth_unemployment_rate",
                v(YOUTH_UNEMP),
                v(YOUTH_EMP) + v(YOUTH_UNEMP),
            );
            push("long_term_unemployed_share", v(LONG_TERM), unemp);
            push("benefit_recipients", v(BENEFIT), 0);
            push("manufacturing_share", v(EMP_MANUF), v(EMP_KNOWN));
            push("services_share", v(EMP_SERV), v(EMP_KNOWN));
            for (k, id) in BY_INDUSTRY.iter().enumerate() {
                let n = g.by_industry[(r * g.months + m) * SECTIONS + k];
                if n != 0 {
                    out.push(Contribution::new(id, key, month, n, 0));
                }
            }
        }
    }
    out
}

fn one_person(g: &mut Grid, person: &Person, evs: &[Event], rules: LabourRules, to: Mon) {
    let r = person.region as usize;
    let youth = (
        person.birth + rules.youth_min_age * 12,
        person.birth + (rules.youth_max_age + 1) * 12 - 1,
    );
    let mut prev: Option<Status> = None;
    let mut spell_start: Mon = 0;
    for (k, e) in evs.iter().enumerate() {
        // Flows: entering employment, and leaving it by retirement (natural attrition).
        if person.urban {
            if e.status == Status::Employed && prev != Some(Status::Employed) {
                g.flow(NEW_EMP, r, e.month);
                g.industry(e.industry, r, e.month);
            } else if e.status == Status::Retired && prev == Some(Status::Employed) {
                g.flow(ATTRITION, r, e.month);
            }
        }
        if e.status == Status::Unemployed && prev != Some(Status::Unemployed) {
            spell_start = e.month;
        }
        prev = Some(e.status);
        // The status holds at the end of this month up to the month before the next event.
        let end = evs.get(k + 1).map_or(to, |n| n.month - 1);
        let (a, b) = (e.month, end);
        if a > b {
            continue;
        }
        match e.status {
            Status::Employed => {
                g.span(EMPLOYED, r, a, b);
                let (ya, yb) = meet(a, b, youth.0, youth.1);
                g.span(YOUTH_EMP, r, ya, yb);
                match e.sector {
                    Sector::Unknown => {}
                    s => {
                        g.span(EMP_KNOWN, r, a, b);
                        if s == Sector::Manufacturing {
                            g.span(EMP_MANUF, r, a, b);
                        } else if s == Sector::Services {
                            g.span(EMP_SERV, r, a, b);
                        }
                    }
                }
            }
            Status::Unemployed => {
                g.span(UNEMPLOYED, r, a, b);
                let (ya, yb) = meet(a, b, youth.0, youth.1);
                g.span(YOUTH_UNEMP, r, ya, yb);
                g.span(LONG_TERM, r, a.max(spell_start + rules.long_term_months), b);
                // The registration says benefit is being drawn (months drawn so far > 0).
                if e.benefit_months > 0 {
                    g.span(BENEFIT, r, a, b);
                }
            }
            Status::Student | Status::Retired | Status::Out => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::mon;

    const RULES: LabourRules = LabourRules {
        long_term_months: 12,
        youth_min_age: 16,
        youth_max_age: 24,
    };

    fn ev(person: u32, m: &str, status: Status, sector: Sector, benefit: u8) -> Event {
        Event {
            person,
            month: mon(m).unwrap(),
            status,
            sector,
            industry: match sector {
                Sector::Manufacturing => b'C',
                Sector::Services => b'G',
                Sector::Other => b'E',
                Sector::Unknown => 0,
            },
            benefit_months: benefit,
        }
    }

    fn value(out: &[Contribution], id: &str, month: &str) -> (i64, i64) {
        let m = mon(month).unwrap();
        out.iter()
            .filter(|c| c.indicator == id && c.month == m)
            .fold((0, 0), |(n, d), c| (n + c.num, d + c.den))
    }

    #[test]
    fn a_small_history_gives_known_figures() {
        use Sector::*;
        use Status::*;
        let labour = Labour {
            regions: vec!["330502001".into()],
            people: vec![
                // urban, born 2005-03: youth in 2026
                Person {
                    region: 0,
                    urban: true,
                    birth: mon("2005-03").unwrap(),
                },
                // urban, born 1970-01
                Person {
                    region: 0,
                    urban: true,
                    birth: mon("1970-01").unwrap(),
                },
                // rural, born 1990-06
                Person {
                    region: 0,
                    urban: false,
                    birth: mon("1990-06").unwrap(),
                },
            ],
            events: vec![
                // A: unemployed 2026-01 without benefit, drawing benefit from 2026-03, employed in
                // manufacturing 2026-05
                ev(0, "2026-01", Unemployed, Unknown, 0),
                ev(0, "2026-03", Unemployed, Unknown, 1),
                ev(0, "2026-05", Employed, Manufacturing, 0),
                // B: employed in services since 2020, retires 2026-04
                ev(1, "2020-01", Employed, Services, 0),
                ev(1, "2026-04", Retired, Unknown, 0),
                // C: unemployed since 2025-01 (long-term from 2026-01), employed 2026-06 (rural)
                ev(2, "2025-01", Unemployed, Unknown, 0),
                ev(2, "2026-06", Employed, Other, 0),
            ],
        };
        let out = fold(
            &labour,
            RULES,
            mon("2026-01").unwrap(),
            mon("2026-06").unwrap(),
        );
        // January: A and C unemployed, B employed.
        assert_eq!(value(&out, "registered_unemployed", "2026-01"), (2, 0));
        assert_eq!(
            value(&out, "registered_unemployment_rate", "2026-01"),
            (2, 3)
        );
        assert_eq!(value(&out, "youth_unemployment_rate", "2026-01"), (1, 1));
        assert_eq!(value(&out, "long_term_unemployed_share", "2026-01"), (1, 2));
        // A draws benefit in March and April, not before, not once employed.
        assert_eq!(value(&out, "benefit_recipients", "2026-02"), (0, 0));
        assert_eq!(value(&out, "benefit_recipients", "2026-04"), (1, 0));
        assert_eq!(value(&out, "benefit_recipients", "2026-05"), (0, 0));
        // B retires in April (urban: natural attrition), A starts work in May (urban).
        assert_eq!(value(&out, "new_urban_employment", "2026-04").0, -1);
        assert_eq!(value(&out, "new_urban_employment", "2026-05").0, 1);
        // … in manufacturing (section C); retirement is not split by industry.
        assert_eq!(value(&out, "new_urban_employment:C", "2026-05").0, 1);
        assert_eq!(value(&out, "new_urban_employment:G", "2026-04").0, 0);
        // C is rural: employed in June but not counted as new urban employment.
        assert_eq!(value(&out, "new_urban_employment", "2026-06").0, 0);
        assert_eq!(value(&out, "registered_unemployed", "2026-06"), (0, 0));
        // Shares among the employed with a known employer.
        assert_eq!(value(&out, "services_share", "2026-03"), (1, 1));
        assert_eq!(value(&out, "manufacturing_share", "2026-06"), (1, 2));
    }

    #[test]
    fn sectors_follow_gb_t_4754_2017() {
        assert_eq!(Sector::of_industry("C"), Sector::Manufacturing);
        // F 批发和零售业 is a service; E 建筑业 is not.
        assert_eq!(Sector::of_industry("F"), Sector::Services);
        assert_eq!(Sector::of_industry("T"), Sector::Services);
        assert_eq!(Sector::of_industry("E"), Sector::Other);
        assert_eq!(Sector::of_industry(""), Sector::Unknown);
        assert_eq!(Sector::of_industry("Z"), Sector::Unknown);
    }

    #[test]
    fn two_events_in_one_month_leave_the_last_status() {
        let labour = Labour {
            regions: vec!["330502001".into()],
            people: vec![Person {
                region: 0,
                urban: true,
                birth: mon("1990-01").unwrap(),
            }],
            events: vec![
                ev(0, "2026-02", Status::Unemployed, Sector::Unknown, 0),
                ev(0, "2026-02", Status::Employed, Sector::Other, 0),
            ],
        };
        let out = fold(
            &labour,
            RULES,
            mon("2026-01").unwrap(),
            mon("2026-03").unwrap(),
        );
        assert_eq!(value(&out, "registered_unemployed", "2026-02"), (0, 0));
        assert_eq!(
            value(&out, "registered_unemployment_rate", "2026-02"),
            (0, 1)
        );
        assert_eq!(value(&out, "new_urban_employment", "2026-02").0, 1);
    }
}
