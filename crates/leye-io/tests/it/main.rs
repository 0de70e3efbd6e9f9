//! Person import and export end to end on both backends: the template, every Excel trap with
//! its message, all-or-nothing by default, --skip-invalid, re-import changes nothing, GBK, XLSX.

use leye_domain::Scope;
use leye_io::Entity;
use leye_io::{ImportOptions, import_persons, person_template, table};
use leye_store::{Actor, PersonFilter, Store};
use leye_testkit::{both_backends, credit_code, id_number, now};

fn sys() -> Actor {
    Actor::system("test")
}

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

async fn persons(store: &Store) -> i64 {
    store.counts(&Scope::System).await.unwrap().persons
}

async fn traps_are_reported_and_nothing_is_written(store: Store) {
    let ok1 = id_number("330502", "19900101", 11);
    let ok2 = id_number("330503", "19851231", 12);
    let short = &ok1[..17];
    // A merged title row, a blank row, the traps, a duplicate, blank trailing rows.
    let csv = format!(
        "湖州市人员信息登记表,,,,,\n\
         姓名,身份证号,常住地区划代码,毕业日期,文化程度,退役军人\n\
         张三,{ok1},３３０５０２１０２００１,2012/6/30,本科,否\n\
         ,,,,,\n\
         李四,3.30502E+17,330502102001,,,\n\
         王五,{short},330502102001,,,\n\
         赵六,{ok2},330503,2012年13月1日,,\n\
         钱七,{ok2},330503,41090,大专,是\n\
         孙八,{ok1},330502102001,,,\n\
         ,,,,,\n,,,,,\n"
    );
    let bytes = gbk(&csv);
    let r = import_persons(
        &store,
        &Scope::System,
        &sys(),
        "人员.csv",
        &bytes,
        ImportOptions::default(),
        now(),
    )
    .await
    .unwrap();
    assert!(r.rejected);
    assert_eq!(r.rows, 6);
    assert_eq!(persons(&store).await, 0, "nothing written");
    let by_row = |n: usize| r.errors.iter().filter(|e| e.row == n).collect::<Vec<_>>();
    assert!(by_row(5)[0].reason.contains("科学计数法"), "{:?}", r.errors);
    assert_eq!(by_row(5)[0].column, "身份证号");
    assert!(by_row(6)[0].reason.contains("末位的X"));
    assert_eq!(
        (by_row(7)[0].column.as_str(), by_row(7)[0].value.as_str()),
        ("毕业日期", "2012年13月1日")
    );
    assert!(by_row(9)[0].reason.contains("与第3行"), "{:?}", by_row(9));
    assert!(
        by_row(3).is_empty() && by_row(8).is_empty(),
        "{:?}",
        r.errors
    );
    let report = r.to_csv();
    assert!(report.starts_with('\u{feff}') && report.contains("行号,列,值,原因"));

    // --skip-invalid: the two good rows are written; the rest still reported.
    let opts = ImportOptions { skip_invalid: true };
    let r = import_persons(
        &store,
        &Scope::System,
        &sys(),
        "人员.csv",
        &bytes,
        opts,
        now(),
    )
    .await
    .unwrap();
    assert_eq!((r.created, r.rejected), (2, false));
    assert_eq!(persons(&store).await, 2);
    // Full-width digits were normalised; the Excel serial 41090 is 2012-06-30.
    let mut tx = store.begin_read().await.unwrap();
    let p = leye_store::find_person_by_id_number(&mut tx, &Scope::System, &ok2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.graduation_date.as_deref(), Some("2012-06-30"));
    assert!(p.veteran);
    let p = leye_store::find_person_by_id_number(&mut tx, &Scope::System, &ok1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.residence_region, "330502102001");
    tx.commit().await.unwrap();
    // Re-importing changes nothing.
    let r = import_persons(
        &store,
        &Scope::System,
        &sys(),
        "人员.csv",
        &bytes,
        opts,
        now(),
    )
    .await
    .unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 2));
}

