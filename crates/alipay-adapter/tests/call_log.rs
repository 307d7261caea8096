//! One log line per call: method, batch_no, outcome, latency; never keys, signatures or the
//! merchant's personal data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::{Reply, StubGateway, details, gateway, signed};
use xjz_domain::ports::AgentGateway;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_call_logs_one_line_without_secrets_or_personal_data() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let created = signed(
        "alipay_open_agent_create_response",
        r#"{"code":"10000","msg":"Success","batch_no":"B123","batch_status":"init"}"#,
    );
    let refused = signed(
        "alipay_open_agent_confirm_response",
        r#"{"code":"40004","msg":"Business Failed","sub_code":"BATCH_IS_NOT_EXIST","sub_msg":"事务不存在"}"#,
    );
    let stub = StubGateway::start(move |req| {
        if req.query_param("method") == Some("alipay.open.agent.create") {
            Reply::ok(created.clone())
        } else {
            Reply::ok(refused.clone())
        }
    })
    .await;
    let gw = gateway(&stub.url, Duration::from_secs(5), Duration::from_secs(5));
    gw.create(&details()).await.unwrap();
    gw.confirm("B123").await.unwrap_err();

    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("alipay call")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains("INFO"), "{}", lines[0]);
    assert!(
        lines[0].contains("alipay.method=\"alipay.open.agent.create\""),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("batch_no=\"B123\""), "{}", lines[0]);
    assert!(lines[0].contains("outcome=\"success\""), "{}", lines[0]);
    assert!(lines[0].contains("latency_ms="), "{}", lines[0]);
    assert!(lines[1].contains("WARN"), "{}", lines[1]);
    assert!(lines[1].contains("outcome=\"business\""), "{}", lines[1]);
    assert!(
        lines[1].contains("sub_code=\"BATCH_IS_NOT_EXIST\""),
        "{}",
        lines[1]
    );
    let request = &stub.requests()[0];
    let sign = request.query_param("sign").unwrap();
    for secret_or_personal in [
        "merchant01@example.com",
        "13800138000",
        "张三",
        "zhangsan@example.com",
        &sign[..20],
        "PRIVATE KEY",
    ] {
        assert!(
            !text.contains(secret_or_personal),
            "{secret_or_personal} in log: {text}"
        );
    }
}
