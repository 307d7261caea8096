//! The admin API: counters, batches, clock, reset.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn counters_count_calls_by_method_and_by_batch() {
    let sim = TestSim::start().await;
    let (batch_no, _) = sim.submitted_batch("m@example.com").await;
    for _ in 0..3 {
        sim.query(&batch_no).await;
    }
    let (status, counters) = sim.admin(Method::GET, "/counters", None).await;
    assert_eq!(status, 200);
    assert_eq!(counters["by_method"][QUERY], 3);
    assert_eq!(counters["by_method"][CREATE], 1);
    assert_eq!(counters["by_batch"][&batch_no][QUERY], 3);
    assert_eq!(counters["by_batch"][&batch_no][SIGN], 1);
    assert_eq!(counters["by_batch"][&batch_no][CONFIRM], 1);
    assert_eq!(counters["total"], 6);

    let (status, _) = sim.admin(Method::DELETE, "/counters", None).await;
    assert_eq!(status, 204);
    assert_eq!(sim.handle.counters().total, 0);
}

#[tokio::test]
async fn batches_can_be_read_and_the_clock_advanced() {
    let sim = TestSim::start().await;
    let batch_no = sim.create("m@example.com").await;
    let (status, batch) = sim
        .admin(Method::GET, &format!("/batches/{batch_no}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(batch["status"], "init");
    let (status, _) = sim.admin(Method::GET, "/batches/nope", None).await;
    assert_eq!(status, 404);

    let (status, body) = sim
        .admin(Method::POST, "/clock/advance", Some(json!({"secs": 3600})))
        .await;
    assert_eq!(status, 200);
    assert!(body["offset_ms"].as_i64().unwrap() >= 3_600_000);
    let (_, batches) = sim.admin(Method::GET, "/batches", None).await;
    assert_eq!(batches[0]["status"], "timeout");
}

#[tokio::test]
async fn reset_forgets_batches_faults_counters_and_scenarios() {
    let sim = TestSim::start().await;
    let batch_no = sim.create("m@example.com").await;
    sim.admin(Method::PUT, "/scenario", Some(json!({"kind": "hold"})))
        .await;
    sim.admin(
        Method::POST,
        "/faults",
        Some(json!({"fault": {"kind": "rate_limited"}, "method": QUERY})),
    )
    .await;

    let (status, _) = sim.admin(Method::POST, "/reset", None).await;

    assert_eq!(status, 204);
    assert!(sim.handle.batch(&batch_no).is_none());
    assert!(sim.handle.faults().is_empty());
    let (_, scenario) = sim.admin(Method::GET, "/scenario", None).await;
    assert_eq!(scenario["kind"], "approve");
    // The reset call itself is not a gateway call.
    assert_eq!(sim.handle.counters().total, 0);
    let (status, health) = sim.admin(Method::GET, "/health", None).await;
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
}
