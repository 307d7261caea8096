//! The administrative commands of DESIGN §4: `migrate`, `tenant add`, `user add`,
//! `user passwd`, `user disable`, and the development first-start seed.
//!
//! Passwords are read from stdin only (`--password-stdin`), never from arguments (they would
//! show in `ps` and shell history). Results go to stdout; the generated demo password is
//! printed there once and never logged.

use std::io::BufRead as _;

use anyhow::{Context as _, bail};
use base64::Engine as _;
use ring::rand::{SecureRandom as _, SystemRandom};
use secrecy::{ExposeSecret as _, SecretString};
use xjz_bootstrap::Settings;
use xjz_bootstrap::configuration::Environment;
use xjz_persistence::platform::SeaOrmPlatformStore;
use xjz_persistence::{DatabaseConnection, MigrationCommand};

use crate::auth::{DEMO_TENANT, password};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Passwords refused however long (the defaults people try first).
const WELL_KNOWN_PASSWORDS: [&str; 8] = [
    "password",
    "12345678",
    "123456789",
    "admin123",
    "admin1234",
    "administrator",
    "qwertyuiop",
    "changeme",
];

#[allow(clippy::print_stdout)]
fn say(line: &str) {
    println!("{line}");
}

/// `xjz-api migrate [up|down|status|fresh]`.
///
/// # Errors
/// The database refuses the connection or a migration fails.
pub async fn migrate(settings: &Settings, command: MigrationCommand) -> anyhow::Result<()> {
    if command == MigrationCommand::Fresh && settings.environment == Environment::Production {
        bail!("`migrate fresh` drops every table; it is refused in production");
    }
    let db = connect(settings).await?;
    let states = xjz_migration::run(&db, command)
        .await
        .context("running migrations")?;
    for state in states {
        say(&format!(
            "{} {}",
            if state.applied { "applied" } else { "pending" },
            state.name
        ));
    }
    if command != MigrationCommand::Down {
        SeaOrmPlatformStore::new(db).ensure_builtin_roles().await?;
    }
    Ok(())
}

/// `xjz-api images sweep [--older-than-hours H] [--dry-run]`: removes the image files no
/// order names that are older than `older_than` (left by a process killed mid-apply) and
/// prints each one.
///
/// # Errors
/// The database or the image directory failed.
pub async fn images_sweep(
    settings: &Settings,
    older_than: std::time::Duration,
    dry_run: bool,
) -> anyhow::Result<()> {
    let db = connect(settings).await?;
    let repo = xjz_bootstrap::wiring::order_repository(settings, &db)?;
    let files = repo.sweep_image_files(older_than, dry_run).await?;
    let verb = if dry_run { "would remove" } else { "removed" };
    for file in &files {
        say(&format!("{verb} {file}"));
    }
    say(&format!(
        "{verb} {} image file(s) under {}",
        files.len(),
        settings.database.image_dir.display()
    ));
    Ok(())
}

/// `xjz-api tenant add --code CODE --name NAME`.
///
/// # Errors
/// The code is taken or invalid, or the database failed.
pub async fn tenant_add(settings: &Settings, code: &str, name: &str) -> anyhow::Result<()> {
    if code.is_empty()
        || code.len() > 64
        || !code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        bail!("tenant code must be 1–64 characters of A-Z, a-z, 0-9, '_' or '-'");
    }
    if name.trim().is_empty() {
        bail!("tenant name must not be blank");
    }
    let store = store(settings).await?;
    let tenant = store.add_tenant(code, name.trim()).await?;
    say(&format!("tenant {} added (id {})", tenant.code, tenant.id));
    Ok(())
}

/// `xjz-api user add --tenant CODE --username U --role ROLE --password-stdin`.
///
/// # Errors
/// Unknown tenant or role, a taken username, a weak password, or the database failed.
pub async fn user_add(
    settings: &Settings,
    tenant: &str,
    username: &str,
    roles: &[String],
    password: SecretString,
) -> anyhow::Result<()> {
    check_username(username)?;
    check_password(&password)?;
    let store = store(settings).await?;
    let tenant = store
        .tenant_by_code(tenant)
        .await?
        .with_context(|| format!("no tenant {tenant:?}"))?;
    for role in roles {
        if !store.role_exists(tenant.id, role).await? {
            bail!("no role {role:?} (built in: admin, operator, viewer)");
        }
    }
    let hash = password::hash(password).await?;
    let user = store.add_user(tenant.id, username, &hash, roles).await?;
    say(&format!(
        "user {} added to tenant {} (id {}, roles {})",
        user.username,
        tenant.code,
        user.id,
        user.roles.join(",")
    ));
    Ok(())
}

