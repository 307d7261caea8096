//! Command line and environment of `xjz-alipay` (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use xjz_domain::application::ImageKind;

/// Calls Alipay's agent API (当面付 signing) with the platform's configuration.
#[derive(Debug, Parser)]
#[command(name = "xjz-alipay", version, about)]
pub(super) struct Cli {
    #[command(flatten)]
    pub(super) env: AlipayEnv,
    #[command(subcommand)]
    pub(super) command: Command,
}

/// The `XJZ__ALIPAY__*` keys (values of secrets are never shown in `--help`).
#[derive(Debug, Args)]
pub(super) struct AlipayEnv {
    /// Gateway endpoint (default: the embedded simulator of `xjz-api serve`).
    #[arg(
        long,
        env = "XJZ__ALIPAY__GATEWAY_URL",
        default_value = "http://127.0.0.1:8090/gateway.do",
        global = true
    )]
    pub(super) gateway_url: String,
    /// The ISV application's id.
    #[arg(long, env = "XJZ__ALIPAY__APP_ID", global = true)]
    pub(super) app_id: Option<String>,
    /// App private key, PKCS#1 or PKCS#8, PEM or bare base64 (env only).
    #[arg(
        long = "app-private-key",
        env = "XJZ__ALIPAY__APP_PRIVATE_KEY",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub(super) app_private_key: Option<String>,
    /// File holding the app private key.
    #[arg(long, env = "XJZ__ALIPAY__APP_PRIVATE_KEY_FILE", global = true)]
    pub(super) app_private_key_file: Option<PathBuf>,
    /// Alipay public key, PEM or bare base64 SPKI.
    #[arg(
        long,
        env = "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
        hide_env_values = true,
        global = true
    )]
    pub(super) alipay_public_key: Option<String>,
    /// File holding the Alipay public key.
    #[arg(long, env = "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY_FILE", global = true)]
    pub(super) alipay_public_key_file: Option<PathBuf>,
    /// Timeout of create, confirm, query and cancel, in seconds.
    #[arg(
        long,
        env = "XJZ__ALIPAY__TIMEOUT_SECS",
        default_value_t = 15,
        global = true
    )]
    pub(super) timeout_secs: u64,
    /// Timeout of sign (uploads images), in seconds.
    #[arg(
        long,
        env = "XJZ__ALIPAY__UPLOAD_TIMEOUT_SECS",
        default_value_t = 120,
        global = true
    )]
    pub(super) upload_timeout_secs: u64,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// alipay.open.agent.create: open a batch for a merchant.
    Create(CreateArgs),
    /// alipay.open.agent.facetoface.sign: apply for 当面付 in a batch.
    Sign(Box<SignArgs>),
    /// alipay.open.agent.confirm: submit the batch.
    Confirm(BatchArgs),
    /// alipay.open.agent.order.query: the application's status.
    Query(BatchArgs),
    /// alipay.open.agent.cancel: cancel a batch that is still init.
    Cancel(BatchArgs),
}

#[derive(Debug, Args)]
pub(super) struct CreateArgs {
    /// Merchant's Alipay login (e-mail or mobile) or 2088… PID.
    #[arg(long)]
    pub(super) account: String,
    #[arg(long)]
    pub(super) contact_name: String,
    #[arg(long)]
    pub(super) contact_mobile: String,
    #[arg(long)]
    pub(super) contact_email: Option<String>,
}

#[derive(Debug, Args)]
pub(super) struct SignArgs {
    #[arg(long)]
    pub(super) batch_no: String,
    /// Category code, e.g. A0001_B0199.
    #[arg(long)]
    pub(super) mcc_code: String,
    /// Fee rate in percent, 0.38 to 0.60 (required with --sign-and-auth).
    #[arg(long)]
    pub(super) rate: Option<String>,
    #[arg(long)]
    pub(super) sign_and_auth: bool,
    #[arg(long)]
    pub(super) business_license_no: Option<String>,
    #[arg(long)]
    pub(super) business_license_mobile: Option<String>,
    /// The licence never expires.
    #[arg(long, conflicts_with = "date_limitation")]
    pub(super) long_term: bool,
    /// Licence end date, YYYY-MM-DD.
    #[arg(long)]
    pub(super) date_limitation: Option<String>,
    #[arg(long)]
    pub(super) shop_name: Option<String>,
    /// e.g. {"province_code":"330000","city_code":"330100","district_code":"330106","detail_address":"…"}
    #[arg(long)]
    pub(super) shop_address_json: Option<String>,
    #[arg(long)]
    pub(super) business_license_pic: Option<PathBuf>,
    #[arg(long)]
    pub(super) business_license_auth_pic: Option<PathBuf>,
    #[arg(long)]
    pub(super) shop_scene_pic: Option<PathBuf>,
    #[arg(long)]
    pub(super) shop_sign_board_pic: Option<PathBuf>,
    #[arg(long)]
    pub(super) special_license_pic: Option<PathBuf>,
}

impl SignArgs {
    /// The image files given, with their kind.
    pub(super) fn images(&self) -> Vec<(ImageKind, &PathBuf)> {
        [
            (ImageKind::BusinessLicensePic, &self.business_license_pic),
            (
                ImageKind::BusinessLicenseAuthPic,
                &self.business_license_auth_pic,
            ),
            (ImageKind::ShopScenePic, &self.shop_scene_pic),
            (ImageKind::ShopSignBoardPic, &self.shop_sign_board_pic),
            (ImageKind::SpecialLicensePic, &self.special_license_pic),
        ]
        .into_iter()
        .filter_map(|(kind, path)| path.as_ref().map(|p| (kind, p)))
        .collect()
    }
}

#[derive(Debug, Args)]
pub(super) struct BatchArgs {
    #[arg(long)]
    pub(super) batch_no: String,
}