async fn template_round_trip_and_xlsx_traps(store: Store) {
    let t = person_template().unwrap();
    let table = table::read("模板.xlsx", &t, &leye_io::person_headers()).unwrap();
    assert_eq!(table.headers[0], "姓名");
    assert_eq!(table.rows.len(), 1);
    let r = import_persons(
        &store,
        &Scope::System,
        &sys(),
        "模板.xlsx",
        &t,
        ImportOptions::default(),
        now(),
    )
    .await
    .unwrap();
    assert_eq!((r.created, r.errors.len()), (1, 0), "{:?}", r.errors);

    // An Excel file where the ID number became a number and the date a date cell.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let s = wb.add_worksheet();
    for (c, h) in ["姓名", "身份证号", "常住地区划代码", "毕业日期"]
        .iter()
        .enumerate()
    {
        s.write_string(0, c as u16, *h).unwrap();
    }
    s.write_string(1, 0, "周九").unwrap();
    s.write_number(1, 1, 330502199001011234.0).unwrap();
    s.write_string(1, 2, "330502").unwrap();
    s.write_number(1, 3, 41090.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let r = import_persons(
        &store,
        &Scope::System,
        &sys(),
        "a.xlsx",
        &bytes,
        ImportOptions::default(),
        now(),
    )
    .await
    .unwrap();
    assert!(r.rejected);
    assert!(r.errors[0].reason.contains("科学计数法"), "{:?}", r.errors);

    // Export: masked by default, the template's headers.
    let x = leye_io::export_persons(&store, &Scope::System, &PersonFilter::default(), false)
        .await
        .unwrap();
    let back = table::read("导出.xlsx", &x, &leye_io::person_headers()).unwrap();
    assert_eq!(back.rows.len(), 1);
    assert!(
        back.rows[0].cells[1].contains("********"),
        "{:?}",
        back.rows[0]
    );
}

#[tokio::test]
async fn missing_columns_and_headerless_files() {
    let db = leye_testkit::TestDb::sqlite().await;
    let e = import_persons(
        &db.store,
        &Scope::System,
        &sys(),
        "a.csv",
        "姓名,身份证号\n张三,1\n".as_bytes(),
        ImportOptions::default(),
        now(),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("常住地区划代码"), "{e}");
    let e = import_persons(
        &db.store,
        &Scope::System,
        &sys(),
        "a.csv",
        b"a,b\n1,2\n",
        ImportOptions::default(),
        now(),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("表头"));
}

/// A county official imports only into the county: a row living elsewhere, or an ID number
/// already registered in another county, is refused with the row and the reason, and by
/// default nothing of the file is written.
async fn import_stays_in_the_callers_scope(store: Store) {
    let wuxing = Scope::Region("330502".into());
    let elsewhere = id_number("330503", "19800101", 21);
    let seed = format!("姓名,身份证号,常住地区划代码\n南浔人,{elsewhere},330503\n");
    let r = import_persons(
        &store,
        &Scope::System,
        &sys(),
        "a.csv",
        seed.as_bytes(),
        ImportOptions::default(),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(r.created, 1);
    let mine = id_number("330502", "19800101", 22);
    let csv = format!(
        "姓名,身份证号,常住地区划代码\n吴兴人,{mine},330502102001\n德清人,{},330521\n南浔人改,{elsewhere},330502102001\n",
        id_number("330521", "19800101", 23)
    );
    let r = import_persons(
        &store,
        &wuxing,
        &sys(),
        "b.csv",
        csv.as_bytes(),
        ImportOptions::default(),
        now(),
    )
    .await
    .unwrap();
    assert!(r.rejected, "{r:?}");
    assert_eq!(persons(&store).await, 1, "nothing of the file written");
    assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
    assert_eq!(
        (r.errors[0].row, r.errors[0].column.as_str()),
        (3, "常住地区划代码")
    );
    assert!(
        r.errors[0].reason.contains("不在您的管辖范围内"),
        "{:?}",
        r.errors[0]
    );
    assert_eq!(r.errors[1].row, 4);
    assert!(
        r.errors[1].reason.contains("已在") && r.errors[1].reason.contains("南浔区"),
        "{:?}",
        r.errors[1]
    );
    let opts = ImportOptions { skip_invalid: true };
    let r = import_persons(
        &store,
        &wuxing,
        &sys(),
        "b.csv",
        csv.as_bytes(),
        opts,
        now(),
    )
    .await
    .unwrap();
    assert_eq!((r.created, r.valid, r.errors.len()), (1, 1, 2), "{r:?}");
    assert_eq!(persons(&store).await, 2);
}

async fn import(store: &Store, e: Entity, csv: &str, skip: bool) -> leye_io::ImportReport {
    let opts = ImportOptions { skip_invalid: skip };
    e.import(
        store,
        &Scope::System,
        &sys(),
        ("f.csv", csv.as_bytes()),
        opts,
        now(),
    )
    .await
    .unwrap()
}

/// Enterprises by credit code (labels or codes for the choices), then their headcount by
/// month in every way a month is written; both re-import without change.
async fn enterprises_and_headcount(store: Store) {
    let a = credit_code("330502", 1);
    let b = credit_code("330503", 2);
    let csv = format!(
        "统一社会信用代码,企业名称,行业门类,所在区划代码,注册资本(元),企业规模,重点企业,认定理由\n\
         {a},湖州甲制造有限公司,制造业,330502,\"5,000,000\",大型,是,稳岗示范\n\
         9.13305E+17,乙公司,C,330502,,small,否,\n\
         {b},丙服务有限公司,L,330503,,小型,否,\n\
         {a},重复公司,C,330502,,large,否,\n"
    );
    let r = import(&store, Entity::Enterprises, &csv, false).await;
    assert!(r.rejected);
    assert!(
        r.errors
            .iter()
            .any(|e| e.row == 3 && e.reason.contains("转成了数字")),
        "{:?}",
        r.errors
    );
    assert!(
        r.errors
            .iter()
            .any(|e| e.row == 5 && e.reason.contains("与第2行")),
        "{:?}",
        r.errors
    );
    let r = import(&store, Entity::Enterprises, &csv, true).await;
    assert_eq!((r.created, r.errors.len()), (2, 2), "{r:?}");
    let r = import(&store, Entity::Enterprises, &csv, true).await;
    assert_eq!((r.created, r.unchanged), (0, 2), "{r:?}");
    let mut tx = store.begin_read().await.unwrap();
    let ids = leye_store::enterprise_ids_by_credit_codes(&mut tx, &[a.as_str()])
        .await
        .unwrap();
    let e = leye_store::get_enterprise(&mut tx, &Scope::System, ids[&a])
        .await
        .unwrap();
    drop(tx);
    assert_eq!(
        (
            e.registered_investment_fen,
            e.scale.as_str(),
            e.designated_key
        ),
        (500_000_000, "large", true)
    );

    let unknown = credit_code("330502", 9);
    let csv = format!(
        "统一社会信用代码,月份,参保人数\n{a},2024-07,520\n{a},2024年8月,515\n{a},45536,510\n\
         {b},2024/7,12\n{unknown},2024-07,3\n{a},2024-13,1\n{a},2024-07,9\n"
    );
    let r = import(&store, Entity::Headcount, &csv, false).await;
    assert!(r.rejected);
    assert!(
        r.errors.iter().any(|e| e.row == 7 && e.column == "月份"),
        "{:?}",
        r.errors
    );
    assert!(
        r.errors
            .iter()
            .any(|e| e.row == 8 && e.reason.contains("重复")),
        "{:?}",
        r.errors
    );
    let r = import(&store, Entity::Headcount, &csv, true).await;
    assert_eq!((r.created, r.errors.len()), (4, 3), "{r:?}");
    assert!(
        r.errors
            .iter()
            .any(|e| e.row == 6 && e.reason.contains("请先导入企业")),
        "{:?}",
        r.errors
    );
    let r = import(&store, Entity::Headcount, &csv, true).await;
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 4), "{r:?}");
    let csv = format!("统一社会信用代码,月份,参保人数\n{a},2024-07,530\n");
    let r = import(&store, Entity::Headcount, &csv, false).await;
    assert_eq!(r.updated, 1, "{r:?}");
    let mut tx = store.begin_read().await.unwrap();
    let h = leye_store::headcount_history(&mut tx, &Scope::System, ids[&a])
        .await
        .unwrap();
    let got: Vec<String> = h
        .iter()
        .map(|h| format!("{} {}", h.month, h.headcount))
        .collect();
    assert_eq!(got, ["2024-07 530", "2024-08 515", "2024-09 510"]);
    drop(tx);

    // 预警: small cuts raise nothing; a cut of 30 (≥ 20, 劳动合同法第四十一条) at a key
    // enterprise raises one alert within the import's transaction, once.
    let alerts = |store: Store| async move {
        let mut tx = store.begin_read().await.unwrap();
        let a = leye_store::list_alerts(
            &mut tx,
            &Scope::System,
            leye_domain::Regions::huzhou(),
            None,
            10,
        )
        .await
        .unwrap();
        drop(tx);
        a
    };
    assert!(alerts(store.clone()).await.is_empty());
    let bad = format!("统一社会信用代码,月份,参保人数,减员原因\n{a},2024-10,480,放假\n");
    let r = import(&store, Entity::Headcount, &bad, false).await;
    assert!(
        r.rejected && r.errors.iter().any(|e| e.column == "减员原因"),
        "{r:?}"
    );
    let csv =
        format!("统一社会信用代码,月份,参保人数,减员原因\n{a},2024-10,480,裁员\n{b},2024-08,10,\n");
    for _ in 0..2 {
        let r = import(&store, Entity::Headcount, &csv, false).await;
        assert!(!r.rejected, "{r:?}");
    }
    let raised = alerts(store.clone()).await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(
        (raised[0].rule.as_str(), raised[0].month.as_str()),
        ("layoff", "2024-10")
    );
    assert!(
        raised[0].detail.contains("减少30人") && raised[0].detail.contains("原因: 裁员"),
        "{}",
        raised[0].detail
    );
}

