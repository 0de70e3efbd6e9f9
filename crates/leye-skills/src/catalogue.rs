//! The registries of plan 二(二), 二(四) and 二(五), described once: what each row holds, its
//! key, where it is counted and from which date. The tables are in migration 0010; a test
//! checks that every description matches its table on both backends.

use leye_domain::registry::{Area, Check, Field, Kind, Registry};

const PROVIDER_KINDS: &[(&str, &str)] = &[
    ("school", "院校"),
    ("institution", "社会培训机构"),
    ("enterprise", "企业培训中心"),
];
/// 补贴性培训类别.
const COURSE_CATEGORIES: &[(&str, &str)] = &[
    ("employment", "就业技能培训"),
    ("upgrading", "岗位技能提升培训"),
    ("startup", "创业培训"),
    ("apprenticeship", "新型学徒制培训"),
    ("digital", "数字技术工程师培训"),
];
const TRAINEE_STATUSES: &[(&str, &str)] = &[
    ("enrolled", "在训"),
    ("completed", "结业"),
    ("dropped", "退学"),
];
/// 二(四)3: the three routes of skill evaluation.
pub const ROUTES: &[(&str, &str)] = &[
    ("qualification", "职业资格评价"),
    ("skill_level", "职业技能等级认定"),
    ("special_ability", "专项职业能力考核"),
];
const SCHOOL_KINDS: &[(&str, &str)] = &[
    ("technician_college", "技师学院"),
    ("senior_school", "高级技工学校"),
    ("school", "技工学校"),
];
const SCHOOL_PROJECTS: &[(&str, &str)] =
    &[("none", "无"), ("new", "新建"), ("expansion", "改扩建")];
const TIERS: &[(&str, &str)] = &[
    ("provincial_group", "省级高水平专业群"),
    ("municipal_brand", "市级品牌专业"),
    ("ordinary", "一般专业"),
];
const DESIGNATIONS: &[(&str, &str)] = &[
    ("self_certifying", "自主认定备案企业"),
    ("skill_enterprise", "技能型企业"),
];
/// 青创空间链 (二(二)1).
const SPACE_STAGES: &[(&str, &str)] = &[
    ("maker_space", "众创空间"),
    ("incubator", "孵化器"),
    ("accelerator", "加速器"),
    ("park", "产业园"),
    ("shop", "个性化商铺"),
];
/// The "2618" system: 两大青创走廊、六大青创城、十八个青创圈.
const CLUSTER_LEVELS: &[(&str, &str)] = &[
    ("corridor", "青创走廊"),
    ("city", "青创城"),
    ("circle", "青创圈"),
];
const STARTUP_STAGES: &[(&str, &str)] = &[
    ("idea", "创意阶段"),
    ("registered", "已注册"),
    ("operating", "运营中"),
    ("closed", "已停止"),
];
const ELITE_CATEGORIES: &[(&str, &str)] = &[
    ("innovation", "领军型创新人才"),
    ("startup", "领军型创业人才"),
    ("team", "创新创业团队"),
];
const HR_SERVICES: &[(&str, &str)] = &[
    ("recruitment", "招聘服务"),
    ("dispatch", "劳务派遣"),
    ("outsourcing", "人力资源外包"),
    ("headhunting", "高级人才寻访"),
    ("training", "培训服务"),
    ("comprehensive", "综合服务"),
];

use Kind::*;

const NAME: Field = Field::new("name", "名称", Text(100));

pub static TRAINING_PROVIDERS: Registry = Registry {
    id: "training-providers",
    table: "training_providers",
    label: "培训机构",
    area: Area::Skills,
    clause: "二(四)",
    about: "承担补贴性职业技能培训的院校、社会培训机构和企业培训中心。",
    fields: &[
        Field::new("name", "机构名称", Text(100)).example("湖州示例职业培训学校"),
        Field::new("kind", "机构类型", Choice(PROVIDER_KINDS)).example("社会培训机构"),
        Field::new("licence_no", "办学许可证号", Text(40))
            .optional()
            .unlisted(),
        Field::new("approved_on", "备案日期", Date).example("2024-09-01"),
    ],
    title: "name",
    key: &["name"],
    counted_on: "approved_on",
    region_from: None,
    checks: &[],
};

