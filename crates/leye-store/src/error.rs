//! Store errors: stable codes for the API, Chinese messages for people.

use leye_domain::FieldError;
use thiserror::Error;

/// What can go wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// No such record.
    #[error("{entity}不存在或不在您的数据范围内")]
    NotFound { entity: &'static str },
    /// The record exists but lies outside the caller's scope.
    #[error("该{entity}不在您的数据范围内")]
    OutOfScope { entity: &'static str },
    /// A natural key is taken.
    #[error("{message}")]
    Duplicate {
        field: &'static str,
        message: String,
    },
    /// The input names something that does not exist (a person, an enterprise...).
    #[error("{0}")]
    Invalid(FieldError),
    /// The caller's scope does not cover the record being written.
    #[error("无权在该区域操作: {0}")]
    Forbidden(String),
    /// Bad configuration (database URL...).
    #[error("配置错误: {0}")]
    Config(String),
    #[error("数据库迁移失败: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("数据库错误: {0}")]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        // Constraint violations that slipped past the checks in code still become 4xx.
        if let sqlx::Error::Database(db) = &e {
            let text = format!("{} {}", db.message(), db.constraint().unwrap_or(""));
            if db.is_unique_violation() {
                let (field, message) = if text.contains("id_number") {
                    ("id_number", "该身份证号已登记")
                } else if text.contains("credit_code") {
                    ("credit_code", "该统一社会信用代码已登记")
                } else if text.contains("person") {
                    ("members", "该人员已属于其他家庭")
                } else if text.contains("head") {
                    ("members", "家庭应有且只有一名户主")
                } else {
                    ("", "记录重复")
                };
                return StoreError::Duplicate {
                    field,
                    message: message.to_string(),
                };
            }
            if db.is_foreign_key_violation() {
                return StoreError::Invalid(FieldError::new(
                    "",
                    "unknown_reference",
                    "引用的记录不存在",
                ));
            }
            if db.is_check_violation() {
                return StoreError::Invalid(FieldError::new(
                    "",
                    "constraint",
                    "数据不符合约束条件",
                ));
            }
        }
        StoreError::Db(e)
    }
}
