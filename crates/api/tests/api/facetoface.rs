//! The facetoface routes end to end: real HTTP, a real database, the simulator over HTTP.

use reqwest::multipart::{Form, Part};
use serde_json::Value;
use xjz_alipay_sim::{FaultKind, FaultSpec, Scenario, ScenarioKind};
use xjz_domain::application::{ApplicationForm, ImageKind};
use xjz_domain::fixtures::{png, valid_form};

use crate::helpers::{TestApp, envelope, spawn_app};

const BASE: &str = "/api/v1/payment/facetoface";
const CREATE: &str = "alipay.open.agent.create";
const SIGN: &str = "alipay.open.agent.facetoface.sign";
const CONFIRM: &str = "alipay.open.agent.confirm";
const CANCEL: &str = "alipay.open.agent.cancel";

/// The multipart body of a form, parts named like Alipay's parameters.
fn multipart(form: &ApplicationForm) -> Form {
    let mut body = Form::new();
    let texts = [
        ("account", &form.account),
        ("contact_name", &form.contact_name),
        ("contact_mobile", &form.contact_mobile),
        ("contact_email", &form.contact_email),
        ("merchant_name", &form.merchant_name),
        ("mcc_code", &form.mcc_code),
        ("rate", &form.rate),
        ("sign_and_auth", &form.sign_and_auth),
        ("business_license_no", &form.business_license_no),
        ("business_license_mobile", &form.business_license_mobile),
        ("long_term", &form.long_term),
        ("date_limitation", &form.date_limitation),
        ("shop_name", &form.shop_name),
        ("remark", &form.remark),
    ];
    for (name, value) in texts {
        if let Some(value) = value {
            body = body.text(name, value.clone());
        }
    }
    if let Some(address) = &form.shop_address {
        body = body.text("shop_address", serde_json::to_string(address).unwrap());
    }
    for (kind, bytes) in &form.images {
        let part = Part::bytes(bytes.clone())
            .file_name(format!("{}.png", kind.field_name()))
            .mime_str("image/png")
            .unwrap();
        body = body.part(kind.field_name(), part);
    }
    body
}

struct Operator {
    app: TestApp,
    token: String,
}

async fn operator() -> Operator {
    let app = spawn_app().await;
    app.add_user("op", "operator").await;
    let token = app.token("op").await;
    Operator { app, token }
}

impl Operator {
    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.bearer_auth(&self.token).send().await.unwrap();
        let status = response.status().as_u16();
        (status, envelope(response).await)
    }

    async fn apply(&self, form: &ApplicationForm, key: Option<&str>) -> (u16, Value) {
        let mut request = self
            .app
            .client
            .post(self.app.url(&format!("{BASE}/apply")))
            .multipart(multipart(form));
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        self.send(request).await
    }

    async fn post(&self, path: &str) -> (u16, Value) {
        self.send(self.app.client.post(self.app.url(&format!("{BASE}{path}"))))
            .await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.app.client.get(self.app.url(&format!("{BASE}{path}"))))
            .await
    }

    async fn list(&self, query: &str) -> Value {
        let (status, body) = self.get(&format!("?{query}")).await;
        assert_eq!(status, 200, "{body}");
        body["data"].clone()
    }

    fn calls(&self, method: &str) -> u64 {
        self.app.sim.counters().method_calls(method)
    }
}

fn id_of(body: &Value) -> i64 {
    body["data"]["id"]
        .as_i64()
        .or_else(|| body["data"]["order"]["id"].as_i64())
        .unwrap_or_else(|| panic!("no order id in {body}"))
}