pub static COURSES: Registry = Registry {
    id: "courses",
    table: "courses",
    label: "培训课程",
    area: Area::Skills,
    clause: "二(四)",
    about: "培训机构开设的课程:对应职业、等级和补贴类别。",
    fields: &[
        Field::new("code", "课程编号", Text(40)).example("KC2025001"),
        Field::new("name", "课程名称", Text(100)).example("数控车工(中级)"),
        Field::new("provider_id", "培训机构", Ref("training_providers", "name"))
            .example("湖州示例职业培训学校"),
        Field::new("occupation", "职业编码", Occupation).example("6-18-01-01"),
        Field::new("skill_level", "技能等级", Level)
            .optional()
            .example("中级工"),
        Field::new("category", "培训类别", Choice(COURSE_CATEGORIES)).example("岗位技能提升培训"),
        Field::new("hours", "课时", Int(1, 2000)).example("80"),
    ],
    title: "code",
    key: &["code"],
    counted_on: "created_at",
    region_from: Some("provider_id"),
    checks: &[],
};

pub static TRAINING_CLASSES: Registry = Registry {
    id: "training-classes",
    table: "training_classes",
    label: "培训班",
    area: Area::Skills,
    clause: "二(四)",
    about: "一期培训:课程、起止日期和名额。",
    fields: &[
        Field::new("code", "班级编号", Text(40)).example("BJ2025001"),
        Field::new("course_id", "课程编号", Ref("courses", "code")).example("KC2025001"),
        Field::new("starts_on", "开班日期", Date).example("2025-03-01"),
        Field::new("ends_on", "结业日期", Date).example("2025-03-31"),
        Field::new("capacity", "名额", Int(1, 1000)).example("40"),
    ],
    title: "code",
    key: &["code"],
    counted_on: "starts_on",
    region_from: Some("course_id"),
    checks: &[Check::NotAfter("starts_on", "ends_on")],
};

pub static TRAINEES: Registry = Registry {
    id: "trainees",
    table: "trainees",
    label: "培训学员",
    area: Area::Skills,
    clause: "二(四)",
    about: "参加培训的人员;结业的人次计入“职业技能培训5万人次”目标。",
    fields: &[
        Field::new("class_id", "班级编号", Ref("training_classes", "code")).example("BJ2025001"),
        Field::new("person_id", "身份证号", Person).aliases(&["学员身份证号"]),
        Field::new("status", "状态", Choice(TRAINEE_STATUSES)).example("结业"),
        Field::new("completed_on", "结业日期", Date)
            .optional()
            .example("2025-03-31"),
    ],
    title: "class_id",
    key: &["class_id", "person_id"],
    counted_on: "completed_on",
    region_from: Some("class_id"),
    checks: &[Check::GivenWhen("completed_on", "status", "completed")],
};

pub static CERTIFICATIONS: Registry = Registry {
    id: "certifications",
    table: "certifications",
    label: "技能人才评价证书",
    area: Area::Skills,
    clause: "二(四)3",
    about: "职业资格评价、职业技能等级认定、专项职业能力考核取得的证书;按规则计入“新增技能人才”。",
    fields: &[
        Field::new("certificate_no", "证书编号", Text(40)).example("S000033050000251000001"),
        Field::new("person_id", "身份证号", Person).aliases(&["持证人身份证号"]),
        Field::new("occupation", "职业编码", Occupation).example("6-18-01-01"),
        Field::new("skill_level", "技能等级", Level)
            .optional()
            .example("中级工"),
        Field::new("route", "评价方式", Choice(ROUTES)).example("职业技能等级认定"),
        Field::new("certified_on", "发证日期", Date).example("2025-04-15"),
        Field::new("issuer", "评价机构", Text(100)).example("湖州示例制造有限公司"),
        Field::new("enterprise_id", "自主认定企业信用代码", Enterprise)
            .optional()
            .unlisted(),
    ],
    title: "certificate_no",
    key: &["certificate_no"],
    counted_on: "certified_on",
    region_from: None,
    checks: &[Check::EmptyWhen("skill_level", "route", "special_ability")],
};

pub static TECHNICAL_SCHOOLS: Registry = Registry {
    id: "technical-schools",
    table: "technical_schools",
    label: "技工院校",
    area: Area::Skills,
    clause: "二(四)1",
    about: "技师学院和技工学校,高级工班、技师班在读人数,新建(改扩建)项目和合作院校。",
    fields: &[
        Field::new("name", "院校名称", Text(100)).example("湖州示例技师学院"),
        Field::new("kind", "院校类型", Choice(SCHOOL_KINDS)).example("技师学院"),
        Field::new("project", "新建(改扩建)", Choice(SCHOOL_PROJECTS)).example("无"),
        Field::new("completed_on", "建成日期", Date).optional(),
        Field::new("senior_students", "高级工班在读人数", Int(0, 100_000)).example("600"),
        Field::new("technician_students", "技师班在读人数", Int(0, 100_000)).example("120"),
        Field::new("partners", "合作院校", Text(500))
            .optional()
            .unlisted(),
    ],
    title: "name",
    key: &["name"],
    counted_on: "completed_on",
    region_from: None,
    checks: &[Check::EmptyWhen("completed_on", "project", "none")],
};

