//! Alipay's business rules for the parameters of create and facetoface.sign (API.md §2.1,
//! §2.2, §6.3, §6.4), each failure carrying the sub_code Alipay answers with.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::state::BizError;

/// Smallest accepted image: 5 KB (enforced as 5,120 bytes).
pub const IMAGE_MIN_BYTES: usize = 5 * 1024;
/// Largest accepted image: 5 MB (5,242,880 bytes in Alipay's tables).
pub const IMAGE_MAX_BYTES: usize = 5 * 1024 * 1024;
/// The image fields of facetoface.sign.
pub const IMAGE_FIELDS: [&str; 5] = [
    "shop_scene_pic",
    "shop_sign_board_pic",
    "business_license_pic",
    "business_license_auth_pic",
    "special_license_pic",
];

fn invalid(what: impl std::fmt::Display) -> BizError {
    BizError::new("INVALID_PARAMETER", format!("参数有误：{what}"))
}

/// create's `contact_info`.
#[derive(Debug, Deserialize)]
pub struct ContactInfo {
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_mobile: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
}

/// create's `biz_content`.
#[derive(Debug, Deserialize)]
pub struct CreateBiz {
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub contact_info: Option<ContactInfo>,
}

/// Checks create's business parameters; returns the account.
///
/// # Errors
/// `INVALID_PARAMETER`, `MERCHANT_IS_NOT_EXIST`, `INVALID_CONTACT_NAME`,
/// `INVALID_CONTACT_MOBILE`, `INVALID_CONTACT_EMAIL`.
pub fn create(biz: &CreateBiz) -> Result<String, BizError> {
    let account = biz
        .account
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| invalid("account 不能为空"))?;
    if !is_account(account) {
        return Err(BizError::new(
            "MERCHANT_IS_NOT_EXIST",
            "商户支付宝账号不存在",
        ));
    }
    let contact = biz
        .contact_info
        .as_ref()
        .ok_or_else(|| invalid("contact_info 不能为空"))?;
    let name = contact
        .contact_name
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if name.is_empty() || name.chars().count() > 20 || name.contains('\u{FFFD}') {
        return Err(BizError::new(
            "INVALID_CONTACT_NAME",
            "联系人名称不合法，不能为空且不超过20个字符",
        ));
    }
    if !contact.contact_mobile.as_deref().is_some_and(is_mobile) {
        return Err(BizError::new(
            "INVALID_CONTACT_MOBILE",
            "联系人手机号不合法",
        ));
    }
    if let Some(email) = contact.contact_email.as_deref().filter(|e| !e.is_empty())
        && !is_email(email)
    {
        return Err(BizError::new("INVALID_CONTACT_EMAIL", "联系人邮箱不合法"));
    }
    Ok(account.to_owned())
}

/// A mainland mobile: 11 digits starting with 1.
pub fn is_mobile(s: &str) -> bool {
    s.len() == 11 && s.starts_with('1') && s.bytes().all(|b| b.is_ascii_digit())
}

/// A plausible e-mail: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && s.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// An Alipay login (e-mail or mobile) or a PID (2088 + 12 digits).
pub fn is_account(s: &str) -> bool {
    let pid = s.len() == 16 && s.starts_with("2088") && s.bytes().all(|b| b.is_ascii_digit());
    pid || is_mobile(s) || is_email(s)
}

/// MCC 2.0 (`A0001_B0199`) or the legacy 1.0 form (`A_A03_4582`).
pub fn is_mcc(s: &str) -> bool {
    let b = s.as_bytes();
    let upper = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    let digits = |r: std::ops::Range<usize>| {
        r.into_iter()
            .all(|i| b.get(i).is_some_and(u8::is_ascii_digit))
    };
    let v2 = b.len() == 11 && upper(0) && digits(1..5) && b[5] == b'_' && upper(6) && digits(7..11);
    let v1 = b.len() == 10
        && upper(0)
        && b[1] == b'_'
        && upper(2)
        && digits(3..5)
        && b[5] == b'_'
        && digits(6..10);
    v2 || v1
}

/// The fee rate in hundredths of a percent, checked against 0.38–0.60.
///
/// # Errors
/// `INVALID_PARAMETER` when not a number with at most two decimals, `FEERATE_NOT_INTERAVL`
/// (Alipay's spelling) when outside the interval.
pub fn rate(s: &str) -> Result<u32, BizError> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || int.len() > 3
        || frac.len() > 2
        || !all_digits(int)
        || !all_digits(frac)
        || (s.contains('.') && frac.is_empty())
    {
        return Err(invalid("rate 格式不正确"));
    }
    let int: u32 = int.parse().map_err(|_| invalid("rate 格式不正确"))?;
    let frac: u32 = format!("{frac:0<2}")
        .parse()
        .map_err(|_| invalid("rate 格式不正确"))?;
    let hundredths = int * 100 + frac;
    if !(38..=60).contains(&hundredths) {
        return Err(BizError::new(
            "FEERATE_NOT_INTERAVL",
            "费率不在允许的区间内(0.38-0.6)",
        ));
    }
    Ok(hundredths)
}

/// A `true`/`false` text field (absent = false).
///
/// # Errors
/// `INVALID_PARAMETER` for any other value.
pub fn boolean(field: &str, value: Option<&str>) -> Result<bool, BizError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(invalid(format!("{field} 只能为 true 或 false"))),
    }
}

