//! Unit checks of the web crate's helpers (passwords, JSON errors, the English catalogue, SVG
//! bars, fact labels). They live in the integration binary so that `cargo test` does not
//! compile leye-web a second time for its own unit tests (two minutes of every cold CI run).

mod auth {
    use leye_web::auth::*;

    #[test]
    fn passwords_round_trip() {
        let h = hash_password("abc12345").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("abc12345", &h));
        assert!(!verify_password("abc12346", &h));
        assert!(!verify_password("abc12345", "not a hash"));
        assert!(check_password_strength("short1").is_err());
        assert!(check_password_strength("onlyletters").is_err());
        assert!(check_password_strength("letters123").is_ok());
        assert_ne!(random_token(), random_token());
    }
}

mod errors {
    use leye_web::error::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        a: i64,
        b: Option<String>,
    }

    #[test]
    fn json_errors_name_the_field() {
        let e = parse_json::<T>(b"{").unwrap_err();
        assert_eq!(
            (e.status.as_u16(), e.body.code.as_str()),
            (400, "malformed_json")
        );
        let e = parse_json::<T>(br#"{"b":"x"}"#).unwrap_err();
        assert_eq!(
            (e.body.code.as_str(), e.body.field.as_deref()),
            ("required", Some("a"))
        );
        let e = parse_json::<T>(br#"{"a":"x"}"#).unwrap_err();
        assert_eq!(
            (e.body.code.as_str(), e.body.field.as_deref()),
            ("invalid_type", Some("a"))
        );
        let e = parse_json::<T>(br#"{"a":1,"c":2}"#).unwrap_err();
        assert_eq!(
            (e.body.code.as_str(), e.body.field.as_deref()),
            ("unknown_field", Some("c"))
        );
        let e = parse_json::<T>(b"[]").unwrap_err();
        assert_eq!(e.status.as_u16(), 422);
    }
}

mod db_errors {
    use axum::http::StatusCode;
    use leye_store::StoreError;
    use leye_web::error::ApiError;

    #[test]
    fn an_unreachable_database_is_a_503_not_a_500() {
        for e in [
            leye_store::DbError::PoolTimedOut,
            leye_store::DbError::PoolClosed,
        ] {
            let a = ApiError::from(StoreError::Db(e));
            assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(a.body.code, "database_unavailable");
        }
        let a = ApiError::from(StoreError::Db(leye_store::DbError::RowNotFound));
        assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}

mod i18n_catalogue {
    #[test]
    fn catalogue_parses() {
        let parsed: Result<std::collections::HashMap<String, String>, _> =
            toml::from_str(include_str!("../../../../data/i18n/en.toml"));
        let map = parsed.expect("data/i18n/en.toml is valid TOML of strings");
        // A few particles have no English equivalent ("页", "级") and map to "".
        assert!(map.len() > 200);
        assert_eq!(leye_web::i18n::tr("en", "人员"), "Persons");
        assert_eq!(leye_web::i18n::tr("zh", "人员"), "人员");
    }
}

mod chart {
    use leye_web::ui::chart::*;

    #[test]
    fn bars_scale_to_the_largest() {
        let svg = bar_chart(&[("吴兴区".into(), 10), ("南浔<区>".into(), 5)], "人");
        assert!(
            svg.starts_with("<svg")
                && svg.contains("width=\"420.0\"")
                && svg.contains("width=\"210.0\"")
        );
        assert!(svg.contains("南浔&lt;区&gt;"));
        assert!(bar_chart(&[], "人").is_empty());
    }
}

mod fact_labels {
    /// Every fact a rule records has a Chinese name, so explanations never show a code.
    #[test]
    fn every_fact_has_a_label() {
        let src = [
            include_str!("../../../leye-policy/src/measures/common.rs"),
            include_str!("../../../leye-policy/src/measures/disability.rs"),
            include_str!("../../../leye-policy/src/measures/graduate_employment.rs"),
            include_str!("../../../leye-policy/src/measures/hard_to_employ.rs"),
            include_str!("../../../leye-policy/src/measures/harmonious.rs"),
            include_str!("../../../leye-policy/src/measures/insurance.rs"),
            include_str!("../../../leye-policy/src/measures/job_expansion.rs"),
            include_str!("../../../leye-policy/src/measures/paired_assistance.rs"),
            include_str!("../../../leye-policy/src/measures/public_welfare_post.rs"),
            include_str!("../../../leye-policy/src/measures/researcher_leave.rs"),
            include_str!("../../../leye-policy/src/measures/skills.rs"),
            include_str!("../../../leye-policy/src/measures/startup.rs"),
            include_str!("../../../leye-policy/src/measures/traineeship.rs"),
            include_str!("../../../leye-policy/src/rule.rs"),
        ];
        let re = regex_lite::Regex::new(r#"(?:\.fact|m\.need)\(\s*"([a-z_]+)""#).unwrap();
        let mut missing = Vec::new();
        for s in src {
            for c in re.captures_iter(s) {
                let name = &c[1];
                if leye_web::ui::fact_label(name) == name {
                    missing.push(name.to_string());
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "facts without a Chinese name: {missing:?}"
        );
    }
}
