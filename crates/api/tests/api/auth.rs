//! Login, tokens, throttling, permissions.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use xjz_api::auth::{Claims, token_version};

use crate::helpers::{JWT_SECRET, PASSWORD, envelope, spawn_app};

#[tokio::test]
async fn login_with_json_or_the_oauth2_form_gives_a_bearer_token_for_me() {
    // Arrange
    let app = spawn_app().await;
    app.add_user("li", "operator").await;
    // Act
    let json_login = envelope(
        app.post_login(&json!({"username": "li", "password": PASSWORD}))
            .await,
    )
    .await;
    let form_login = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .form(&[
            ("grant_type", "password"),
            ("username", "li"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    // Assert
    assert_eq!(json_login["code"], 0);
    assert_eq!(json_login["data"]["token_type"], "bearer");
    assert_eq!(json_login["data"]["expires_in"], 600);
    assert_eq!(form_login.status(), 200);
    let token = json_login["data"]["access_token"].as_str().unwrap();
    let me = envelope(app.get("/api/v1/auth/me", Some(token)).await).await;
    assert_eq!(me["code"], 0);
    assert_eq!(me["data"]["user"]["username"], "li");
    assert_eq!(me["data"]["tenant"]["code"], "acme");
    assert_eq!(me["data"]["roles"], json!(["operator"]));
    let permissions = me["data"]["permissions"].as_array().unwrap();
    assert_eq!(permissions.len(), 6);
    assert!(permissions.contains(&json!("module_payment:facetoface:apply")));
}

#[tokio::test]
async fn wrong_password_unknown_user_and_unknown_tenant_all_answer_the_same_10401() {
    let app = spawn_app().await;
    app.add_user("li", "viewer").await;
    for body in [
        json!({"username": "li", "password": "wrong password"}),
        json!({"username": "nobody", "password": PASSWORD}),
        json!({"username": "li", "password": PASSWORD, "tenant": "other"}),
    ] {
        let response = app.post_login(&body).await;
        assert_eq!(response.status(), 401);
        let body = envelope(response).await;
        assert_eq!(body["code"], 10401);
        assert_eq!(body["msg"], "invalid username or password");
    }
}

#[tokio::test]
async fn missing_fields_are_all_listed_in_one_10422() {
    let app = spawn_app().await;
    let body = envelope(app.post_login(&json!({})).await).await;
    assert_eq!(body["code"], 10422);
    let fields: Vec<&str> = body["data"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "password"]);
    assert_eq!(body["data"]["errors"][0]["code"], "required");
}

#[tokio::test]
async fn with_several_tenants_login_takes_the_tenant_code() {
    let app = spawn_app().await;
    let other = app.store.add_tenant("other", "Other").await.unwrap();
    app.add_user_to(other.id, "li", "viewer").await;
    let without = envelope(
        app.post_login(&json!({"username": "li", "password": PASSWORD}))
            .await,
    )
    .await;
    assert_eq!(without["code"], 10422, "{without}");
    assert_eq!(without["data"]["errors"][0]["field"], "tenant");
    let with = envelope(
        app.post_login(&json!({"username": "li", "password": PASSWORD, "tenant": "other"}))
            .await,
    )
    .await;
    assert_eq!(with["code"], 0);
}

#[tokio::test]
async fn failed_logins_are_throttled_per_username_then_per_ip() {
    // Test limits: 3 failures per username, 6 per IP.
    let app = spawn_app().await;
    app.add_user("li", "viewer").await;
    app.add_user("wang", "viewer").await;
    for _ in 0..3 {
        let r = app
            .post_login(&json!({"username": "li", "password": "bad password"}))
            .await;
        assert_eq!(r.status(), 401);
    }
    let throttled = app
        .post_login(&json!({"username": "li", "password": PASSWORD}))
        .await;
    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().get("retry-after").is_some());
    let body = envelope(throttled).await;
    assert_eq!(body["code"], 10429);
    // Another username from the same IP still works until the IP's limit.
    assert!(app.token("wang").await.len() > 10);
    for name in ["a", "b", "c"] {
        let r = app
            .post_login(&json!({"username": name, "password": "bad password"}))
            .await;
        assert_eq!(r.status(), 401);
    }
    let ip_throttled = app
        .post_login(&json!({"username": "wang", "password": PASSWORD}))
        .await;
    assert_eq!(envelope(ip_throttled).await["code"], 10429);
}

#[tokio::test]
async fn x_forwarded_for_counts_only_from_trusted_proxies() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Config {
        trusted_proxies: Some("127.0.0.1/32"),
        ..crate::helpers::Config::default()
    })
    .await;
    // Six failures from six forwarded clients: no single IP reaches its limit of 6.
    for i in 0..7 {
        let r = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .json(&json!({"username": format!("u{i}"), "password": "bad password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "request {i}");
    }
    let untrusted = crate::helpers::spawn_app().await;
    let mut codes = Vec::new();
    for i in 0..7 {
        let r = untrusted
            .client
            .post(untrusted.url("/api/v1/auth/login"))
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .json(&json!({"username": format!("u{i}"), "password": "bad password"}))
            .send()
            .await
            .unwrap();
        codes.push(r.status().as_u16());
    }
    assert_eq!(
        codes.last(),
        Some(&429),
        "forged XFF ignored: one IP: {codes:?}"
    );
}

fn forge(claims: &Claims, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn claims_of(app: &crate::helpers::TestApp, user_id: i64) -> Claims {
    let user = app.store.user(user_id).await.unwrap().unwrap();
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: user_id.to_string(),
        tid: app.tenant_id,
        ver: token_version(&user.password_hash),
        iat: now,
        exp: now + 300,
    }
}

async fn me_code(app: &crate::helpers::TestApp, token: &str) -> Value {
    let response = app.get("/api/v1/auth/me", Some(token)).await;
    let status = response.status().as_u16();
    let body = envelope(response).await;
    assert_eq!(status, 401, "{body}");
    body["code"].clone()
}

#[tokio::test]
async fn expired_tampered_and_foreign_tokens_are_refused() {
    let app = spawn_app().await;
    let id = app.add_user("li", "admin").await;
    let good = claims_of(&app, id).await;
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&forge(&good, JWT_SECRET)))
            .await
            .status(),
        200
    );
    let expired = Claims {
        iat: good.iat - 1000,
        exp: good.iat - 10,
        ..good.clone()
    };
    assert_eq!(me_code(&app, &forge(&expired, JWT_SECRET)).await, 10401);
    assert_eq!(
        me_code(&app, &forge(&good, "another-secret-another-secret-123456")).await,
        10401
    );
    let other_tenant = Claims {
        tid: app.tenant_id + 1,
        ..good.clone()
    };
    assert_eq!(
        me_code(&app, &forge(&other_tenant, JWT_SECRET)).await,
        10401
    );
    // Tampered payload: swap the claims part of a valid token.
    let token = forge(&good, JWT_SECRET);
    let parts: Vec<&str> = token.split('.').collect();
    let admin_claims = forge(
        &Claims {
            sub: "999".into(),
            ..good.clone()
        },
        JWT_SECRET,
    );
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        admin_claims.split('.').nth(1).unwrap(),
        parts[2]
    );
    assert_eq!(me_code(&app, &tampered).await, 10401);
    assert_eq!(me_code(&app, "not-a-jwt").await, 10401);
}

