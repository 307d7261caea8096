//! Response DTOs, parsed from the verified node text only. Unknown fields are ignored
//! (Alipay adds fields over time); `code`/`msg` were read by the protocol crate already.
//!
//! `Serialize` is for the ops CLI's JSON output; the app auth tokens are never printed.

use serde::{Deserialize, Serialize, Serializer};

/// `alipay_open_agent_create_response`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) struct CreateResponse {
    pub(crate) batch_no: String,
    pub(crate) batch_status: String,
}

/// facetoface.sign and cancel: no business fields.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) struct EmptyResponse {}

fn redact<S: Serializer>(value: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(value.is_some())
}

/// `alipay_open_agent_confirm_response` (tokens only in some flows, API.md §6.2).
#[derive(Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
pub(crate) struct ConfirmResponse {
    #[serde(default)]
    pub(crate) order_no: Option<String>,
    #[serde(
        default,
        serialize_with = "redact",
        rename(serialize = "app_auth_token_present")
    )]
    pub(crate) app_auth_token: Option<String>,
    #[serde(
        default,
        serialize_with = "redact",
        rename(serialize = "app_refresh_token_present")
    )]
    pub(crate) app_refresh_token: Option<String>,
    #[serde(default)]
    pub(crate) auth_app_id: Option<String>,
    #[serde(default)]
    pub(crate) user_id: Option<String>,
    #[serde(default)]
    pub(crate) open_id: Option<String>,
    #[serde(default)]
    pub(crate) expires_in: Option<String>,
    #[serde(default)]
    pub(crate) re_expires_in: Option<String>,
}

impl std::fmt::Debug for ConfirmResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfirmResponse")
            .field("order_no", &self.order_no)
            .field("app_auth_token_present", &self.app_auth_token.is_some())
            .field("auth_app_id", &self.auth_app_id)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// One `restrict_infos[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) struct RestrictInfo {
    #[serde(default)]
    pub(crate) restrict_product: Option<String>,
    #[serde(default)]
    pub(crate) restrict_version: Option<String>,
    #[serde(default)]
    pub(crate) restrict_reason: Option<String>,
    #[serde(default)]
    pub(crate) restrict_reason_code: Option<String>,
}

/// One `product_agent_status_infos[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) struct ProductAgentStatusInfo {
    pub(crate) product_code: String,
    #[serde(default)]
    pub(crate) product_name: Option<String>,
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) reject_reason: Option<String>,
}

/// `alipay_open_agent_order_query_response`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) struct OrderQueryResponse {
    pub(crate) order_status: String,
    #[serde(default)]
    pub(crate) order_no: Option<String>,
    #[serde(default)]
    pub(crate) merchant_pid: Option<String>,
    #[serde(default)]
    pub(crate) confirm_url: Option<String>,
    #[serde(default)]
    pub(crate) agent_app_id: Option<String>,
    #[serde(default)]
    pub(crate) reject_reason: Option<String>,
    #[serde(default)]
    pub(crate) restrict_infos: Vec<RestrictInfo>,
    #[serde(default)]
    pub(crate) product_agent_status_infos: Vec<ProductAgentStatusInfo>,
}