pub static SPECIALTIES: Registry = Registry {
    id: "specialties",
    table: "specialties",
    label: "技工院校专业",
    area: Area::Skills,
    clause: "二(四)1",
    about: "技工院校的专业;省级高水平专业群(目标6个)和市级品牌专业(目标20个)按认定日期计数。",
    fields: &[
        Field::new("school_id", "院校名称", Ref("technical_schools", "name"))
            .example("湖州示例技师学院"),
        Field::new("name", "专业名称", Text(100)).example("数控加工"),
        Field::new("occupation", "对应职业编码", Occupation)
            .optional()
            .example("6-18-01-01"),
        Field::new("tier", "建设层次", Choice(TIERS)).example("市级品牌专业"),
        Field::new("designated_on", "认定日期", Date)
            .optional()
            .example("2025-06-30"),
    ],
    title: "name",
    key: &["school_id", "name"],
    counted_on: "designated_on",
    region_from: Some("school_id"),
    checks: &[Check::EmptyWhen("designated_on", "tier", "ordinary")],
};

pub static SKILL_DESIGNATIONS: Registry = Registry {
    id: "skill-designations",
    table: "skill_designations",
    label: "自主认定与技能型企业",
    area: Area::Skills,
    clause: "二(四)3",
    about: "自主认定备案企业(目标累计800家)和技能型企业(目标600家)。",
    fields: &[
        Field::new("enterprise_id", "统一社会信用代码", Enterprise),
        Field::new("kind", "认定类别", Choice(DESIGNATIONS)).example("自主认定备案企业"),
        Field::new("designated_on", "备案(认定)日期", Date).example("2025-05-20"),
        Field::new("doc_no", "文号", Text(60)).optional(),
    ],
    title: "enterprise_id",
    key: &["enterprise_id", "kind"],
    counted_on: "designated_on",
    region_from: Some("enterprise_id"),
    checks: &[],
};

pub static SKILL_VILLAGES: Registry = Registry {
    id: "skill-villages",
    table: "skill_villages",
    label: "技能型乡村(社区)",
    area: Area::Skills,
    clause: "二(四)3",
    about: "建成的技能型乡村(社区),目标60个;以所在村(社区)的区划代码登记,每个只登记一次。",
    fields: &[
        NAME.example("示例村"),
        Field::new("designated_on", "命名日期", Date).example("2025-10-01"),
        Field::new("doc_no", "文号", Text(60)).optional(),
    ],
    title: "name",
    key: &["region"],
    counted_on: "designated_on",
    region_from: None,
    checks: &[],
};

pub static APPRENTICESHIPS: Registry = Registry {
    id: "apprenticeships",
    table: "apprenticeships",
    label: "企业新型学徒制",
    area: Area::Skills,
    clause: "二(四)2",
    about: "“招工即招生、入企即入校、企校双师联合培养”的学徒。",
    fields: &[
        Field::new("person_id", "学徒身份证号", Person).aliases(&["身份证号"]),
        Field::new("enterprise_id", "企业统一社会信用代码", Enterprise)
            .aliases(&["统一社会信用代码"]),
        Field::new("school_id", "合作院校", Ref("technical_schools", "name")).optional(),
        Field::new("occupation", "职业编码", Occupation).example("6-18-01-01"),
        Field::new("starts_on", "开始日期", Date).example("2025-03-01"),
        Field::new("ends_on", "结束日期", Date).example("2026-02-28"),
    ],
    title: "person_id",
    key: &["person_id", "enterprise_id", "starts_on"],
    counted_on: "starts_on",
    region_from: Some("enterprise_id"),
    checks: &[Check::NotAfter("starts_on", "ends_on")],
};

