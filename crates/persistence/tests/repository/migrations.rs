//! Migrations run up, down to nothing, and up again; the repository works afterwards.

use sea_orm::DatabaseConnection;
use xjz_domain::ports::repository::OrderRepository;
use xjz_migration::{MigrationCommand, run};

use crate::helpers::{TENANT, TestDb, new_order, raw_exec, repo};

async fn up_down_up(db: &DatabaseConnection) {
    let up = run(db, MigrationCommand::Up).await.unwrap();
    assert!(up.len() >= 3 && up.iter().all(|m| m.applied), "{up:?}");
    let (new, images) = new_order(TENANT);
    repo(db).insert(new, &images).await.unwrap();

    // The older schema keeps image bytes in rows: going back is refused while files hold them.
    let refused = run(db, MigrationCommand::Down)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("image directory"), "{refused}");
    raw_exec(db, "DELETE FROM pay_facetoface_order_image").await;

    for _ in 0..up.len() {
        run(db, MigrationCommand::Down).await.unwrap();
    }
    let down = run(db, MigrationCommand::Status).await.unwrap();
    assert!(down.iter().all(|m| !m.applied), "{down:?}");
    let (new, images) = new_order(TENANT);
    assert!(
        repo(db).insert(new, &images).await.is_err(),
        "tables are gone"
    );

    let again = run(db, MigrationCommand::Up).await.unwrap();
    assert!(again.iter().all(|m| m.applied));
    let (new, images) = new_order(TENANT);
    let order = repo(db).insert(new, &images).await.unwrap();
    assert_eq!(order.id().0, 1, "a fresh table");
    let fresh = run(db, MigrationCommand::Fresh).await.unwrap();
    assert!(fresh.iter().all(|m| m.applied));
}

#[tokio::test]
async fn migrations_run_up_down_up_on_sqlite() {
    let test = TestDb::sqlite(false).await;
    up_down_up(&test.db).await;
    test.finish().await;
}

#[tokio::test]
async fn migrations_run_up_down_up_on_postgres() {
    let Some(test) = TestDb::postgres(false).await else {
        return;
    };
    up_down_up(&test.db).await;
    test.finish().await;
}

#[tokio::test]
async fn sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys() {
    // The helper's URL names a directory that does not exist yet: connect creates it.
    let test = TestDb::sqlite(true).await;
    for (pragma, expected) in [
        ("journal_mode", "wal"),
        ("busy_timeout", "5000"),
        ("foreign_keys", "1"),
    ] {
        let row = sea_orm::ConnectionTrait::query_one_raw(
            &test.db,
            sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                format!("SELECT CAST((SELECT * FROM pragma_{pragma}) AS TEXT) AS v"),
            ),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            row.try_get::<String>("", "v").unwrap(),
            expected,
            "{pragma}"
        );
    }
    test.finish().await;
}
