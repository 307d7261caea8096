//! State kept in a file survives a restart.

use std::time::Duration;

use xjz_alipay_sim::{BatchStatus, Scenario, ScenarioKind, SimConfig, Simulator};

use crate::helpers::*;

#[tokio::test]
async fn batches_and_their_progress_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state_file = dir.path().join("data").join("alipay-sim.json");
    let config = SimConfig {
        state_file: Some(state_file.clone()),
        persist_every: Duration::from_millis(50),
        ..SimConfig::default()
    };

    // First life: one submitted batch queried once, one batch left in init.
    let sim = TestSim::start_with(config.clone()).await;
    let (submitted, order_no) = sim.submitted_batch("m@example.com").await;
    assert_eq!(
        sim.query(&submitted).await["order_status"],
        "MERCHANT_AUDITING"
    );
    let pending = sim.signed_batch("n@example.com").await;
    sim.handle
        .set_account_scenario("vip@example.com", Scenario::of(ScenarioKind::Hold));
    sim.handle
        .set_default_scenario(Scenario::of(ScenarioKind::Reject));
    sim.handle.stop().await;
    assert!(state_file.exists());

    // Second life: same file.
    let sim = TestSim::attach(Simulator::start(config.clone()).await.unwrap());
    let node = sim.query(&submitted).await;
    assert_eq!(node["order_status"], "MERCHANT_CONFIRM");
    assert_eq!(node["order_no"], order_no.as_str());
    assert!(sim.call(CONFIRM, &batch_biz(&pending)).await.is_success());
    // The account rule came back from the file; the default comes from the configuration.
    let (vip, _) = sim.submitted_batch("vip@example.com").await;
    assert_eq!(sim.query(&vip).await["order_status"], "MERCHANT_INFO_HOLD");
    assert_eq!(
        sim.handle.batch(&vip).unwrap().scenario.unwrap().kind,
        ScenarioKind::Hold
    );
    let (status, default) = sim.admin(reqwest::Method::GET, "/scenario", None).await;
    assert_eq!((status, default["kind"].as_str()), (200, Some("approve")));
    let fresh = sim.create("o@example.com").await;
    assert_ne!(fresh, submitted);
    assert_ne!(fresh, pending);
    sim.handle.stop().await;

    // Third life sees the second one's work too.
    let sim = TestSim::attach(Simulator::start(config).await.unwrap());
    assert_eq!(
        sim.handle.batch(&pending).unwrap().status,
        BatchStatus::Submit
    );
    assert_eq!(sim.handle.batches().len(), 4);
    sim.handle.stop().await;
}

#[tokio::test]
async fn changes_are_written_while_running_not_only_on_stop() {
    let dir = tempfile::tempdir().unwrap();
    let state_file = dir.path().join("sim.json");
    let sim = TestSim::start_with(SimConfig {
        state_file: Some(state_file.clone()),
        persist_every: Duration::from_millis(50),
        ..SimConfig::default()
    })
    .await;
    let batch_no = sim.create("m@example.com").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let text = loop {
        let text = std::fs::read_to_string(&state_file).unwrap_or_default();
        if text.contains(&batch_no) || std::time::Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert!(
        text.contains(&batch_no),
        "state file not written while running"
    );
    sim.handle.stop().await;
}

#[tokio::test]
async fn an_unreadable_state_file_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let state_file = dir.path().join("sim.json");
    std::fs::write(&state_file, "{ not state").unwrap();
    let result = Simulator::start(SimConfig {
        state_file: Some(state_file),
        ..SimConfig::default()
    })
    .await;
    assert!(result.is_err());
}