/// Household members keyed by the head's ID number: members must be registered, every
/// household needs its head's row, a re-import changes nothing, a changed file replaces the
/// members.
async fn households_by_head(store: Store) {
    let head = id_number("330502", "19700101", 31);
    let wife = id_number("330502", "19720101", 32);
    let kid = id_number("330502", "20000101", 33);
    let stranger = id_number("330502", "19800101", 34);
    let persons_csv = format!(
        "姓名,身份证号,常住地区划代码\n王大,{head},330502102001\n李二,{wife},330502102001\n王三,{kid},330502102001\n"
    );
    let r = import(&store, Entity::Persons, &persons_csv, false).await;
    assert_eq!(r.created, 3);
    let csv = format!(
        "户主身份证号,成员身份证号,与户主关系,居住地区划代码,城乡,有经营性收入,收入群体\n\
         {head},{head},户主,330502102001,农村,是,中等收入\n\
         {head},{wife},配偶,,,,\n\
         {head},{kid},子女,,,,\n\
         {stranger},{stranger},户主,330502102001,,,\n\
         {head},{head},配偶,330502102001,,,\n"
    );
    let r = import(&store, Entity::Households, &csv, false).await;
    assert!(r.rejected, "{r:?}");
    assert!(
        r.errors
            .iter()
            .any(|e| e.row == 6 && e.column == "与户主关系"),
        "{:?}",
        r.errors
    );
    let csv: String = csv.lines().take(5).map(|l| format!("{l}\n")).collect();
    let r = import(&store, Entity::Households, &csv, false).await;
    assert!(r.rejected, "{r:?}");
    assert_eq!(r.errors.len(), 1);
    assert!(
        r.errors[0].row == 5 && r.errors[0].reason.contains("请先导入人员"),
        "{:?}",
        r.errors
    );
    let r = import(&store, Entity::Households, &csv, true).await;
    assert_eq!((r.created, r.valid), (1, 3), "{r:?}");
    let r = import(&store, Entity::Households, &csv, true).await;
    assert_eq!((r.created, r.unchanged), (0, 1), "{r:?}");
    // The child moves out: the household is rewritten with two members.
    let csv: String = csv.lines().take(3).map(|l| format!("{l}\n")).collect();
    let r = import(&store, Entity::Households, &csv, false).await;
    assert_eq!(r.updated, 1, "{r:?}");
    let mut tx = store.begin_read().await.unwrap();
    let found = leye_store::persons_by_id_numbers(&mut tx, &[head.as_str()])
        .await
        .unwrap();
    let hid = leye_store::household_of_person(&mut tx, found[&head].id)
        .await
        .unwrap()
        .unwrap();
    let h = leye_store::get_household(&mut tx, &Scope::System, hid)
        .await
        .unwrap();
    assert_eq!(
        (
            h.members.len(),
            h.urban,
            h.business_income,
            h.income_band.as_str()
        ),
        (2, false, true, "middle")
    );
}

