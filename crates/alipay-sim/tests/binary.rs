//! The `xjz-alipay-sim` binary: flags, serving, graceful stop that saves the state file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_xjz-alipay-sim");

#[test]
fn help_lists_the_flags() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--bind",
        "--state-file",
        "--batch-expiry-secs",
        "--scenario",
    ] {
        assert!(text.contains(flag), "{flag} missing from:\n{text}");
    }
}

#[tokio::test]
async fn it_serves_and_saves_its_state_when_terminated() {
    // A free port: bind 0, read it, release it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let state_file = dir.path().join("sim.json");
    let mut child = Command::new(BIN)
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(["--state-file", state_file.to_str().unwrap()])
        .args(["--scenario", "reject", "--batch-expiry-secs", "120"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // reqwest is built without a default TLS provider (rustls-no-provider).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let admin = format!("http://127.0.0.1:{port}/__sim");
    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{admin}/health")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "simulator did not come up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let scenario: serde_json::Value = client
        .get(format!("{admin}/scenario"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(scenario["kind"], "reject");
    let advanced = client
        .post(format!("{admin}/clock/advance"))
        .json(&serde_json::json!({"secs": 42}))
        .send()
        .await
        .unwrap();
    assert!(advanced.status().is_success());

    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state_file).unwrap()).unwrap();
    assert!(saved["clock_offset_ms"].as_i64().unwrap() >= 42_000);
    assert_eq!(saved["state"]["default_scenario"]["kind"], "reject");
    assert_eq!(saved["state"]["batch_expiry_ms"], 120_000);
}
