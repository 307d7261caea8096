//! Health, readiness, metrics, OpenAPI, docs and the static page fallback.

use serde_json::Value;

use crate::helpers::{envelope, spawn_app};

#[tokio::test]
async fn healthz_and_readyz_answer_when_migrated() {
    let app = spawn_app().await;
    assert_eq!(envelope(app.get("/healthz", None).await).await["code"], 0);
    let ready = envelope(app.get("/readyz", None).await).await;
    assert_eq!(ready["data"]["status"], "ready", "{ready}");
}

#[tokio::test]
async fn readyz_answers_503_while_a_migration_is_pending() {
    let app = spawn_app().await;
    xjz_migration::run(&app.db, xjz_migration::MigrationCommand::Down)
        .await
        .unwrap();
    let response = app.get("/readyz", None).await;
    assert_eq!(response.status(), 503);
    let body = envelope(response).await;
    assert_eq!(body["code"], 10503, "{body}");
    assert_eq!(body["data"]["reason"], "migrations pending", "{body}");
    // Health is about the process, not the schema.
    assert_eq!(envelope(app.get("/healthz", None).await).await["code"], 0);
    xjz_migration::run(&app.db, xjz_migration::MigrationCommand::Up)
        .await
        .unwrap();
    let ready = envelope(app.get("/readyz", None).await).await;
    assert_eq!(ready["data"]["status"], "ready", "{ready}");
}

#[tokio::test]
async fn probes_answer_10405_for_other_methods() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz", "/metrics"] {
        let response = app.client.post(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 405, "{path}");
        assert_eq!(envelope(response).await["code"], 10405, "{path}");
    }
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_code() {
    let app = spawn_app().await;
    app.get("/api/v1/auth/me", None).await;
    let text = app.get("/metrics", None).await.text().await.unwrap();
    assert!(
        text.contains(
            r#"http_requests_total{code="10401",method="GET",route="/api/v1/auth/me"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn the_openapi_document_covers_every_platform_route_with_error_answers() {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.json", None).await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (path, method) in [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/me", "get"),
        ("/api/v1/system/operation-logs", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing");
        if path.starts_with("/api/v1/auth/me") || path.contains("operation-logs") {
            assert!(op["responses"]["401"].is_object(), "{path} documents 401");
        }
    }
    assert!(doc["paths"]["/api/v1/system/operation-logs"]["get"]["responses"]["403"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let docs = app.get("/docs", None).await;
    assert_eq!(docs.status(), 200, "/docs redirects to the UI");
    assert!(docs.text().await.unwrap().contains("swagger-ui"));
    let init = app.get("/docs/swagger-initializer.js", None).await;
    assert!(init.text().await.unwrap().contains("/api/openapi.json"));
    let bundle = app.get("/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(
        bundle.status(),
        200,
        "the UI is served locally, not from a CDN"
    );
    assert!(bundle.bytes().await.unwrap().len() > 100_000);
}

#[tokio::test]
async fn other_gets_fall_back_to_the_page_and_files_are_served() {
    let app = spawn_app().await;
    let page = app.get("/payment/facetoface/12", None).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<title>xjz</title>"));
    let asset = app.get("/assets/app.js", None).await;
    assert_eq!(asset.status(), 200);
    assert_eq!(asset.text().await.unwrap(), "console.log(1)");
    let root = app.get("/", None).await;
    assert_eq!(root.status(), 200);
    let traversal = app.get("/assets/%2e%2e/%2e%2e/etc/passwd", None).await;
    assert!(
        traversal
            .text()
            .await
            .unwrap()
            .contains("<title>xjz</title>")
    );
    std::fs::remove_file(app.static_dir.join("index.html")).unwrap();
    let unbuilt = app.get("/somewhere", None).await;
    assert_eq!(envelope(unbuilt).await["code"], 10404);
}
