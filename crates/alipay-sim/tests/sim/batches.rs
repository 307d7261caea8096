//! Batch semantics over HTTP: init → submit | cancel | timeout, and the business checks.

use xjz_alipay_sim::{BatchStatus, SimConfig};

use crate::helpers::*;

#[tokio::test]
async fn create_sign_confirm_returns_an_order_no_and_submits_the_batch() {
    let sim = TestSim::start().await;
    let batch_no = sim.signed_batch("merchant01@example.com").await;

    let answer = sim.call(CONFIRM, &batch_biz(&batch_no)).await;

    let node = answer.verified();
    assert_eq!(node["code"], "10000");
    assert!(!node["order_no"].as_str().unwrap().is_empty());
    let batch = sim.handle.batch(&batch_no).unwrap();
    assert_eq!(batch.status, BatchStatus::Submit);
    let app = batch.application.unwrap();
    assert_eq!(app.mcc_code, "A0001_B0199");
    assert_eq!(app.images.get("shop_sign_board_pic"), Some(&6000));
}

#[tokio::test]
async fn create_checks_account_and_contact() {
    let sim = TestSim::start().await;
    let biz = |account: &str, name: &str, mobile: &str, email: &str| {
        serde_json::json!({"account": account, "contact_info": {
            "contact_name": name, "contact_mobile": mobile, "contact_email": email}})
        .to_string()
    };
    let cases = [
        (
            biz("m@example.com", "", "13800138000", "a@b.cn"),
            "INVALID_CONTACT_NAME",
        ),
        (
            biz("m@example.com", "张三", "12345", "a@b.cn"),
            "INVALID_CONTACT_MOBILE",
        ),
        (
            biz("m@example.com", "张三", "13800138000", "nope"),
            "INVALID_CONTACT_EMAIL",
        ),
        (
            biz("", "张三", "13800138000", "a@b.cn"),
            "INVALID_PARAMETER",
        ),
        (
            biz("nobody", "张三", "13800138000", "a@b.cn"),
            "MERCHANT_IS_NOT_EXIST",
        ),
        (
            r#"{"account":"m@example.com"}"#.to_owned(),
            "INVALID_PARAMETER",
        ),
        ("not json".to_owned(), "INVALID_PARAMETER"),
    ];
    for (biz, sub_code) in cases {
        let answer = sim.call(CREATE, &biz).await;
        assert_eq!(answer.code(), "40004", "{biz}");
        assert_eq!(answer.sub_code(), sub_code, "{biz}");
    }
    assert!(sim.handle.batches().is_empty());
}

#[tokio::test]
async fn facetoface_sign_checks_rate_mcc_fields_and_images() {
    let sim = TestSim::start().await;
    let batch_no = sim.create("m@example.com").await;
    let b = batch_no.as_str();
    let base = |rate: &'static str, mcc: &'static str| {
        vec![
            ("batch_no", b),
            ("mcc_code", mcc),
            ("rate", rate),
            ("sign_and_auth", "true"),
        ]
    };
    let image = |bytes: Vec<u8>| vec![("shop_scene_pic", bytes)];
    let cases = [
        (
            base("0.37", "A0001_B0199"),
            image(png(6000)),
            "FEERATE_NOT_INTERAVL",
        ),
        (
            base("0.61", "A0001_B0199"),
            image(png(6000)),
            "FEERATE_NOT_INTERAVL",
        ),
        (
            base("abc", "A0001_B0199"),
            image(png(6000)),
            "INVALID_PARAMETER",
        ),
        (base("0.38", "5812"), image(png(6000)), "INVALID_PARAMETER"),
        (
            base("0.38", "A0001_B0199"),
            image(png(5119)),
            "FILE_SIZE_MIN_LIMIT",
        ),
        (
            base("0.38", "A0001_B0199"),
            image(png(5 * 1024 * 1024 + 1)),
            "FILE_SIZE_OUT_LIMIT",
        ),
        (
            base("0.38", "A0001_B0199"),
            image(vec![b'x'; 8000]),
            "FILE_FORMAT_IS_INVALID",
        ),
        (
            vec![
                ("batch_no", b),
                ("mcc_code", "A0001_B0199"),
                ("sign_and_auth", "true"),
            ],
            image(png(6000)),
            "INVALID_PARAMETER",
        ),
    ];
    for (fields, files, sub_code) in cases {
        let answer = sim.sign_multipart(&fields, &files).await;
        assert_eq!(answer.code(), "40004", "{fields:?}");
        assert_eq!(answer.sub_code(), sub_code, "{fields:?}");
    }
    // None of them attached anything: confirm finds the batch empty.
    let answer = sim.call(CONFIRM, &batch_biz(b)).await;
    assert_eq!(answer.sub_code(), "BATCH_IS_EMPTY");
    // Rate at both ends of the interval is fine, and a jpeg/gif/bmp too.
    for (rate, magic) in [
        ("0.38", &b"\xFF\xD8\xFF\xE0"[..]),
        ("0.6", b"GIF89a"),
        ("0.60", b"BM"),
    ] {
        let mut img = magic.to_vec();
        img.resize(6000, 0);
        let answer = sim
            .sign_multipart(&base(rate, "A0001_B0199"), &[("shop_scene_pic", img)])
            .await;
        assert!(answer.is_success(), "{rate}: {}", answer.body);
    }
}

