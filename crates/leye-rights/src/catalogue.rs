//! The registries of labour-relations service (劳动关系服务, plan 二(六)2) and of the economy the
//! wage series is set against (plan 一): described once, written and read like every other
//! registry (`leye_domain::registry`).

use leye_domain::registry::{Area, Field, Kind, Registry};

/// 和谐劳动关系企业(园区) award levels, as the policy engine knows them.
const AWARD_LEVELS: &[(&str, &str)] = &[
    ("national", "国家级"),
    ("provincial", "省级"),
    ("municipal", "市级"),
];

use Kind::*;

pub static LABOUR_STATIONS: Registry = Registry {
    id: "labour-stations",
    table: "labour_stations",
    label: "劳动关系服务站",
    area: Area::Rights,
    clause: "二(六)2",
    about: "乡镇(街道)劳动关系服务站,每个乡镇(街道)登记一个;覆盖率 = 有服务站的乡镇(街道) ÷ 全部乡镇(街道),目标100%。",
    fields: &[
        Field::new("name", "服务站名称", Text(100)).example("织里镇劳动关系服务站"),
        Field::new("opened_on", "设立日期", Date).example("2024-10-01"),
        Field::new("staff", "专职人员数", Int(0, 100)).example("3"),
    ],
    title: "name",
    key: &["region"],
    counted_on: "opened_on",
    region_from: None,
    checks: &[],
};

pub static LABOUR_COORDINATORS: Registry = Registry {
    id: "labour-coordinators",
    table: "labour_coordinators",
    label: "劳动关系协调员",
    area: Area::Rights,
    clause: "二(六)2",
    about: "村(社区)劳动关系协调员,以所在村(社区)的区划代码登记;覆盖率 = 有协调员的村(社区) ÷ 全部村(社区),目标100%。",
    fields: &[
        Field::new("name", "姓名", Text(50)).example("王协调"),
        Field::new("appointed_on", "聘任日期", Date).example("2024-11-01"),
    ],
    title: "name",
    key: &["name", "region"],
    counted_on: "appointed_on",
    region_from: None,
    checks: &[],
};

pub static HARMONIOUS_AWARDS: Registry = Registry {
    id: "harmonious-awards",
    table: "harmonious_awards",
    label: "和谐劳动关系企业(园区)",
    area: Area::Rights,
    clause: "二(六)2",
    about: "获评和谐劳动关系企业(园区)的单位与级别;奖励按政策规则(和谐劳动关系企业奖励)判定。",
    fields: &[
        Field::new("enterprise_id", "统一社会信用代码", Enterprise),
        Field::new("level", "级别", Choice(AWARD_LEVELS)).example("市级"),
        Field::new("awarded_on", "命名日期", Date).example("2025-05-01"),
        Field::new("doc_no", "文号", Text(60)).optional(),
        Field::new("rewarded", "已领取奖励", Flag)
            .optional()
            .example("否"),
    ],
    title: "enterprise_id",
    key: &["enterprise_id", "level"],
    counted_on: "awarded_on",
    region_from: Some("enterprise_id"),
    checks: &[],
};

pub static ECONOMY: Registry = Registry {
    id: "economy",
    table: "economic_series",
    label: "经济与工资年度数据",
    area: Area::Rights,
    clause: "一",
    about: "地区生产总值和城镇非私营单位在岗职工年平均工资(统计部门发布),用于对照“劳动报酬增长与经济增长同步”。",
    fields: &[
        Field::new("year", "年份", Int(2000, 2100)).example("2025"),
        Field::new("gdp_wan", "地区生产总值(万元)", Int(1, 100_000_000_000)).example("42000000"),
        Field::new("avg_wage", "在岗职工年平均工资(元)", Int(1, 10_000_000)).example("110000"),
        Field::new("source", "数据来源", Text(200)).example("湖州市统计局统计公报"),
    ],
    title: "year",
    key: &["year", "region"],
    counted_on: "year",
    region_from: None,
    checks: &[],
};

/// 参保人员类别 (二(六)1): the groups without a labour relation that may join work-injury
/// insurance on its own, and flexible workers (pension and medical insurance where they work).
pub const INSURANCE_GROUPS: &[(&str, &str)] = &[
    ("older_worker", "超过法定退休年龄的大龄劳动者"),
    ("intern_student", "实习学生"),
    ("trainee", "就业见习人员"),
    ("platform_worker", "新就业形态劳动者"),
    ("domestic_worker", "家政服务人员"),
    ("village_cadre", "在职村干部和专职社区工作者"),
    ("extra", "群众演员"),
    ("flexible", "灵活就业人员"),
];

pub static INSURANCE_ROSTER: Registry = Registry {
    id: "insurance-roster",
    table: "insurance_roster",
    label: "扩面参保名单",
    area: Area::Rights,
    clause: "二(六)1",
    about: "单险种参加工伤保险的特定人员和在就业地参保的灵活就业人员:名单中的人由政策规则判定是否可参保,已参保的填写参保日期;按类别计算参保覆盖率。",
    fields: &[
        Field::new("person_id", "身份证号", Person),
        Field::new("grp", "人员类别", Choice(INSURANCE_GROUPS)).example("新就业形态劳动者"),
        Field::new("unit", "用工单位或平台", Text(100))
            .optional()
            .example("湖州示例配送站"),
        Field::new("enrolled_on", "参保日期", Date).optional(),
    ],
    title: "person_id",
    key: &["person_id", "grp"],
    counted_on: "enrolled_on",
    region_from: Some("person_id"),
    checks: &[],
};

/// Every registry of this module.
pub static ALL: &[&Registry] = &[
    &LABOUR_STATIONS,
    &LABOUR_COORDINATORS,
    &HARMONIOUS_AWARDS,
    &ECONOMY,
    &INSURANCE_ROSTER,
];
