//! The operation log records mutating requests, redacted, and admins can list it.

use serde_json::json;

use crate::helpers::{PASSWORD, envelope, spawn_app};

#[tokio::test]
async fn mutating_requests_are_logged_without_bodies_or_credentials() {
    // Arrange
    let app = spawn_app().await;
    let boss_id = app.add_user("boss", "admin").await;
    // Act: a failed and a successful login (both POST), and a GET (not logged).
    let failed = app
        .post_login(&json!({"username": "boss", "password": "secret-guess-1"}))
        .await;
    assert_eq!(failed.status(), 401);
    let token = app.token("boss").await;
    app.get("/api/v1/auth/me", Some(&token)).await;
    let response = app
        .client
        .get(app.url("/api/v1/system/operation-logs?page_size=10"))
        .bearer_auth(&token)
        .header("x-request-id", "list-1")
        .send()
        .await
        .unwrap();
    // Assert
    let body = envelope(response).await;
    assert_eq!(body["code"], 0, "{body}");
    let page = &body["data"];
    assert_eq!(page["total"], 2, "{page}");
    assert_eq!(page["has_next"], false);
    let items = page["items"].as_array().unwrap();
    let newest = &items[0];
    assert_eq!(newest["method"], "POST");
    assert_eq!(newest["route"], "/api/v1/auth/login");
    assert_eq!(newest["outcome_code"], 0);
    assert_eq!(newest["user_id"], boss_id);
    assert_eq!(newest["client_ip"], "127.0.0.1");
    assert!(newest["request_id"].as_str().unwrap().len() >= 8);
    assert!(newest["time"].as_str().unwrap().len() == 19);
    assert_eq!(items[1]["outcome_code"], 10401);
    assert_eq!(items[1]["user_id"], serde_json::Value::Null);
    let text = page.to_string();
    for secret in [PASSWORD, "secret-guess-1", "boss", token.as_str()] {
        assert!(!text.contains(secret), "{secret} leaked into {text}");
    }
    // Filters.
    let failures = envelope(
        app.get(
            "/api/v1/system/operation-logs?outcome_code=10401",
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(failures["data"]["total"], 1);
    let bad_time = envelope(
        app.get(
            "/api/v1/system/operation-logs?time_from=yesterday",
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(bad_time["code"], 10422);
    assert_eq!(bad_time["data"]["errors"][0]["field"], "time_from");
    // Order: oldest first, then every mistake named at once.
    let oldest_first = envelope(
        app.get(
            "/api/v1/system/operation-logs?order_by=%5B%7B%22time%22%3A%22asc%22%7D%5D",
            Some(&token),
        )
        .await,
    )
    .await;
    let codes: Vec<_> = oldest_first["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["outcome_code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [10401, 0], "{oldest_first}");
    let bad = envelope(
        app.get(
            "/api/v1/system/operation-logs?order_by=%5B%7B%22password%22%3A%22asc%22%7D%5D&page_size=0",
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(bad["code"], 10422);
    let fields: Vec<_> = bad["data"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["page_size", "order_by"], "{bad}");
}

#[tokio::test]
async fn another_tenant_sees_none_of_the_rows() {
    let app = spawn_app().await;
    app.add_user("boss", "admin").await;
    let other = app.store.add_tenant("other", "Other").await.unwrap();
    app.add_user_to(other.id, "root", "admin").await;
    let boss = app
        .post_login(&json!({"username": "boss", "password": PASSWORD, "tenant": "acme"}))
        .await;
    assert_eq!(boss.status(), 200);
    let other_login = envelope(
        app.post_login(&json!({"username": "root", "password": PASSWORD, "tenant": "other"}))
            .await,
    )
    .await;
    let token = other_login["data"]["access_token"].as_str().unwrap();
    let rows = envelope(app.get("/api/v1/system/operation-logs", Some(token)).await).await;
    assert_eq!(rows["data"]["total"], 1, "only its own login: {rows}");
}
