//! The platform store on a fresh SQLite database.

use super::*;
use xjz_domain::ports::repository::SortDirection;

async fn store() -> (tempfile::TempDir, SeaOrmPlatformStore) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
    let db = crate::connect(&url).await.unwrap();
    crate::migrate(&db).await.unwrap();
    let store = SeaOrmPlatformStore::new(db);
    store.ensure_builtin_roles().await.unwrap();
    (dir, store)
}

#[tokio::test]
async fn usernames_are_unique_per_tenant_and_roles_give_permissions() {
    let (_dir, store) = store().await;
    let a = store.add_tenant("a", "A").await.unwrap();
    let b = store.add_tenant("b", "B").await.unwrap();
    assert!(matches!(
        store.add_tenant("a", "again").await,
        Err(PlatformError::Duplicate(_))
    ));
    let roles = vec!["viewer".to_owned()];
    store.add_user(a.id, "li", "h", &roles).await.unwrap();
    store.add_user(b.id, "li", "h", &roles).await.unwrap();
    assert!(matches!(
        store.add_user(a.id, "li", "h", &roles).await,
        Err(PlatformError::Duplicate(_))
    ));
    let user = store.user_by_username(a.id, "li").await.unwrap().unwrap();
    assert_eq!(user.roles, roles);
    assert!(!format!("{user:?}").contains("password_hash"));
    assert_eq!(
        store.permissions(a.id, &user.roles).await.unwrap(),
        vec![
            "module_payment:facetoface:detail".to_owned(),
            "module_payment:facetoface:query".to_owned()
        ]
    );
    store.set_disabled(a.id, "li", true).await.unwrap();
    assert!(store.user(user.id).await.unwrap().unwrap().disabled);
    assert!(matches!(
        store.set_disabled(a.id, "nobody", true).await,
        Err(PlatformError::NotFound(_))
    ));
    assert!(store.role_exists(a.id, "admin").await.unwrap());
    assert!(!store.role_exists(a.id, "root").await.unwrap());
}

#[tokio::test]
async fn operation_logs_are_paged_filtered_and_tenant_scoped() {
    let (_dir, store) = store().await;
    let t = store.add_tenant("t", "T").await.unwrap();
    let entries = (0..5)
        .map(|i| NewOperationLog {
            time: Utc::now(),
            user_id: Some(1),
            tenant_id: Some(if i == 4 { t.id + 1 } else { t.id }),
            method: if i % 2 == 0 { "POST" } else { "PATCH" }.to_owned(),
            route: "/api/v1/payment/facetoface/{id}".to_owned(),
            target_id: Some(i.to_string()),
            outcome_code: 0,
            duration_ms: [7, 3, 9, 3, 1][i],
            client_ip: Some("127.0.0.1".to_owned()),
            request_id: Some(format!("r{i}")),
        })
        .collect();
    store.log_operations(entries).await.unwrap();
    store.log_operations(Vec::new()).await.unwrap();
    let all = store
        .operation_logs(t.id, &OperationLogFilter::default(), 1, 3)
        .await
        .unwrap();
    assert_eq!(all.total, 4);
    assert_eq!(all.items.len(), 3);
    assert_eq!(all.items[0].entry.target_id.as_deref(), Some("3"));
    let posts = store
        .operation_logs(
            t.id,
            &OperationLogFilter {
                method: Some("post".to_owned()),
                ..OperationLogFilter::default()
            },
            1,
            10,
        )
        .await
        .unwrap();
    assert_eq!(posts.total, 2);
    let order = |keys: Vec<(OperationLogSort, SortDirection)>| {
        let store = &store;
        async move {
            let filter = OperationLogFilter {
                order_by: keys,
                ..OperationLogFilter::default()
            };
            let page = store.operation_logs(t.id, &filter, 1, 10).await.unwrap();
            page.items
                .into_iter()
                .map(|r| r.entry.target_id.unwrap())
                .collect::<Vec<_>>()
        }
    };
    // Ties (3 ms twice) are broken by id in the first key's direction.
    assert_eq!(
        order(vec![(OperationLogSort::DurationMs, SortDirection::Asc)]).await,
        ["1", "3", "0", "2"]
    );
    assert_eq!(
        order(vec![(OperationLogSort::DurationMs, SortDirection::Desc)]).await,
        ["2", "0", "3", "1"]
    );
    assert_eq!(
        order(vec![
            (OperationLogSort::Method, SortDirection::Asc),
            (OperationLogSort::Id, SortDirection::Desc)
        ])
        .await,
        ["3", "1", "2", "0"]
    );
}
