//! Secrets: password hashing (argon2id), random tokens, and the SHA-256 under which session
//! cookies and API tokens are stored (the database never holds one in clear).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use sha2::{Digest, Sha256};

/// Hash a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    let h: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(h.to_string())
}

/// Does `password` match the stored PHC string?
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Rules for a new password: 8-64 characters with at least one letter and one digit.
pub fn check_password_strength(p: &str) -> Result<(), &'static str> {
    let n = p.chars().count();
    if !(8..=64).contains(&n) {
        return Err("密码长度应为8-64位");
    }
    if !p.chars().any(|c| c.is_ascii_alphabetic()) || !p.chars().any(|c| c.is_ascii_digit()) {
        return Err("密码应同时包含字母和数字");
    }
    Ok(())
}

/// 32 random bytes as hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    // getrandom only fails without an OS source of randomness; then refuse to continue.
    if getrandom::fill(&mut b).is_err() {
        panic!("no operating-system randomness available");
    }
    hex(&b)
}

/// SHA-256 as hex: how cookies and tokens are stored.
pub fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