/// Every entity's template imports as it is.
async fn every_template_imports(store: Store) {
    for e in [
        Entity::Persons,
        Entity::Enterprises,
        Entity::Households,
        Entity::Headcount,
    ] {
        let t = e.template().unwrap();
        let r = e
            .import(
                &store,
                &Scope::System,
                &sys(),
                ("模板.xlsx", &t),
                ImportOptions::default(),
                now(),
            )
            .await
            .unwrap();
        assert!(
            !r.rejected && r.errors.is_empty(),
            "{}: {:?}",
            e.code(),
            r.errors
        );
        assert_eq!(r.rows, 1);
    }
}

both_backends!(
    enterprises_and_headcount,
    households_by_head,
    every_template_imports,
    import_stays_in_the_callers_scope,
    traps_are_reported_and_nothing_is_written,
    template_round_trip_and_xlsx_traps
);

/// Every registry's template imports, in the catalogue's order (its examples refer to each
/// other, to the templates' example person and to the example enterprise, a key enterprise).
async fn every_registry_template_imports(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let person = leye_domain::person::PersonInput {
        name: "示例人员".into(),
        id_number: leye_io::example_id_number(),
        residence_region: "330502102201".into(),
        urban: true,
        ..Default::default()
    }
    .parse(leye_domain::Regions::huzhou(), leye_testkit::today())
    .unwrap();
    leye_store::create_person(&mut tx, &Scope::System, &sys(), &person, now())
        .await
        .unwrap();
    let e = leye_domain::enterprise::EnterpriseInput {
        credit_code: leye_io::example_credit_code(),
        name: "湖州示例制造有限公司".into(),
        industry: "C".into(),
        region: "330502".into(),
        scale: "large".into(),
        designated_key: true,
        designation_reason: Some("重点骨干企业".into()),
        ..Default::default()
    }
    .parse(leye_domain::Regions::huzhou())
    .unwrap();
    leye_store::create_enterprise(&mut tx, &Scope::System, &sys(), &e, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for reg in leye_skills::catalogue::ALL {
        let t = leye_io::registry::template(reg).unwrap();
        let r = leye_io::registry::import(
            &store,
            &Scope::System,
            &sys(),
            reg,
            ("模板.xlsx", &t),
            ImportOptions::default(),
            now(),
        )
        .await
        .unwrap();
        assert!(
            !r.rejected && r.errors.is_empty() && r.created == 1,
            "{}: {:?}",
            reg.id,
            r.errors
        );
    }
}

/// A registry file: every bad row named (row, column, reason) and nothing written; with
/// skip-invalid the good rows are; the same file again changes nothing; the export reads back.
async fn registry_rows_checked_then_upserted(store: Store) {
    let reg = &leye_skills::catalogue::HR_INSTITUTIONS;
    let csv = "人力资源服务机构名录\n\
               机构名称,主要业务,登记日期,所在区划代码,许可证有效期至\n\
               湖州汇才人力,招聘服务,2025-03-01,330502,2028-12-31\n\
               湖州聚英人力,算命,2025/3/1,330502,\n\
               湖州同创人力,劳务派遣,2025-05-01,999999,\n\
               湖州汇才人力,劳务派遣,2025-03-01,330502,\n\
               湖州博远人力,综合服务,2025-06-01,330521,2025-01-01\n";
    let run = |skip: bool| {
        let store = store.clone();
        async move {
            leye_io::registry::import(
                &store,
                &Scope::System,
                &sys(),
                reg,
                ("机构.csv", csv.as_bytes()),
                ImportOptions { skip_invalid: skip },
                now(),
            )
            .await
            .unwrap()
        }
    };
    let r = run(false).await;
    assert!(r.rejected);
    let why: Vec<(usize, &str, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(why.len(), 4, "{why:?}");
    assert_eq!((why[0].0, why[0].1), (4, "主要业务"));
    assert!(why[0].2.contains("招聘服务、劳务派遣"), "{why:?}");
    assert_eq!((why[1].0, why[1].1), (5, "所在区划代码"));
    assert_eq!(why[2].0, 6);
    assert!(why[2].2.contains("重复"), "{why:?}");
    assert_eq!((why[3].0, why[3].1), (7, "登记日期"));
    assert!(why[3].2.contains("不能晚于"), "{why:?}");
    let mut tx = store.begin_read().await.unwrap();
    let none = leye_store::registry::list(
        &mut tx,
        &Scope::System,
        reg,
        &Default::default(),
        leye_store::Paging::new(None, None),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(none.total, 0, "nothing written");
    let r = run(true).await;
    assert_eq!((r.created, r.rejected), (1, false));
    let r = run(true).await;
    assert_eq!((r.created, r.unchanged), (0, 1));
    // A county officer of 德清县 cannot write a row of 吴兴区.
    let r = leye_io::registry::import(
        &store,
        &Scope::Region("330521".into()),
        &sys(),
        reg,
        (
            "机构.csv",
            "机构名称,主要业务,登记日期,所在区划代码\n湖州新人力,招聘服务,2025-03-01,330502\n"
                .as_bytes(),
        ),
        ImportOptions::default(),
        now(),
    )
    .await
    .unwrap();
    assert!(
        r.rejected && r.errors[0].reason.contains("无权"),
        "{:?}",
        r.errors
    );
    let x = leye_io::registry::export(&store, &Scope::System, reg, &Default::default())
        .await
        .unwrap();
    let t = table::read("x.xlsx", &x, &["机构名称", "主要业务"]).unwrap();
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].cells[0], "湖州汇才人力");
    assert_eq!(t.rows[0].cells[4], "招聘服务");
}

both_backends!(
    every_registry_template_imports,
    registry_rows_checked_then_upserted
);