#[tokio::test]
async fn apply_then_refresh_reaches_success_showing_the_confirm_url_on_the_way() {
    let op = operator().await;

    let (status, body) = op.apply(&valid_form(), None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["data"]["order_status"], "SUBMITTED");
    assert_eq!(body["data"]["submit_step"], "confirmed");
    assert_eq!(body["data"]["contact_mobile"], "13800138000");
    let id = id_of(&body);

    let mut seen_confirm_url = None;
    let mut last = String::new();
    for _ in 0..6 {
        let (status, body) = op.post(&format!("/{id}/query")).await;
        assert_eq!(status, 200, "{body}");
        last = body["data"]["order_status"].as_str().unwrap().to_owned();
        if last == "MERCHANT_CONFIRM" {
            seen_confirm_url = body["data"]["confirm_url"].as_str().map(str::to_owned);
        }
        if last == "SUCCESS" {
            break;
        }
    }
    assert_eq!(last, "SUCCESS");
    assert!(seen_confirm_url.is_some_and(|u| u.starts_with("http")));

    let (status, detail) = op.get(&format!("/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(detail["data"]["has_app_auth_token"], false);
    assert!(detail["data"]["merchant_pid"].is_string(), "{detail}");
    let fields: Vec<&str> = detail["data"]["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["shop_scene_pic", "shop_sign_board_pic"]);

    let (status, events) = op.get(&format!("/{id}/events")).await;
    assert_eq!(status, 200);
    let kinds: Vec<&str> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"created"));
    assert!(kinds.contains(&"status_changed"), "{kinds:?}");

    let response = op
        .app
        .client
        .get(op.app.url(&format!("{BASE}/{id}/images/shop_scene_pic")))
        .bearer_auth(&op.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.bytes().await.unwrap().to_vec(), png(6_000));
    let (status, _) = op.get(&format!("/{id}/images/special_license_pic")).await;
    assert_eq!(status, 404);

    let metrics = op.app.get("/metrics", None).await.text().await.unwrap();
    let line = metrics
        .lines()
        .find(|l| l.starts_with("alipay_calls_total") && l.contains(CREATE))
        .unwrap_or_else(|| panic!("no create count in {metrics}"));
    assert!(line.contains("success") && line.ends_with(" 1"), "{line}");
    // Each call's duration too: create, sign and confirm once each in this flow.
    for method in [
        CREATE,
        "alipay.open.agent.facetoface.sign",
        "alipay.open.agent.confirm",
    ] {
        let count = metrics
            .lines()
            .find(|l| l.starts_with("alipay_call_duration_seconds_count") && l.contains(method))
            .unwrap_or_else(|| panic!("no {method} duration in {metrics}"));
        assert!(count.ends_with(" 1"), "{count}");
    }
}

#[tokio::test]
async fn a_rejected_application_closes_with_the_reason() {
    let op = operator().await;
    op.app
        .sim
        .set_default_scenario(Scenario::of(ScenarioKind::Reject));
    let (_, body) = op.apply(&valid_form(), None).await;
    let id = id_of(&body);

    let mut body = Value::Null;
    for _ in 0..4 {
        body = op.post(&format!("/{id}/query")).await.1;
        if body["data"]["order_status"] == "CLOSED" {
            break;
        }
    }
    assert_eq!(body["data"]["order_status"], "CLOSED", "{body}");
    assert!(
        body["data"]["reject_reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    let (status, again) = op.post(&format!("/{id}/query")).await;
    assert_eq!(status, 409, "a terminal order is not refreshed: {again}");
}

#[tokio::test]
async fn a_held_application_needs_correction_and_a_reapply_supersedes_it() {
    let op = operator().await;
    op.app
        .sim
        .set_default_scenario(Scenario::of(ScenarioKind::Hold));
    let (_, body) = op.apply(&valid_form(), None).await;
    let id = id_of(&body);
    let (_, held) = op.post(&format!("/{id}/query")).await;
    assert_eq!(held["data"]["needs_correction"], true, "{held}");
    assert_eq!(held["data"]["order_status"], "SUBMITTED");
    op.app
        .sim
        .set_default_scenario(Scenario::of(ScenarioKind::Approve));

    let corrected = ApplicationForm {
        shop_name: Some("改正后的店名".into()),
        images: Vec::new(),
        ..valid_form()
    };
    let request = op
        .app
        .client
        .post(op.app.url(&format!("{BASE}/{id}/reapply")))
        .multipart(multipart(&corrected))
        .header("Idempotency-Key", "reapply-1");
    let (status, body) = op.send(request).await;
    assert_eq!(status, 201, "{body}");
    let new_id = id_of(&body);
    assert_eq!(body["data"]["reapplied_from"], id);
    assert_eq!(body["data"]["shop_name"], "改正后的店名");

    let (_, original) = op.get(&format!("/{id}")).await;
    assert_eq!(original["data"]["order_status"], "CLOSED");
    assert_eq!(original["data"]["superseded_by"], new_id);
    let (_, detail) = op.get(&format!("/{new_id}")).await;
    assert_eq!(
        detail["data"]["images"].as_array().unwrap().len(),
        2,
        "images are copied from the original: {detail}"
    );
}

#[tokio::test]
async fn a_failure_at_each_submission_step_is_resumed_without_a_second_batch() {
    let op = operator().await;
    // The step reached when the call failed (`confirm_sent` is written before confirm).
    for (expected_submitted, (method, step)) in [
        (CREATE, "none"),
        (SIGN, "batch_created"),
        (CONFIRM, "confirm_sent"),
    ]
    .into_iter()
    .enumerate()
    {
        op.app.sim.reset_counters();
        op.app
            .sim
            .add_fault(FaultSpec::next(
                1,
                FaultKind::HttpError { status: 503 },
                Some(method),
            ))
            .unwrap();

        let (status, body) = op.apply(&valid_form(), None).await;
        assert_eq!(status, 502, "{method}: {body}");
        assert_eq!(body["code"], 10502);
        assert_eq!(body["data"]["order"]["order_status"], "INIT", "{body}");
        assert_eq!(body["data"]["order"]["submit_step"], step, "{body}");
        assert!(body["data"]["order"]["last_error"].is_object(), "{body}");
        let id = id_of(&body);

        let (status, resumed) = op.post(&format!("/{id}/resume")).await;
        assert_eq!(status, 200, "{method}: {resumed}");
        assert_eq!(resumed["data"]["order_status"], "SUBMITTED");
        // A failed create made no batch; afterwards the same batch is continued.
        let created = u64::from(method == CREATE) + 1;
        assert_eq!(op.calls(CREATE), created, "{method}: batches created");
        let batch_no = resumed["data"]["batch_no"].as_str().unwrap();
        assert_eq!(
            op.app.sim.counters().batch_calls(batch_no, CONFIRM),
            u64::from(method == CONFIRM) + 1,
            "{method}: confirms of the submitted batch"
        );
        let submitted = op
            .app
            .sim
            .batches()
            .iter()
            .filter(|b| b.status == xjz_alipay_sim::BatchStatus::Submit)
            .count();
        assert_eq!(
            submitted,
            expected_submitted + 1,
            "{method}: one submitted batch per order"
        );
    }
}

#[tokio::test]
async fn a_lost_confirm_reply_answers_10504_and_settles_through_refresh() {
    let op = operator().await;
    op.app
        .sim
        .add_fault(FaultSpec::next(1, FaultKind::LostReply, Some(CONFIRM)))
        .unwrap();

    let (status, body) = op.apply(&valid_form(), None).await;
    assert_eq!(status, 504, "{body}");
    assert_eq!(body["code"], 10504);
    assert_eq!(body["data"]["order"]["submit_step"], "confirm_sent");
    let id = id_of(&body);

    let (status, settled) = op.post(&format!("/{id}/query")).await;
    assert_eq!(status, 200, "{settled}");
    assert_eq!(settled["data"]["submit_step"], "confirmed", "{settled}");
    assert_ne!(settled["data"]["order_status"], "INIT");
    assert_eq!(op.calls(CONFIRM), 1, "the confirm is not sent twice");
    assert_eq!(op.calls(CREATE), 1);
}

#[tokio::test]
async fn an_init_order_is_edited_then_resumed_and_a_stale_version_is_refused() {
    let op = operator().await;
    op.app
        .sim
        .add_fault(FaultSpec::next(
            1,
            FaultKind::HttpError { status: 503 },
            Some(SIGN),
        ))
        .unwrap();
    let (_, body) = op.apply(&valid_form(), None).await;
    let id = id_of(&body);
    let version = body["data"]["order"]["version"].as_i64().unwrap();

    let patch = |form: Form| {
        op.app
            .client
            .patch(op.app.url(&format!("{BASE}/{id}")))
            .multipart(form)
    };
    let (status, edited) = op
        .send(patch(
            Form::new()
                .text("version", version.to_string())
                .text("shop_name", "新店名")
                .part(
                    "shop_scene_pic",
                    Part::bytes(png(9_000)).file_name("scene.png"),
                ),
        ))
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["data"]["shop_name"], "新店名");
    assert_eq!(edited["data"]["order_status"], "INIT");

    let (status, stale) = op
        .send(patch(
            Form::new()
                .text("version", version.to_string())
                .text("shop_name", "又一个"),
        ))
        .await;
    assert_eq!(status, 409, "{stale}");

    let (status, bad) = op
        .send(patch(Form::new().text("contact_mobile", "12345")))
        .await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["data"]["errors"][0]["field"], "contact_mobile");

    let (status, resumed) = op.post(&format!("/{id}/resume")).await;
    assert_eq!(status, 200, "{resumed}");
    assert_eq!(resumed["data"]["order_status"], "SUBMITTED");
    assert_eq!(resumed["data"]["shop_name"], "新店名");
    let image = op
        .app
        .client
        .get(op.app.url(&format!("{BASE}/{id}/images/shop_scene_pic")))
        .bearer_auth(&op.token)
        .send()
        .await
        .unwrap();
    assert_eq!(image.bytes().await.unwrap().len(), 9_000);

    let (status, _) = op
        .send(patch(Form::new().text("shop_name", "太晚了")))
        .await;
    assert_eq!(status, 409, "a submitted order is not edited");
}

#[tokio::test]
async fn cancelling_an_init_order_cancels_its_batch_at_alipay() {
    let op = operator().await;
    op.app
        .sim
        .add_fault(FaultSpec::next(
            1,
            FaultKind::HttpError { status: 503 },
            Some(SIGN),
        ))
        .unwrap();
    let (_, body) = op.apply(&valid_form(), None).await;
    let id = id_of(&body);
    let batch_no = body["data"]["order"]["batch_no"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, cancelled) = op.post(&format!("/{id}/cancel")).await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["data"]["order_status"], "CLOSED");
    assert_eq!(cancelled["data"]["closed_reason"], "cancelled");
    assert_eq!(op.app.sim.counters().batch_calls(&batch_no, CANCEL), 1);

    let (status, _) = op.post(&format!("/{id}/cancel")).await;
    assert_eq!(status, 409);
    let (status, _) = op.post(&format!("/{id}/resume")).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn a_viewer_reads_but_cannot_apply_and_another_tenant_sees_nothing() {
    let op = operator().await;
    let (_, body) = op.apply(&valid_form(), None).await;
    let id = id_of(&body);

    op.app.add_user("viewer", "viewer").await;
    let viewer = op.app.token("viewer").await;
    let response = op
        .app
        .client
        .post(op.app.url(&format!("{BASE}/apply")))
        .multipart(multipart(&valid_form()))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(envelope(response).await["code"], 10403);
    let response = op.app.get(&format!("{BASE}/{id}"), Some(&viewer)).await;
    assert_eq!(response.status(), 200);

    let other = op.app.store.add_tenant("other", "Other").await.unwrap();
    op.app.add_user_to(other.id, "stranger", "admin").await;
    let login = op
        .app
        .post_login(&serde_json::json!({
            "username": "stranger", "password": crate::helpers::PASSWORD, "tenant": "other"
        }))
        .await;
    let stranger = envelope(login).await["data"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = &op.app.client;
    let url = |path: &str| op.app.url(&format!("{BASE}/{id}{path}"));
    let requests = [
        client.get(url("")),
        client
            .patch(url(""))
            .multipart(Form::new().text("shop_name", "x")),
        client.get(url("/images/shop_scene_pic")),
        client.get(url("/events")),
        client.post(url("/query")),
        client.post(url("/resume")),
        client.post(url("/cancel")),
        client
            .post(url("/reapply"))
            .multipart(multipart(&valid_form())),
    ];
    for request in requests {
        let response = request.bearer_auth(&stranger).send().await.unwrap();
        let url = response.url().to_string();
        let body = envelope(response).await;
        assert_eq!(body["code"], 10404, "{url}: {body}");
    }
    let response = op.app.get(BASE, Some(&stranger)).await;
    assert_eq!(envelope(response).await["data"]["total"], 0);
}

#[tokio::test]
async fn every_invalid_field_is_named_and_nothing_is_stored() {
    let op = operator().await;
    let form = ApplicationForm {
        account: Some("not an account".into()),
        contact_mobile: Some("123".into()),
        mcc_code: Some("food".into()),
        rate: Some("9".into()),
        images: vec![(ImageKind::ShopScenePic, png(100))],
        ..valid_form()
    };

    let (status, body) = op.apply(&form, Some("bad-1")).await;

    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["data"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in [
        "account",
        "contact_mobile",
        "mcc_code",
        "rate",
        "shop_scene_pic",
    ] {
        assert!(fields.contains(&field), "{field} not in {fields:?}");
    }
    assert_eq!(op.list("").await["total"], 0);
    assert_eq!(op.calls(CREATE), 0);
    let (status, _) = op.apply(&valid_form(), Some("bad-1")).await;
    assert_eq!(status, 201, "a refused request does not burn its key");
}

#[tokio::test]
async fn oversized_and_non_image_files_are_refused_before_anything_is_stored() {
    let op = operator().await;
    let big = ApplicationForm {
        images: vec![(ImageKind::ShopScenePic, png(5_000_001))],
        ..valid_form()
    };
    let (status, body) = op.apply(&big, None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["data"]["errors"][0]["field"], "shop_scene_pic");

    let text = ApplicationForm {
        images: vec![(ImageKind::ShopSignBoardPic, vec![b'a'; 8_000])],
        ..valid_form()
    };
    let (status, body) = op.apply(&text, None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["data"]["errors"][0]["field"], "shop_sign_board_pic");

    let unknown = op
        .app
        .client
        .post(op.app.url(&format!("{BASE}/apply")))
        .multipart(multipart(&valid_form()).text("colour", "red"));
    let (status, body) = op.send(unknown).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(op.list("").await["total"], 0);
}

#[tokio::test]
async fn the_same_idempotency_key_replays_and_another_body_with_it_conflicts() {
    let op = operator().await;
    let (status, first) = op.apply(&valid_form(), Some("key-1")).await;
    assert_eq!(status, 201, "{first}");
    let (status, replay) = op.apply(&valid_form(), Some("key-1")).await;
    assert_eq!(status, 201, "{replay}");
    assert_eq!(id_of(&replay), id_of(&first));
    assert_eq!(op.calls(CREATE), 1, "the replay did not call Alipay");

    let other = ApplicationForm {
        shop_name: Some("另一家".into()),
        ..valid_form()
    };
    let (status, conflict) = op.apply(&other, Some("key-1")).await;
    assert_eq!(status, 409, "{conflict}");
    assert_eq!(conflict["code"], 10409);
    assert_eq!(op.list("").await["total"], 1);
}

#[tokio::test]
async fn the_list_filters_pages_and_masks_and_the_export_matches_it() {
    let op = operator().await;
    for shop in ["甲店", "乙店", "丙店"] {
        let form = ApplicationForm {
            shop_name: Some(shop.into()),
            account: Some("13912345678".into()),
            ..valid_form()
        };
        assert_eq!(op.apply(&form, None).await.0, 201);
    }

    let page = op.list("page_size=2&order_by=[{\"id\":\"asc\"}]").await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["has_next"], true);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["contact_mobile"], "138****8000");
    assert_eq!(items[0]["account"], "139****5678");
    assert!(items[0].get("images").is_none());
    let found = op.list("shop_name=%E4%B9%99").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["shop_name"], "乙店");
    let (status, bad) = op.get("?page_size=500&order_status=NOPE").await;
    assert_eq!(status, 422, "{bad}");

    let response = op
        .app
        .client
        .get(op.app.url(&format!(
            "{BASE}/export?format=csv&order_by=[{{\"id\":\"asc\"}}]"
        )))
        .bearer_auth(&op.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "header + 3 rows: {csv}");
    for shop in ["甲店", "乙店", "丙店"] {
        assert!(csv.contains(shop), "{csv}");
    }
    for raw in ["13800138000", "13912345678"] {
        assert!(!csv.contains(raw), "{raw} leaked: {csv}");
    }

    let response = op
        .app
        .client
        .get(
            op.app
                .url(&format!("{BASE}/export?format=xlsx&shop_name=%E4%B9%99")),
        )
        .bearer_auth(&op.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
    let (status, _) = op.get("/export?format=pdf").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn the_options_carry_the_mcc_catalogue_regions_and_statuses() {
    let op = operator().await;
    let (status, body) = op.get("/options").await;
    assert_eq!(status, 200);
    let data = &body["data"];
    assert!(
        data["mcc"].as_array().unwrap().len() >= 10,
        "{}",
        data["mcc"]
    );
    assert!(data["regions"].as_array().unwrap().len() >= 31);
    assert_eq!(data["statuses"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn every_route_of_the_contract_is_mounted_and_documented() {
    let op = operator().await;
    let routes = [
        ("get", ""),
        ("get", "/options"),
        ("get", "/export"),
        ("post", "/apply"),
        ("get", "/{id}"),
        ("patch", "/{id}"),
        ("get", "/{id}/images/{field}"),
        ("get", "/{id}/events"),
        ("post", "/{id}/query"),
        ("post", "/{id}/resume"),
        ("post", "/{id}/cancel"),
        ("post", "/{id}/reapply"),
    ];
    let response = op.app.get("/api/openapi.json", None).await;
    let document: Value = response.json().await.unwrap();
    for (method, path) in routes {
        let full = format!("{BASE}{path}");
        assert!(
            document["paths"][&full][method].is_object(),
            "{method} {full} is not documented"
        );
        let concrete = full
            .replace("{id}", "999999")
            .replace("{field}", "shop_scene_pic");
        let request = match method {
            "get" => op.app.client.get(op.app.url(&concrete)),
            "post" => op.app.client.post(op.app.url(&concrete)),
            _ => op.app.client.patch(op.app.url(&concrete)),
        };
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            401,
            "{method} {concrete}: mounted routes ask for a login"
        );
    }
    assert!(document["tags"].to_string().contains("当面付开通"));
}
