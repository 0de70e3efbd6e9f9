//! Coded enumerations (les-emplois style): a stable English code stored in the database and
//! sent over the API, and a Chinese label shown to people.

/// Define an enum whose variants each have a stable code and a Chinese label.
#[macro_export]
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = ($code:literal, $zh:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            /// Every variant in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// Stable code.
            pub fn code(self) -> &'static str { match self { $($name::$v => $code),+ } }
            /// Chinese label.
            pub fn label_zh(self) -> &'static str { match self { $($name::$v => $zh),+ } }
            /// From a stable code.
            pub fn from_code(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$v),)+ _ => None }
            }
            /// All codes joined for error messages: `none(无), primary(小学)...`.
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| format!("{}({})", v.code(), v.label_zh()))
                    .collect::<Vec<_>>().join("、")
            }
            /// Parse a code for a named input field.
            pub fn parse_field(field: &str, label: &str, raw: &str) -> Result<Self, $crate::field::FieldError> {
                Self::from_code(raw.trim()).ok_or_else(|| $crate::field::FieldError::new(
                    field, "invalid_choice", format!("{label}“{}”无效,可选: {}", raw.trim(), Self::choices())))
            }
        }

        #[cfg(feature = "openapi")]
        impl $crate::__utoipa::PartialSchema for $name {
            fn schema() -> $crate::__utoipa::openapi::RefOr<$crate::__utoipa::openapi::schema::Schema> {
                $crate::__utoipa::openapi::RefOr::T($crate::__utoipa::openapi::schema::Schema::Object(
                    $crate::__utoipa::openapi::schema::ObjectBuilder::new()
                        .schema_type($crate::__utoipa::openapi::schema::Type::String)
                        .enum_values(Some([$($code),+]))
                        .description(Some(Self::choices()))
                        .build(),
                ))
            }
        }
        #[cfg(feature = "openapi")]
        impl $crate::__utoipa::ToSchema for $name {}

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                Self::from_code(&s).ok_or_else(|| serde::de::Error::custom(format!("“{s}”无效,可选: {}", Self::choices())))
            }
        }
    };
}
