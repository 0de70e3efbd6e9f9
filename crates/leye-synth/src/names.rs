//! Word lists of the demo city (illustrative).

use crate::rng::Rng;

pub(crate) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "沈",
    "钱", "姚", "潘", "施", "沃", "费", "闵", "姜",
];
const GIVEN_M: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "斌", "浩", "宇", "俊", "建华", "国强", "志明",
    "晓东", "子轩", "浩然",
];
const GIVEN_F: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "慧", "琳", "秀英", "桂芳", "晓燕",
    "雨涵", "欣怡", "梓涵",
];
pub(crate) const FIRM_WORDS: &[&str] = &[
    "太湖", "吴兴", "南浔", "德清", "长兴", "安吉", "苕溪", "莫干", "竹乡", "丝绸", "湖笔", "碧浪",
    "青山", "远航", "新能",
];
pub(crate) const SCHOOLS: &[&str] = &[
    "湖州师范学院",
    "湖州职业技术学院",
    "浙江大学",
    "浙江工业大学",
    "杭州电子科技大学",
    "湖州学院",
    "浙江农林大学",
];
/// Industry sections and weights: manufacturing ~40%, services ~45% (plan 二(一)2-3).
pub(crate) const INDUSTRIES: &[&str] = &["A", "C", "E", "F", "G", "H", "I", "J", "L", "O", "Q"];
pub(crate) const INDUSTRY_WEIGHTS: [u32; 11] = [5, 40, 10, 12, 6, 6, 5, 3, 6, 4, 3];

pub(crate) fn pick<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.below(list.len())]
}

pub(crate) fn given_name(rng: &mut Rng, female: bool) -> &'static str {
    let list = if female { GIVEN_F } else { GIVEN_M };
    list[rng.below(list.len())]
}

pub(crate) fn firm_suffix(industry: &str) -> &'static str {
    match industry {
        "A" => "农业发展",
        "C" => "智能制造",
        "E" => "建设工程",
        "F" => "商贸",
        "G" => "物流",
        "H" => "餐饮管理",
        "I" => "信息科技",
        "J" => "金融服务",
        "L" => "人力资源服务",
        "O" => "家政服务",
        _ => "健康服务",
    }
}

pub(crate) fn education_for(rng: &mut Rng, age: i32) -> &'static str {
    if age < 7 {
        return "none";
    }
    if age < 13 {
        return "primary";
    }
    if age < 16 {
        return "junior_secondary";
    }
    let levels = [
        "primary",
        "junior_secondary",
        "senior_secondary",
        "secondary_vocational",
        "junior_college",
        "bachelor",
        "master",
    ];
    // Younger people are better educated.
    let weights: [u32; 7] = if age < 35 {
        [2, 15, 18, 15, 22, 24, 4]
    } else if age < 55 {
        [8, 35, 22, 12, 11, 10, 2]
    } else {
        [30, 40, 18, 6, 3, 3, 0]
    };
    levels[rng.weighted(&weights)]
}