#[tokio::test]
async fn alg_none_and_rs256_tokens_are_refused() {
    use base64::Engine as _;
    let app = spawn_app().await;
    let id = app.add_user("li", "admin").await;
    let claims = claims_of(&app, id).await;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = b64.encode(serde_json::to_vec(&claims).unwrap());
    let none = format!(
        "{}.{payload}.",
        b64.encode(br#"{"alg":"none","typ":"JWT"}"#)
    );
    assert_eq!(me_code(&app, &none).await, 10401);
    // RS256 header "signed" with the HMAC secret: the algorithm confusion attack.
    let header = b64.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let signing_input = format!("{header}.{payload}");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, JWT_SECRET.as_bytes());
    let sig = b64.encode(ring::hmac::sign(&key, signing_input.as_bytes()).as_ref());
    assert_eq!(
        me_code(&app, &format!("{signing_input}.{sig}")).await,
        10401
    );
    // The same bytes with the HS256 header verify: the refusal above is the algorithm.
    let header = b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let signing_input = format!("{header}.{payload}");
    let sig = b64.encode(ring::hmac::sign(&key, signing_input.as_bytes()).as_ref());
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&format!("{signing_input}.{sig}")))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_disabled_user_cannot_log_in_and_its_tokens_stop_working() {
    let app = spawn_app().await;
    app.add_user("li", "operator").await;
    let token = app.token("li").await;
    app.store
        .set_disabled(app.tenant_id, "li", true)
        .await
        .unwrap();
    assert_eq!(me_code(&app, &token).await, 10401);
    let login = envelope(
        app.post_login(&json!({"username": "li", "password": PASSWORD}))
            .await,
    )
    .await;
    assert_eq!(login["code"], 10401);
}

#[tokio::test]
async fn a_password_change_revokes_earlier_tokens() {
    let app = spawn_app().await;
    app.add_user("li", "operator").await;
    let token = app.token("li").await;
    app.store.set_password_hash(app.tenant_id, "li", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g").await.unwrap();
    assert_eq!(me_code(&app, &token).await, 10401);
}

#[tokio::test]
async fn permissions_guard_routes_401_then_403_then_200() {
    let app = spawn_app().await;
    app.add_user("viewer", "viewer").await;
    app.add_user("boss", "admin").await;
    let path = "/api/v1/system/operation-logs";
    let anonymous = app.get(path, None).await;
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().get("www-authenticate").is_some());
    assert_eq!(envelope(anonymous).await["code"], 10401);
    let viewer = app.token("viewer").await;
    let forbidden = envelope(app.get(path, Some(&viewer)).await).await;
    assert_eq!(forbidden["code"], 10403);
    let boss = app.token("boss").await;
    let ok = envelope(app.get(path, Some(&boss)).await).await;
    assert_eq!(ok["code"], 0, "{ok}");
}
