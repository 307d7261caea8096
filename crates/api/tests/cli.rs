//! The administrative commands as real processes on a fresh SQLite database.

#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

fn run(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xjz-api"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn migrate_tenant_add_user_add_passwd_and_disable() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = run(dir.path(), &["migrate"], None);
    assert!(migrated.status.success(), "{migrated:?}");
    assert!(stdout(&migrated).contains("applied m20261126_000002_create_sys_tables"));

    let tenant = run(
        dir.path(),
        &["tenant", "add", "--code", "acme", "--name", "Acme"],
        None,
    );
    assert!(tenant.status.success(), "{tenant:?}");
    assert!(stdout(&tenant).contains("tenant acme added"));
    let again = run(
        dir.path(),
        &["tenant", "add", "--code", "acme", "--name", "Acme"],
        None,
    );
    assert!(!again.status.success());

    let add = [
        "user",
        "add",
        "--tenant",
        "acme",
        "--username",
        "li",
        "--role",
        "operator",
        "--password-stdin",
    ];
    let weak = run(dir.path(), &add, Some("short\n"));
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 8"));
    let default = run(dir.path(), &add, Some("password\n"));
    assert!(!default.status.success());
    let added = run(dir.path(), &add, Some("a long enough secret\n"));
    assert!(added.status.success(), "{added:?}");
    assert!(!stdout(&added).contains("a long enough secret"));
    let bad_role = run(
        dir.path(),
        &[
            "user",
            "add",
            "--tenant",
            "acme",
            "--username",
            "x",
            "--role",
            "root",
            "--password-stdin",
        ],
        Some("a long enough secret\n"),
    );
    assert!(!bad_role.status.success());
    let no_stdin_flag = run(
        dir.path(),
        &[
            "user",
            "add",
            "--tenant",
            "acme",
            "--username",
            "y",
            "--role",
            "viewer",
        ],
        None,
    );
    assert!(
        !no_stdin_flag.status.success(),
        "the password is never an argument"
    );

    let passwd = run(
        dir.path(),
        &[
            "user",
            "passwd",
            "--tenant",
            "acme",
            "--username",
            "li",
            "--password-stdin",
        ],
        Some("another long secret\n"),
    );
    assert!(passwd.status.success(), "{passwd:?}");
    let disabled = run(
        dir.path(),
        &["user", "disable", "--tenant", "acme", "--username", "li"],
        None,
    );
    assert!(disabled.status.success(), "{disabled:?}");
    assert!(stdout(&disabled).contains("disabled"));
    let missing = run(
        dir.path(),
        &[
            "user",
            "disable",
            "--tenant",
            "acme",
            "--username",
            "nobody",
        ],
        None,
    );
    assert!(!missing.status.success());
}

#[test]
fn images_sweep_lists_then_removes_old_files_no_order_names() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["migrate"], None).status.success());
    let fan = dir.path().join("data/images/ab");
    std::fs::create_dir_all(&fan).unwrap();
    let (old, young) = (fan.join("old.png"), fan.join("young.png"));
    std::fs::write(&old, b"left by a killed apply").unwrap();
    std::fs::write(&young, b"an apply in flight").unwrap();
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(48 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(two_days_ago)
        .unwrap();

    let dry = run(dir.path(), &["images", "sweep", "--dry-run"], None);
    assert!(dry.status.success(), "{dry:?}");
    assert!(stdout(&dry).contains("would remove ab/old.png"), "{dry:?}");
    assert!(stdout(&dry).contains("would remove 1 image file(s)"));
    assert!(old.exists());

    let swept = run(dir.path(), &["images", "sweep"], None);
    assert!(swept.status.success(), "{swept:?}");
    assert!(
        stdout(&swept).contains("removed 1 image file(s)"),
        "{swept:?}"
    );
    assert!(!old.exists() && young.exists());

    let refused = run(
        dir.path(),
        &["images", "sweep", "--older-than-hours", "0"],
        None,
    );
    assert!(!refused.status.success());
}
