//! Every answer wears the envelope, actix's own errors included.

use serde_json::json;

use crate::helpers::{envelope, spawn_app};

#[tokio::test]
async fn malformed_json_wrong_content_type_and_bad_query_answer_10400() {
    let app = spawn_app().await;
    let bad_json = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status(), 400);
    assert_eq!(envelope(bad_json).await["code"], 10400);
    let wrong_type = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("username=a")
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(wrong_type).await["code"], 10400);
    app.add_user("boss", "admin").await;
    let token = app.token("boss").await;
    let bad_query = app
        .get("/api/v1/system/operation-logs?page_no=abc", Some(&token))
        .await;
    assert_eq!(bad_query.status(), 400);
    assert_eq!(envelope(bad_query).await["code"], 10400);
    let bad_page = envelope(
        app.get(
            "/api/v1/system/operation-logs?page_no=0&page_size=101",
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(bad_page["code"], 10422);
    assert_eq!(bad_page["data"]["errors"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_body_over_the_limit_answers_10413() {
    let app = spawn_app().await;
    let big = "x".repeat(300 * 1024);
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": big, "password": "p"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(envelope(response).await["code"], 10413);
}

#[tokio::test]
async fn unknown_api_routes_answer_10404_and_wrong_methods_10405() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/nothing",
        "/api/v2/auth/login",
        "/api/openapi.yaml",
        "/api",
    ] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(envelope(response).await["code"], 10404, "{path}");
    }
    let posted = app
        .client
        .post(app.url("/api/v1/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(posted).await["code"], 10404);
    let wrong_method = app
        .client
        .delete(app.url("/api/v1/auth/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 405);
    assert_eq!(envelope(wrong_method).await["code"], 10405);
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_echoes_a_good_one() {
    let app = spawn_app().await;
    let generated = app.get("/healthz", None).await;
    let id = generated
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36);
    let echoed = app
        .client
        .get(app.url("/api/v1/unknown"))
        .header("x-request-id", "trace-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers().get("x-request-id").unwrap(), "trace-123");
    let replaced = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(
        replaced.headers().get("x-request-id").unwrap(),
        "bad id with spaces"
    );
}
