//! `xjz-api`: thin shim over the library (STYLE §1).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xjz_persistence::MigrationCommand;

#[derive(Parser, Debug)]
#[command(
    name = "xjz-api",
    about = "xjz facetoface (当面付) API server",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve (the embedded default: SQLite + the built-in Alipay simulator).
    Serve,
    /// Apply pending migrations (`up`, the default), or `status`, `down`, `fresh`.
    Migrate {
        #[arg(default_value = "up", value_parser = parse_migration)]
        command: MigrationCommand,
    },
    /// Tenants.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The orders' image files.
    Images {
        #[command(subcommand)]
        command: ImagesCommand,
    },
}

#[derive(Subcommand, Debug)]
enum ImagesCommand {
    /// Remove image files no order names (left by a process killed mid-apply).
    Sweep {
        /// Only files older than this many hours (an apply in flight has files but no rows yet).
        #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u64).range(1..))]
        older_than_hours: u64,
        /// List what would be removed; remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
enum TenantCommand {
    /// Add a tenant.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a user; the password is read from stdin.
    Add {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        username: String,
        /// admin, operator or viewer (repeat for several).
        #[arg(long, required = true)]
        role: Vec<String>,
        /// Read the password from the first line of stdin (required: never an argument).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Change a user's password (read from stdin); its tokens stop working.
    Passwd {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable a user (its tokens stop working), or `--enable` it again.
    Disable {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        enable: bool,
    },
}

fn parse_migration(value: &str) -> Result<MigrationCommand, String> {
    value
        .parse()
        .map_err(|e: xjz_migration::UnknownCommand| e.to_string())
}

/// jemalloc, not glibc's malloc: an apply moves 25 MB through buffers, and glibc hands such
/// memory back to the OS at once, so every apply paid a page fault per 4 KiB again (a third of
/// the time spent reading an apply's body). jemalloc reuses it for a few seconds, then returns
/// it (options in `.cargo/config.toml`; figures in docs/performance.md, "Allocator").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = xjz_bootstrap::LoadOptions::from_process_env();
    let loaded = match xjz_bootstrap::load(&options) {
        Ok(loaded) => loaded,
        Err(error) => {
            // Telemetry needs the configuration; a configuration error goes to stderr as is.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("xjz-api: {error}");
            }
            return ExitCode::from(2);
        }
    };
    if let Err(error) = xjz_bootstrap::telemetry::init_subscriber(loaded.settings.log.format) {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("xjz-api: cannot start logging: {error}");
        }
        return ExitCode::FAILURE;
    }
    for notice in &loaded.notices {
        tracing::info!(key = %notice.key, "{}", notice.message);
    }
    let settings = loaded.settings;
    let result = match cli.command {
        Command::Serve => xjz_api::serve::run(settings, &options.data_dir()).await,
        Command::Migrate { command } => xjz_api::cli::migrate(&settings, command).await,
        Command::Tenant {
            command: TenantCommand::Add { code, name },
        } => xjz_api::cli::tenant_add(&settings, &code, &name).await,
        Command::User { command } => user(&settings, command).await,
        Command::Images {
            command:
                ImagesCommand::Sweep {
                    older_than_hours,
                    dry_run,
                },
        } => {
            let age = std::time::Duration::from_secs(older_than_hours * 3600);
            xjz_api::cli::images_sweep(&settings, age, dry_run).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error.cause_chain = ?error, error.message = %error, "xjz-api failed");
            #[allow(clippy::print_stderr)]
            {
                eprintln!("xjz-api: {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn user(settings: &xjz_bootstrap::Settings, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            tenant,
            username,
            role,
            password_stdin: _,
        } => {
            let password = xjz_api::cli::read_password_stdin().await?;
            xjz_api::cli::user_add(settings, &tenant, &username, &role, password).await
        }
        UserCommand::Passwd {
            tenant,
            username,
            password_stdin: _,
        } => {
            let password = xjz_api::cli::read_password_stdin().await?;
            xjz_api::cli::user_passwd(settings, &tenant, &username, password).await
        }
        UserCommand::Disable {
            tenant,
            username,
            enable,
        } => xjz_api::cli::user_disable(settings, &tenant, &username, !enable).await,
    }
}