/// `date_limitation`: `yyyy-MM-dd`.
pub fn is_date(s: &str) -> bool {
    s.len() == 10 && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// Image size and format (by magic bytes: PNG, JPEG, GIF, BMP).
///
/// # Errors
/// `FILE_SIZE_MIN_LIMIT`, `FILE_SIZE_OUT_LIMIT`, `FILE_FORMAT_IS_INVALID`.
pub fn image(field: &str, bytes: &[u8]) -> Result<(), BizError> {
    if bytes.len() < IMAGE_MIN_BYTES {
        return Err(BizError::new(
            "FILE_SIZE_MIN_LIMIT",
            format!("{field} 文件大小不能小于5KB"),
        ));
    }
    if bytes.len() > IMAGE_MAX_BYTES {
        return Err(BizError::new(
            "FILE_SIZE_OUT_LIMIT",
            format!("{field} 文件大小不能超过5MB"),
        ));
    }
    let known = bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF87a")
        || bytes.starts_with(b"GIF89a")
        || bytes.starts_with(b"BM");
    if !known {
        return Err(BizError::new(
            "FILE_FORMAT_IS_INVALID",
            format!("{field} 文件格式不正确，仅支持 png、bmp、gif、jpg、jpeg"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_from_0_38_to_0_60_inclusive_are_accepted() {
        assert_eq!(rate("0.38").unwrap(), 38);
        assert_eq!(rate("0.6").unwrap(), 60);
        assert_eq!(rate("0.60").unwrap(), 60);
        assert_eq!(rate("0.37").unwrap_err().sub_code, "FEERATE_NOT_INTERAVL");
        assert_eq!(rate("0.61").unwrap_err().sub_code, "FEERATE_NOT_INTERAVL");
        assert_eq!(rate("1").unwrap_err().sub_code, "FEERATE_NOT_INTERAVL");
        for bad in ["", "abc", "0.385", ".5", "0.", "-0.4", "0,40"] {
            assert_eq!(
                rate(bad).unwrap_err().sub_code,
                "INVALID_PARAMETER",
                "{bad}"
            );
        }
    }

    #[test]
    fn mcc_codes_of_both_generations_are_recognised() {
        assert!(is_mcc("A0001_B0199"));
        assert!(is_mcc("A_A03_4582"));
        for bad in [
            "",
            "A0001B0199",
            "a0001_b0199",
            "A0001_B019",
            "5812",
            "A_A03_45822",
        ] {
            assert!(!is_mcc(bad), "{bad}");
        }
    }

    #[test]
    fn contacts_follow_alipays_rules() {
        let biz = |name: &str, mobile: &str, email: Option<&str>| CreateBiz {
            account: Some("m@example.com".into()),
            contact_info: Some(ContactInfo {
                contact_name: Some(name.into()),
                contact_mobile: Some(mobile.into()),
                contact_email: email.map(Into::into),
            }),
        };
        assert!(create(&biz("张三", "13800138000", Some("z@example.com"))).is_ok());
        let code = |b: CreateBiz| create(&b).unwrap_err().sub_code;
        assert_eq!(code(biz("", "13800138000", None)), "INVALID_CONTACT_NAME");
        assert_eq!(
            code(biz(&"名".repeat(21), "13800138000", None)),
            "INVALID_CONTACT_NAME"
        );
        assert_eq!(
            code(biz("张三", "1380013800", None)),
            "INVALID_CONTACT_MOBILE"
        );
        assert_eq!(
            code(biz("张三", "23800138000", None)),
            "INVALID_CONTACT_MOBILE"
        );
        assert_eq!(
            code(biz("张三", "13800138000", Some("not-an-email"))),
            "INVALID_CONTACT_EMAIL"
        );
        let no_contact = CreateBiz {
            account: Some("m@example.com".into()),
            contact_info: None,
        };
        assert_eq!(code(no_contact), "INVALID_PARAMETER");
    }

    #[test]
    fn accounts_are_logins_or_pids() {
        assert!(is_account("2088000000000001"));
        assert!(is_account("13800138000"));
        assert!(is_account("shop@example.com"));
        assert!(!is_account("2088123"));
        assert!(!is_account("nobody"));
    }

    #[test]
    fn images_are_checked_for_size_then_format() {
        let png = |len: usize| {
            let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
            v.resize(len, 0);
            v
        };
        assert!(image("shop_scene_pic", &png(IMAGE_MIN_BYTES)).is_ok());
        assert!(image("shop_scene_pic", &png(IMAGE_MAX_BYTES)).is_ok());
        let code = |b: &[u8]| image("f", b).unwrap_err().sub_code;
        assert_eq!(code(&png(IMAGE_MIN_BYTES - 1)), "FILE_SIZE_MIN_LIMIT");
        assert_eq!(code(&png(IMAGE_MAX_BYTES + 1)), "FILE_SIZE_OUT_LIMIT");
        assert_eq!(code(&vec![b'x'; 10_000]), "FILE_FORMAT_IS_INVALID");
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
        jpeg.resize(6000, 0);
        assert!(image("f", &jpeg).is_ok());
    }

    #[test]
    fn dates_and_booleans() {
        assert!(is_date("2030-12-31"));
        assert!(!is_date("2030-13-01"));
        assert!(!is_date("20301231"));
        assert!(boolean("long_term", Some("true")).unwrap());
        assert!(!boolean("long_term", None).unwrap());
        assert!(boolean("long_term", Some("yes")).is_err());
    }
}
