//! `xjz-api serve` as a real process: it refuses a bad production configuration with a
//! message naming every problem, and in development it starts the simulator and the worker with the API and stops cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn xjz_api(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xjz-api"));
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    command
}

#[test]
fn production_without_secrets_is_refused_naming_each_missing_key() {
    let dir = tempfile::tempdir().unwrap();
    let output = xjz_api(dir.path())
        .arg("serve")
        .env("XJZ__ENVIRONMENT", "production")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for key in [
        "XJZ__SECURITY__JWT_SECRET",
        "XJZ__SECURITY__DATA_KEY",
        "XJZ__ALIPAY__APP_PRIVATE_KEY",
    ] {
        assert!(stderr.contains(key), "stderr should name {key}: {stderr}");
    }
    assert!(
        !dir.path().join("data").exists(),
        "nothing is generated in production"
    );
}

/// Kills the server when a failed assertion unwinds the test, so no `serve` outlives it.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn development_serve_generates_secrets_starts_the_simulator_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = xjz_api(dir.path())
        .arg("serve")
        .env("XJZ__EMBEDDED__SIMULATOR_BIND", "127.0.0.1:0")
        .env("XJZ__SERVER__BIND", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .env("XJZ__LOG__FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut child = KillOnDrop(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let up = line.contains("xjz-api is up");
        seen.push(line);
        if up || Instant::now() > deadline {
            break;
        }
    }
    let log = seen.join("\n");
    assert!(log.contains("embedded Alipay simulator started"), "{log}");
    assert!(log.contains("embedded worker started"), "{log}");
    assert!(!log.contains("PRIVATE KEY"), "no key material in logs");
    assert!(
        log.contains("First start: tenant `demo`, user `admin`, password `"),
        "the development seed prints the admin password once: {log}"
    );
    assert!(log.contains("database migrated"), "{log}");
    let status = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.0.wait().unwrap();
    assert!(exit.success(), "graceful stop on SIGTERM: {exit:?}");
    let secret = dir.path().join("data/secrets/jwt_secret");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&secret).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
}