pub static STARTUP_SPACES: Registry = Registry {
    id: "startup-spaces",
    table: "startup_spaces",
    label: "青创空间",
    area: Area::Startup,
    clause: "二(二)1",
    about: "“2618”青创空间体系中的众创空间、孵化器、加速器、产业园和个性化商铺,工位及免费工位。",
    fields: &[
        NAME.example("示例青创空间"),
        Field::new("stage", "空间类型", Choice(SPACE_STAGES)).example("孵化器"),
        Field::new("cluster_level", "所属层级", Choice(CLUSTER_LEVELS)).example("青创圈"),
        Field::new("cluster", "所属走廊/城/圈", Text(100)).example("示例青创圈"),
        Field::new("workstations", "工位数", Int(0, 100_000)).example("120"),
        Field::new("free_workstations", "免费工位数", Int(0, 100_000)).example("20"),
        Field::new("occupied", "已入驻工位", Int(0, 100_000)).example("90"),
        Field::new("opened_on", "启用日期", Date).example("2024-10-01"),
    ],
    title: "name",
    key: &["name"],
    counted_on: "opened_on",
    region_from: None,
    checks: &[
        Check::NotAbove("free_workstations", "workstations"),
        Check::NotAbove("occupied", "workstations"),
    ],
};

pub static YOUTH_STARTUPS: Registry = Registry {
    id: "youth-startups",
    table: "youth_startups",
    label: "青创项目",
    area: Area::Startup,
    clause: "二(二)2",
    about: "青年创业项目,按立项日期计入“每年新增青创项目2000个”目标。",
    fields: &[
        Field::new("name", "项目名称", Text(100)).example("示例青创项目"),
        Field::new("founder_id", "创始人身份证号", Person).aliases(&["身份证号"]),
        Field::new("enterprise_id", "企业统一社会信用代码", Enterprise)
            .optional()
            .unlisted(),
        Field::new("space_id", "入驻青创空间", Ref("startup_spaces", "name")).optional(),
        Field::new("stage", "项目阶段", Choice(STARTUP_STAGES)).example("运营中"),
        Field::new("started_on", "立项日期", Date).example("2025-05-01"),
        Field::new("jobs_created", "带动就业人数", Int(0, 100_000)).example("6"),
        Field::new("rural", "入乡创业", Flag)
            .optional()
            .example("否"),
    ],
    title: "name",
    key: &["name"],
    counted_on: "started_on",
    region_from: None,
    checks: &[],
};

pub static ELITE_PROJECTS: Registry = Registry {
    id: "elite-projects",
    table: "elite_projects",
    label: "南太湖精英计划项目",
    area: Area::Startup,
    clause: "二(二)2",
    about: "引进的“南太湖精英计划”领军型创新创业人才和团队项目,每年200个左右。",
    fields: &[
        Field::new("name", "项目名称", Text(100)).example("示例精英项目"),
        Field::new("leader", "领军人才", Text(50)).example("王某"),
        Field::new("category", "类别", Choice(ELITE_CATEGORIES)).example("领军型创业人才"),
        Field::new("overseas", "海外留学人才", Flag)
            .optional()
            .example("是"),
        Field::new("enterprise_id", "落地企业信用代码", Enterprise)
            .optional()
            .unlisted(),
        Field::new("introduced_on", "引进日期", Date).example("2025-07-01"),
    ],
    title: "name",
    key: &["name"],
    counted_on: "introduced_on",
    region_from: None,
    checks: &[],
};

pub static STARTUP_LOANS: Registry = Registry {
    id: "startup-loans",
    table: "startup_loans",
    label: "创业担保贷款",
    area: Area::Startup,
    clause: "二(二)3",
    about: "合作银行发放的创业担保贷款:借款人、青创项目、金额与期限;金额不超过政策参数规定的个人或小微企业最高额度。",
    fields: &[
        Field::new("borrower_id", "借款人身份证号", Person).aliases(&["身份证号"]),
        Field::new("startup_id", "青创项目", Ref("youth_startups", "name")).optional(),
        Field::new("bank", "合作银行", Text(60)).example("湖州银行"),
        Field::new("amount_fen", "贷款金额(元)", Money).example("300000"),
        Field::new("as_enterprise", "以小微企业名义", Flag)
            .optional()
            .example("否"),
        Field::new("granted_on", "放款日期", Date).example("2025-05-20"),
        Field::new("months", "期限(月)", Int(1, 60)).example("36"),
    ],
    title: "bank",
    key: &["borrower_id", "granted_on"],
    counted_on: "granted_on",
    region_from: Some("borrower_id"),
    checks: &[],
};

