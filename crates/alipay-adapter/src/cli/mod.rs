//! `xjz-alipay`: the five agent calls from a shell, for support staff.
//!
//! Reads the services' `XJZ__ALIPAY__*` environment keys (DESIGN §3, including the `_FILE`
//! variants of the two keys), checks inputs with the domain's value objects, prints the
//! verified answer as JSON on stdout, and on any failure one line on stderr (with Alipay's
//! code, sub_code and sub_msg when Alipay gave them) and a non-zero exit status:
//! 1 = the call failed, 2 = bad configuration or input.

mod args;

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser as _;
use serde::Serialize;
use xjz_domain::application::{
    ContactName, Email, Image, MccCode, MerchantAccount, Mobile, Rate, ShopAddress, ShopAddressForm,
};
use xjz_domain::ports::SystemClock;

use self::args::{AlipayEnv, Cli, Command, SignArgs};
use crate::client::AlipayClient;
use crate::config::AlipayClientConfig;
use crate::error::AlipayCallError;
use crate::wire::{
    ContactInfo, CreateBizContent, FacetofaceSignFields, ImageFile, ShopAddressWire,
};

/// Exit status for a call that failed.
const EXIT_CALL_FAILED: u8 = 1;
/// Exit status for bad configuration or input.
const EXIT_BAD_INPUT: u8 = 2;

/// A failure before or during the call, printed as one line.
enum Failure {
    Input(String),
    Call(AlipayCallError),
}

impl From<AlipayCallError> for Failure {
    fn from(err: AlipayCallError) -> Self {
        Self::Call(err)
    }
}

/// Parses the command line and environment, runs the command, prints the outcome.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    if std::env::var_os("RUST_LOG").is_some() {
        // Call log lines on stderr only when asked for: stdout carries the JSON.
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .try_init();
    }
    match run(cli).await {
        Ok(json) => {
            let mut out = std::io::stdout().lock();
            if writeln!(out, "{json}").is_err() {
                return ExitCode::from(EXIT_CALL_FAILED);
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let (code, line) = match failure {
                Failure::Input(message) => (EXIT_BAD_INPUT, format!("error: {message}")),
                Failure::Call(err) => (EXIT_CALL_FAILED, error_line(&err)),
            };
            let _ = writeln!(std::io::stderr().lock(), "{}", one_line(&line));
            ExitCode::from(code)
        }
    }
}

async fn run(cli: Cli) -> Result<String, Failure> {
    let client = client(&cli.env)?;
    match cli.command {
        Command::Create(a) => {
            let account = MerchantAccount::parse(&a.account).map_err(input)?;
            let name = ContactName::parse(&a.contact_name).map_err(input)?;
            let mobile = Mobile::parse("contact_mobile", &a.contact_mobile).map_err(input)?;
            let email = a
                .contact_email
                .as_deref()
                .map(Email::parse)
                .transpose()
                .map_err(input)?;
            let biz = CreateBizContent {
                account: account.as_str(),
                contact_info: ContactInfo {
                    contact_email: email.as_ref().map(Email::as_str),
                    contact_mobile: mobile.as_str(),
                    contact_name: name.as_str(),
                },
            };
            json(&client.create(&biz).await?)
        }
        Command::Sign(a) => {
            let (fields_owned, files) = sign_inputs(&a).await?;
            let fields = fields_owned.fields(&a);
            client.facetoface_sign(&fields, files).await?;
            json(&Done::new(&a.batch_no))
        }
        Command::Confirm(a) => json(&client.confirm(&a.batch_no).await?),
        Command::Query(a) => json(&client.query_order(&a.batch_no).await?),
        Command::Cancel(a) => {
            client.cancel(&a.batch_no).await?;
            json(&Done::new(&a.batch_no))
        }
    }
}

/// What facetoface.sign and cancel print: they answer no business fields.
#[derive(Serialize)]
struct Done<'a> {
    batch_no: &'a str,
    success: bool,
}

impl<'a> Done<'a> {
    const fn new(batch_no: &'a str) -> Self {
        Self {
            batch_no,
            success: true,
        }
    }
}

fn input(err: impl std::fmt::Display) -> Failure {
    Failure::Input(err.to_string())
}

fn json(value: &impl Serialize) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(input)
}

fn client(env: &AlipayEnv) -> Result<AlipayClient, Failure> {
    let app_private_key = secret(
        env.app_private_key.as_deref(),
        env.app_private_key_file.as_deref(),
        "XJZ__ALIPAY__APP_PRIVATE_KEY",
    )?;
    let alipay_public_key = secret(
        env.alipay_public_key.as_deref(),
        env.alipay_public_key_file.as_deref(),
        "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
    )?;
    let app_id = env
        .app_id
        .as_deref()
        .ok_or_else(|| Failure::Input("XJZ__ALIPAY__APP_ID is not set".to_owned()))?;
    let config = AlipayClientConfig::from_key_text(
        &env.gateway_url,
        app_id,
        &app_private_key,
        &alipay_public_key,
    )
    .map_err(input)?
    .with_timeouts(
        Duration::from_secs(env.timeout_secs),
        Duration::from_secs(env.upload_timeout_secs),
    );
    AlipayClient::new(config, Arc::new(SystemClock)).map_err(input)
}

