//! The `xjz-alipay` binary against the simulator: the full flow, cancel, and failures
//! (one line on stderr, non-zero exit).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::{Command, Output};

use serde_json::Value;
use xjz_alipay_sim::{SimConfig, SimHandle, Simulator};

fn run(sim: &SimHandle, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xjz-alipay"))
        .args(args)
        .env_clear()
        .env("XJZ__ALIPAY__GATEWAY_URL", sim.gateway_url())
        .env("XJZ__ALIPAY__APP_ID", sim.app_id())
        .env(
            "XJZ__ALIPAY__APP_PRIVATE_KEY",
            sim.app_private_key_pem().unwrap(),
        )
        .env(
            "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
            sim.alipay_public_key_pem(),
        )
        .output()
        .unwrap()
}

fn ok_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty());
    serde_json::from_slice(&output.stdout).unwrap()
}

fn create(sim: &SimHandle) -> String {
    let out = run(
        sim,
        &[
            "create",
            "--account",
            "merchant01@example.com",
            "--contact-name",
            "张三",
            "--contact-mobile",
            "13800138000",
            "--contact-email",
            "zhangsan@example.com",
        ],
    );
    let created = ok_json(&out);
    assert_eq!(created["batch_status"], "init");
    created["batch_no"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_runs_create_sign_confirm_and_queries_until_success() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let board = dir.path().join("board.png");
    std::fs::write(&board, support::png(6_000)).unwrap();

    let batch_no = create(&sim);
    let signed = ok_json(&run(
        &sim,
        &[
            "sign",
            "--batch-no",
            &batch_no,
            "--mcc-code",
            "A0001_B0199",
            "--rate",
            "0.38",
            "--sign-and-auth",
            "--shop-name",
            "张三的小店",
            "--shop-address-json",
            r#"{"province_code":"330000","city_code":"330100","district_code":"330106","detail_address":"文三路90号"}"#,
            "--shop-sign-board-pic",
            board.to_str().unwrap(),
        ],
    ));
    assert_eq!(signed["success"], true);
    let confirmed = ok_json(&run(&sim, &["confirm", "--batch-no", &batch_no]));
    assert!(confirmed["order_no"].is_string());
    assert!(
        confirmed.get("app_auth_token").is_none(),
        "tokens are never printed"
    );

    let mut statuses = Vec::new();
    for _ in 0..10 {
        let queried = ok_json(&run(&sim, &["query", "--batch-no", &batch_no]));
        let status = queried["order_status"].as_str().unwrap().to_owned();
        statuses.push(status.clone());
        if status == "MERCHANT_CONFIRM_SUCCESS" {
            break;
        }
    }
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("MERCHANT_CONFIRM_SUCCESS"),
        "{statuses:?}"
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_cancels_and_then_reports_alipay_refusals_on_one_line() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let batch_no = create(&sim);

    let cancelled = ok_json(&run(&sim, &["cancel", "--batch-no", &batch_no]));
    assert_eq!(cancelled["success"], true);

    let out = run(&sim, &["confirm", "--batch-no", &batch_no]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: business: code=40004"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sub_code=BATCH_STATUS_IS_FINAL"),
        "{stderr}"
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_configuration_and_input_exit_2_naming_the_problem() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_xjz-alipay"))
        .args(["query", "--batch-no", "1"])
        .env_clear()
        .env("XJZ__ALIPAY__APP_ID", sim.app_id())
        .env("XJZ__ALIPAY__APP_PRIVATE_KEY", "not a key")
        .env(
            "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
            sim.alipay_public_key_pem(),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("app private key"), "{stderr}");
    assert!(!stderr.contains("not a key"), "{stderr}");

    let out = run(
        &sim,
        &[
            "sign",
            "--batch-no",
            "1",
            "--mcc-code",
            "A0001_B0199",
            "--rate",
            "0.99",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("rate"));
    sim.stop().await;
}