pub static RESEARCH_LEAVES: Registry = Registry {
    id: "research-leaves",
    table: "research_leaves",
    label: "科研人员离岗创业",
    area: Area::Startup,
    clause: "二(二)4",
    about: "事业单位科研人员离岗创业创新:期限一般不超过5年,可续签;期间保留人事关系,同等参加职称评聘和岗位等级晋升,不占专业技术岗位结构比例。",
    fields: &[
        Field::new("person_id", "身份证号", Person),
        Field::new("employer_unit", "所在事业单位", Text(100)).example("湖州示例研究院"),
        Field::new("project", "创业项目", Text(100)).example("示例技术转化"),
        Field::new("enterprise_id", "创办或服务企业信用代码", Enterprise)
            .optional()
            .unlisted(),
        Field::new("starts_on", "离岗开始日期", Date).example("2025-01-01"),
        Field::new("ends_on", "离岗结束日期", Date).example("2027-12-31"),
        Field::new("renewal", "续签", Flag).optional().example("否"),
    ],
    title: "project",
    key: &["person_id", "starts_on"],
    counted_on: "starts_on",
    region_from: None,
    checks: &[Check::NotAfter("starts_on", "ends_on")],
};

pub static HR_INSTITUTIONS: Registry = Registry {
    id: "hr-institutions",
    table: "hr_institutions",
    label: "人力资源服务机构",
    area: Area::Service,
    clause: "二(五)4",
    about: "经营性人力资源服务机构及其许可证;总数目标900家。",
    fields: &[
        Field::new("name", "机构名称", Text(100)).example("湖州示例人力资源有限公司"),
        Field::new("credit_code", "统一社会信用代码", CreditText).optional(),
        Field::new("licence_no", "人力资源服务许可证号", Text(40))
            .optional()
            .unlisted(),
        Field::new("licence_until", "许可证有效期至", Date).optional(),
        Field::new("services", "主要业务", Choice(HR_SERVICES)).example("招聘服务"),
        Field::new("registered_on", "登记日期", Date).example("2024-10-01"),
    ],
    title: "name",
    key: &["name"],
    counted_on: "registered_on",
    region_from: None,
    checks: &[Check::NotAfter("registered_on", "licence_until")],
};

pub static HR_CLIENTS: Registry = Registry {
    id: "hr-clients",
    table: "hr_clients",
    label: "机构服务企业",
    area: Area::Service,
    clause: "二(五)4",
    about: "人力资源服务机构为哪些企业提供一对一、个性化服务。",
    fields: &[
        Field::new("institution_id", "机构名称", Ref("hr_institutions", "name"))
            .example("湖州示例人力资源有限公司"),
        Field::new("enterprise_id", "企业统一社会信用代码", Enterprise)
            .aliases(&["统一社会信用代码"]),
        Field::new("since", "服务开始日期", Date).example("2025-01-01"),
        Field::new("service", "服务内容", Text(200)).optional(),
    ],
    title: "institution_id",
    key: &["institution_id", "enterprise_id"],
    counted_on: "since",
    region_from: Some("enterprise_id"),
    checks: &[],
};

pub static SERVICE_PLANS: Registry = Registry {
    id: "service-plans",
    table: "service_plans",
    label: "一企一策服务方案",
    area: Area::Service,
    clause: "二(五)2",
    about: "重点企业的定制化就业服务方案:联络员、合作机构和服务措施;用工需求以服务单办理。",
    fields: &[
        Field::new("enterprise_id", "统一社会信用代码", Enterprise),
        Field::new("officer", "服务专员", Text(50)).example("李专员"),
        Field::new(
            "institution_id",
            "合作人力资源机构",
            Ref("hr_institutions", "name"),
        )
        .optional(),
        Field::new("measures", "服务措施", Text(2000))
            .unlisted()
            .example("岗位收集、订单培训、送工上岗"),
        Field::new("agreed_on", "制定日期", Date).example("2025-02-01"),
    ],
    title: "enterprise_id",
    key: &["enterprise_id"],
    counted_on: "agreed_on",
    region_from: Some("enterprise_id"),
    checks: &[],
};

/// Every registry, in menu order.
pub static ALL: &[&Registry] = &[
    &TRAINING_PROVIDERS,
    &COURSES,
    &TRAINING_CLASSES,
    &TRAINEES,
    &CERTIFICATIONS,
    &TECHNICAL_SCHOOLS,
    &SPECIALTIES,
    &SKILL_DESIGNATIONS,
    &SKILL_VILLAGES,
    &APPRENTICESHIPS,
    &STARTUP_SPACES,
    &YOUTH_STARTUPS,
    &ELITE_PROJECTS,
    &STARTUP_LOANS,
    &RESEARCH_LEAVES,
    &HR_INSTITUTIONS,
    &HR_CLIENTS,
    &SERVICE_PLANS,
];

/// A registry by its slug.
pub fn by_id(id: &str) -> Option<&'static Registry> {
    ALL.iter().copied().find(|r| r.id == id)
}