/// A key from its variable or from the file its `_FILE` variable names.
fn secret(
    value: Option<&str>,
    file: Option<&std::path::Path>,
    name: &str,
) -> Result<String, Failure> {
    match (value, file) {
        (Some(value), _) => Ok(value.to_owned()),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| Failure::Input(format!("{name}_FILE {}: {e}", path.display()))),
        (None, None) => Err(Failure::Input(format!(
            "{name} (or {name}_FILE) is not set"
        ))),
    }
}

/// Checked, owned inputs of `sign` that the borrowed wire fields point into.
struct SignInputs {
    mcc: MccCode,
    rate: Option<Rate>,
    licence_mobile: Option<Mobile>,
    shop_address_json: Option<String>,
    date_limitation: Option<String>,
}

impl SignInputs {
    fn fields<'a>(&'a self, a: &'a SignArgs) -> FacetofaceSignFields<'a> {
        FacetofaceSignFields {
            batch_no: &a.batch_no,
            mcc_code: self.mcc.as_str(),
            rate: self.rate.map(|r| r.as_str()),
            sign_and_auth: a.sign_and_auth,
            shop_name: a
                .shop_name
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            shop_address_json: self.shop_address_json.clone(),
            business_license_no: a
                .business_license_no
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            business_license_mobile: self.licence_mobile.as_ref().map(Mobile::as_str),
            date_limitation: self.date_limitation.clone(),
            long_term: a.long_term,
        }
    }
}

async fn sign_inputs(a: &SignArgs) -> Result<(SignInputs, Vec<ImageFile>), Failure> {
    let mcc = MccCode::parse(&a.mcc_code).map_err(input)?;
    let rate = a
        .rate
        .as_deref()
        .map(Rate::parse)
        .transpose()
        .map_err(input)?;
    if a.sign_and_auth && rate.is_none() {
        return Err(Failure::Input(
            "--rate is required with --sign-and-auth".to_owned(),
        ));
    }
    let licence_mobile = a
        .business_license_mobile
        .as_deref()
        .map(|m| Mobile::parse("business_license_mobile", m))
        .transpose()
        .map_err(input)?;
    let date_limitation = a
        .date_limitation
        .as_deref()
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map(|date| date.format("%Y-%m-%d").to_string())
                .map_err(|_| Failure::Input("--date-limitation must be YYYY-MM-DD".to_owned()))
        })
        .transpose()?;
    let shop_address_json = match a.shop_address_json.as_deref() {
        None => None,
        Some(text) => {
            let form: ShopAddressForm = serde_json::from_str(text)
                .map_err(|e| Failure::Input(format!("--shop-address-json: {e}")))?;
            let address = ShopAddress::parse(&form).map_err(input)?;
            Some(json(&ShopAddressWire::from(&address))?)
        }
    };
    let mut files = Vec::new();
    for (kind, path) in a.images() {
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
        let image = Image::new(kind, bytes).map_err(input)?;
        files.push(ImageFile::from(&image));
    }
    let inputs = SignInputs {
        mcc,
        rate,
        licence_mobile,
        shop_address_json,
        date_limitation,
    };
    Ok((inputs, files))
}

/// `error: <class>: <message>` with Alipay's fields spelled out for refusals.
fn error_line(err: &AlipayCallError) -> String {
    match err.refusal() {
        Some(r) => format!(
            "error: {}: code={} msg={} sub_code={} sub_msg={}",
            err.class(),
            r.code,
            r.msg,
            r.sub_code.as_deref().unwrap_or("-"),
            r.sub_msg.as_deref().unwrap_or("-"),
        ),
        None => format!("error: {}: {err}", err.class()),
    }
}

/// Keeps the promise of one line: Alipay's sub_msg may hold line breaks.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AlipayRefusal;

    #[test]
    fn a_refusal_is_one_line_with_alipay_fields() {
        let err = AlipayCallError::Business(AlipayRefusal {
            code: "40004".to_owned(),
            msg: "Business Failed".to_owned(),
            sub_code: Some("BATCH_STATUS_IS_FINAL".to_owned()),
            sub_msg: Some("事务已是终态\n请新建".to_owned()),
        });
        assert_eq!(
            one_line(&error_line(&err)),
            "error: business: code=40004 msg=Business Failed sub_code=BATCH_STATUS_IS_FINAL \
             sub_msg=事务已是终态 请新建"
        );
    }
}
