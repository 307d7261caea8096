//! `xjz-alipay`: thin shim over [`xjz_alipay_adapter::cli::main`].

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    xjz_alipay_adapter::cli::main().await
}