/// `xjz-api user passwd --tenant CODE --username U --password-stdin`: the user's existing
/// tokens stop working.
///
/// # Errors
/// Unknown tenant or user, a weak password, or the database failed.
pub async fn user_passwd(
    settings: &Settings,
    tenant: &str,
    username: &str,
    password: SecretString,
) -> anyhow::Result<()> {
    check_password(&password)?;
    let store = store(settings).await?;
    let tenant = store
        .tenant_by_code(tenant)
        .await?
        .with_context(|| format!("no tenant {tenant:?}"))?;
    let hash = password::hash(password).await?;
    store.set_password_hash(tenant.id, username, &hash).await?;
    say(&format!(
        "password of {username} in {} changed",
        tenant.code
    ));
    Ok(())
}

/// `xjz-api user disable --tenant CODE --username U [--enable]`.
///
/// # Errors
/// Unknown tenant or user, or the database failed.
pub async fn user_disable(
    settings: &Settings,
    tenant: &str,
    username: &str,
    disabled: bool,
) -> anyhow::Result<()> {
    let store = store(settings).await?;
    let tenant = store
        .tenant_by_code(tenant)
        .await?
        .with_context(|| format!("no tenant {tenant:?}"))?;
    store.set_disabled(tenant.id, username, disabled).await?;
    say(&format!(
        "user {username} in {} {}",
        tenant.code,
        if disabled { "disabled" } else { "enabled" }
    ));
    Ok(())
}

/// Reads the password from the first line of stdin.
///
/// # Errors
/// stdin is closed or unreadable.
pub async fn read_password_stdin() -> anyhow::Result<SecretString> {
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        Ok(SecretString::from(password))
    })
    .await
    .context("reading stdin")?
}

/// In development, on a database without users: adds the `demo` tenant and an `admin` user
/// with a generated password, printed once to stdout. Never in production.
///
/// # Errors
/// The database failed or no randomness.
pub async fn seed_development(settings: &Settings, db: &DatabaseConnection) -> anyhow::Result<()> {
    if settings.environment != Environment::Development {
        return Ok(());
    }
    let store = SeaOrmPlatformStore::new(db.clone());
    if store.user_count().await? > 0 {
        return Ok(());
    }
    store.ensure_builtin_roles().await?;
    let tenant = match store.tenant_by_code(DEMO_TENANT).await? {
        Some(t) => t,
        None => store.add_tenant(DEMO_TENANT, "演示租户 (demo)").await?,
    };
    let password = generate_password()?;
    let hash = password::hash(password.clone()).await?;
    store
        .add_user(tenant.id, "admin", &hash, &["admin".to_owned()])
        .await?;
    tracing::info!(
        tenant = DEMO_TENANT,
        username = "admin",
        "development seed: demo tenant and admin created; the password is printed once on stdout"
    );
    say(&format!(
        "\n  First start: tenant `{DEMO_TENANT}`, user `admin`, password `{}`\n  (printed once; change it with `xjz-api user passwd --tenant {DEMO_TENANT} --username admin --password-stdin`)\n",
        password.expose_secret()
    ));
    Ok(())
}

fn generate_password() -> anyhow::Result<SecretString> {
    let mut bytes = [0_u8; 18];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| anyhow::anyhow!("no system randomness"))?;
    Ok(SecretString::from(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
    ))
}

fn check_username(username: &str) -> anyhow::Result<()> {
    if username.is_empty()
        || username.len() > 64
        || !username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'@'))
    {
        bail!("username must be 1–64 characters of A-Z, a-z, 0-9, '_', '-', '.', '@'");
    }
    Ok(())
}

fn check_password(password: &SecretString) -> anyhow::Result<()> {
    let p = password.expose_secret();
    if p.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password needs at least {MIN_PASSWORD_CHARS} characters");
    }
    if WELL_KNOWN_PASSWORDS.contains(&p.to_lowercase().as_str()) {
        bail!("that password is a well-known default; choose another");
    }
    Ok(())
}

async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    xjz_persistence::connect(settings.database.url.expose_secret())
        .await
        .with_context(|| format!("connecting to {}", settings.database.url))
}

async fn store(settings: &Settings) -> anyhow::Result<SeaOrmPlatformStore> {
    let db = crate::startup::open_database(settings).await?;
    let store = SeaOrmPlatformStore::new(db);
    store.ensure_builtin_roles().await?;
    Ok(store)
}
