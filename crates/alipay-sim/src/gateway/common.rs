//! The gateway's own checks, before any business logic (API.md §1.2, §5.1): the method, the
//! app id (answered unsigned, as Alipay does), the common parameters, then the request
//! signature over Alipay's sign content.

use chrono::NaiveDateTime;
use xjz_alipay_protocol::{RequestSignatureError, sign_content, verify_request};

use super::Method;
use super::params::Incoming;
use crate::respond::{ERROR_RESPONSE, Reply, codes};
use crate::sim::Sim;

/// Checks everything but the business parameters; returns the method to run.
///
/// # Errors
/// The answer to send instead.
pub fn check(sim: &Sim, incoming: &Incoming) -> Result<Method, Reply> {
    let method = match incoming.non_empty("method") {
        None => {
            return Err(Reply::error(
                ERROR_RESPONSE,
                codes::MISSING,
                "isv.missing-method",
                "缺少方法名参数",
            ));
        }
        Some(name) => Method::parse(name).ok_or_else(|| {
            Reply::error(
                ERROR_RESPONSE,
                codes::INVALID,
                "isv.invalid-method",
                "不存在的方法名",
            )
        })?,
    };
    let node = method.node();
    let missing =
        |sub_code: &str, sub_msg: &str| Reply::error(node, codes::MISSING, sub_code, sub_msg);
    let invalid =
        |sub_code: &str, sub_msg: &str| Reply::error(node, codes::INVALID, sub_code, sub_msg);

    // The app id comes before everything else; without a known app the gateway has no
    // key to sign with, so these two answers go out unsigned.
    match incoming.non_empty("app_id") {
        None => return Err(missing("isv.missing-app-id", "缺少AppID参数").unsigned()),
        Some(app_id) if app_id != sim.app_id => {
            return Err(invalid("isv.invalid-app-id", "无效的AppID参数").unsigned());
        }
        Some(_) => {}
    }
    if incoming.non_empty("sign").is_none() {
        return Err(missing("isv.missing-signature", "缺少签名参数"));
    }
    match incoming.non_empty("sign_type") {
        None => return Err(missing("isv.missing-signature-type", "缺少签名类型参数")),
        Some("RSA2") => {}
        Some(_) => return Err(invalid("isv.invalid-signature-type", "无效的签名类型参数")),
    }
    match incoming.non_empty("timestamp") {
        None => return Err(missing("isv.missing-timestamp", "缺少时间戳参数")),
        Some(ts) if NaiveDateTime::parse_from_str(ts, "%Y-%m-%d %H:%M:%S").is_err() => {
            return Err(invalid(
                "isv.invalid-timestamp",
                "非法的时间戳参数，格式为yyyy-MM-dd HH:mm:ss",
            ));
        }
        Some(_) => {}
    }
    match incoming.non_empty("version") {
        None => return Err(missing("isv.missing-version", "缺少版本参数")),
        Some("1.0") => {}
        Some(_) => {
            return Err(invalid(
                "isv.invalid-parameter",
                "参数有误：version 只支持 1.0",
            ));
        }
    }
    if !incoming
        .non_empty("charset")
        .is_some_and(|c| c.eq_ignore_ascii_case("utf-8"))
    {
        return Err(invalid("isv.invalid-charset", "字符集错误，仅支持 utf-8"));
    }
    if incoming
        .non_empty("format")
        .is_some_and(|f| !f.eq_ignore_ascii_case("json"))
    {
        return Err(invalid(
            "isv.invalid-format",
            "无效的数据格式参数，仅支持 json",
        ));
    }
    match verify_request(incoming.pairs(), &sim.crypto.app_public) {
        Ok(()) => Ok(method),
        Err(RequestSignatureError::Missing) => {
            Err(missing("isv.missing-signature", "缺少签名参数"))
        }
        Err(RequestSignatureError::Invalid(_)) => Err(invalid_signature(node, incoming)),
    }
}

/// Alipay's answer to a bad signature: it quotes the sign content it computed, HTML-escaped
/// (vectors.json `resp_gateway_invalid_signature`).
fn invalid_signature(node: &str, incoming: &Incoming) -> Reply {
    let content = sign_content(incoming.pairs());
    let sub_msg = format!(
        "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：{}",
        html_escape(&content)
    );
    Reply::error(node, codes::INVALID, "isv.invalid-signature", &sub_msg)
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::html_escape;

    #[test]
    fn the_quoted_sign_content_is_html_escaped_like_alipays() {
        assert_eq!(
            html_escape(r#"app_id=1&biz_content={"batch_no":"2"}"#),
            "app_id=1&amp;biz_content={&quot;batch_no&quot;:&quot;2&quot;}"
        );
    }
}
