//! 附件 (attachments): scanned documents sent with an application. The type is read from the
//! file's first bytes, not trusted from its name or the browser, and the size is bounded.

use crate::code_enum;
use crate::field::FieldError;

code_enum! {
    /// The document types accepted.
    AttachmentKind {
        Pdf = ("pdf", "PDF文件"),
        Jpeg = ("jpeg", "JPEG图片"),
        Png = ("png", "PNG图片"),
    }
}

/// Largest attachment accepted, in bytes (10 MiB: a scanned multi-page contract).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

impl AttachmentKind {
    /// The MIME type served back.
    pub fn mime(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "application/pdf",
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Png => "image/png",
        }
    }
}

/// Check an uploaded document: not empty, not too large, and a PDF, JPEG or PNG by content.
pub fn check_attachment(name: &str, bytes: &[u8]) -> Result<AttachmentKind, FieldError> {
    let err = |code: &'static str, why: String| FieldError::new("file", code, why);
    if bytes.is_empty() {
        return Err(err("empty", format!("附件“{name}”是空文件")));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(err(
            "too_large",
            format!(
                "附件“{name}”大小为{:.1}MB,超过上限{}MB",
                bytes.len() as f64 / 1_048_576.0,
                MAX_ATTACHMENT_BYTES / 1_048_576
            ),
        ));
    }
    if bytes.starts_with(b"%PDF-") {
        Ok(AttachmentKind::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(AttachmentKind::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Ok(AttachmentKind::Png)
    } else {
        Err(err(
            "bad_type",
            format!("附件“{name}”不是PDF、JPEG或PNG文件(按文件内容判断,与扩展名无关)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn types_come_from_content_not_name() {
        assert_eq!(
            check_attachment("a.txt", b"%PDF-1.7\n"),
            Ok(AttachmentKind::Pdf)
        );
        assert_eq!(
            check_attachment("a.pdf", &[0xFF, 0xD8, 0xFF, 0xE0]),
            Ok(AttachmentKind::Jpeg)
        );
        let e = check_attachment("合同.pdf", b"MZ\x90\x00").unwrap_err();
        assert_eq!(e.code, "bad_type");
        assert!(e.message.contains("合同.pdf"));
        assert_eq!(check_attachment("x.pdf", b"").unwrap_err().code, "empty");
        let big = vec![b'%'; MAX_ATTACHMENT_BYTES + 1];
        assert_eq!(
            check_attachment("x.pdf", &big).unwrap_err().code,
            "too_large"
        );
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = check_attachment("f", &bytes);
        }
    }
}