#[tokio::test]
async fn batch_calls_on_missing_batches_get_the_batch_sub_codes() {
    let sim = TestSim::start().await;
    for method in [CONFIRM, QUERY, CANCEL] {
        assert_eq!(
            sim.call(method, &batch_biz("20240101000000000000000009"))
                .await
                .sub_code(),
            "BATCH_IS_NOT_EXIST"
        );
        assert_eq!(
            sim.call(method, &batch_biz("")).await.sub_code(),
            "INVALID_BATCH_NO"
        );
    }
    let answer = sim
        .sign_multipart(
            &[
                ("batch_no", "20240101000000000000000009"),
                ("mcc_code", "A0001_B0199"),
            ],
            &[],
        )
        .await;
    assert_eq!(answer.sub_code(), "BATCH_IS_NOT_EXIST");
}

#[tokio::test]
async fn a_submitted_batch_is_final_and_only_a_submitted_one_can_be_queried() {
    let sim = TestSim::start().await;
    let batch_no = sim.signed_batch("m@example.com").await;
    assert_eq!(
        sim.call(QUERY, &batch_biz(&batch_no)).await.sub_code(),
        "BATCH_STATUS_NOT_SUBMIT"
    );
    assert!(sim.call(CONFIRM, &batch_biz(&batch_no)).await.is_success());
    assert_eq!(
        sim.call(CONFIRM, &batch_biz(&batch_no)).await.sub_code(),
        "BATCH_STATUS_IS_FINAL"
    );
    assert_eq!(
        sim.call(CANCEL, &batch_biz(&batch_no)).await.sub_code(),
        "BATCH_STATUS_IS_FINAL"
    );
    let again = sim
        .sign_multipart(
            &[("batch_no", batch_no.as_str()), ("mcc_code", "A0001_B0199")],
            &[],
        )
        .await;
    assert_eq!(again.sub_code(), "BATCH_STATUS_IS_FINAL");
}

#[tokio::test]
async fn a_cancelled_batch_is_final_and_never_submitted() {
    let sim = TestSim::start().await;
    let batch_no = sim.signed_batch("m@example.com").await;
    assert!(sim.call(CANCEL, &batch_biz(&batch_no)).await.is_success());
    assert_eq!(
        sim.handle.batch(&batch_no).unwrap().status,
        BatchStatus::Cancel
    );
    assert_eq!(
        sim.call(CONFIRM, &batch_biz(&batch_no)).await.sub_code(),
        "BATCH_STATUS_IS_FINAL"
    );
    assert_eq!(
        sim.call(QUERY, &batch_biz(&batch_no)).await.sub_code(),
        "BATCH_STATUS_NOT_SUBMIT"
    );
}

#[tokio::test]
async fn an_unconfirmed_batch_times_out_after_one_hour() {
    let sim = TestSim::start().await;
    let batch_no = sim.signed_batch("m@example.com").await;
    sim.handle.advance_clock(3599);
    assert_eq!(
        sim.handle.batch(&batch_no).unwrap().status,
        BatchStatus::Init
    );
    sim.handle.advance_clock(1);
    assert_eq!(
        sim.call(CONFIRM, &batch_biz(&batch_no)).await.sub_code(),
        "BATCH_STATUS_IS_FINAL"
    );
    assert_eq!(
        sim.handle.batch(&batch_no).unwrap().status,
        BatchStatus::Timeout
    );
    assert_eq!(
        sim.call(QUERY, &batch_biz(&batch_no)).await.sub_code(),
        "BATCH_STATUS_NOT_SUBMIT"
    );
}

#[tokio::test]
async fn the_batch_expiry_is_configurable() {
    let sim = TestSim::start_with(SimConfig {
        batch_expiry: std::time::Duration::from_secs(1),
        ..SimConfig::default()
    })
    .await;
    let batch_no = sim.create("m@example.com").await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let answer = sim
        .sign_multipart(
            &[("batch_no", batch_no.as_str()), ("mcc_code", "A0001_B0199")],
            &[],
        )
        .await;
    assert_eq!(answer.sub_code(), "BATCH_STATUS_IS_FINAL");
    assert_eq!(
        sim.handle.batch(&batch_no).unwrap().status,
        BatchStatus::Timeout
    );
}

#[tokio::test]
async fn facetoface_sign_without_files_may_come_form_urlencoded() {
    // The SDKs fall back to a form body when no image is attached.
    let sim = TestSim::start().await;
    let batch_no = sim.create("m@example.com").await;
    let answer = sim
        .call_params(
            SIGN,
            &[
                ("batch_no", &batch_no),
                ("mcc_code", "A_A03_4582"),
                ("rate", "0.45"),
            ],
        )
        .await;
    assert!(answer.is_success(), "{}", answer.body);
    let app = sim.handle.batch(&batch_no).unwrap().application.unwrap();
    assert_eq!(app.rate.as_deref(), Some("0.45"));
    assert!(app.images.is_empty());
}

#[tokio::test]
async fn facetoface_sign_with_biz_content_instead_of_fields_is_refused() {
    let sim = TestSim::start().await;
    let batch_no = sim.create("m@example.com").await;
    let biz = serde_json::json!({"batch_no": batch_no, "mcc_code": "A0001_B0199"}).to_string();
    let answer = sim.call(SIGN, &biz).await;
    assert_eq!(answer.sub_code(), "INVALID_BATCH_NO");
}
