//! Throughput of `alipay.open.agent.order.query` against an in-process simulator over
//! loopback HTTP, every answer signed by the simulator and verified by the client.
//!
//! Run (outside CI): `cargo bench -p xjz-alipay-sim --bench order_query`.
//! Knobs: `SIM_BENCH_SECS` (default 10), `SIM_BENCH_CONCURRENCY` (default 32),
//! `SIM_BENCH_BATCHES` (default 200), `SIM_BENCH_WORKERS` (simulator threads, default 2).
//!
//! The client pre-signs one request per batch (RSA2 request signatures are deterministic and
//! the simulator does not reject replays), so the client's CPU goes to HTTP and to verifying
//! the answers, not to signing; the figure measures the simulator's cost per answer.

// A benchmark binary: it reports on stdout and panics on a broken set-up.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use xjz_alipay_protocol::{
    AppPrivateKey, GatewayRequest, KeyRole, ResponseVerdict, RsaPublicKey, china_timestamp,
    methods, verify_response,
};
use xjz_alipay_sim::{SimConfig, Simulator, test_keys};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Prepared {
    url: String,
    body: String,
}

async fn call(
    client: &reqwest::Client,
    gateway: &str,
    key: &AppPrivateKey,
    method: &str,
    params: &[(&str, &str)],
) -> String {
    let timestamp = china_timestamp(chrono::Utc::now());
    let mut request = GatewayRequest::new(test_keys::APP_ID, method, &timestamp);
    for (k, v) in params {
        request = request.param(k, v);
    }
    let signed = request.sign(key).unwrap();
    let mut form = reqwest::multipart::Form::new();
    let builder = client.post(format!("{gateway}?{}", signed.query_string()));
    let builder = if method == methods::FACETOFACE_SIGN {
        for (k, v) in signed.body_params() {
            form = form.text(k.to_string(), v.to_string());
        }
        builder.multipart(form)
    } else {
        builder
            .header(
                "content-type",
                "application/x-www-form-urlencoded;charset=utf-8",
            )
            .body(signed.form_body())
    };
    builder.send().await.unwrap().text().await.unwrap()
}

fn node(body: &str, method: &str, key: &RsaPublicKey) -> serde_json::Value {
    let verdict = verify_response(body, method, key);
    let node = verdict.verified().unwrap_or_else(|| panic!("{verdict:?}"));
    serde_json::from_str(node.content).unwrap()
}

/// CPU seconds used so far by this process's threads, split into (simulator HTTP workers,
/// everything else), from /proc (Linux; clock ticks of 1/100 s, `getconf CLK_TCK`).
fn cpu_split() -> (f64, f64) {
    let mut server = 0u64;
    let mut other = 0u64;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return (0.0, 0.0);
    };
    for task in tasks.flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // Fields after the ")" that closes the command name: utime is the 12th, stime the 13th.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = [11, 12]
            .iter()
            .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
            .sum();
        if comm.starts_with("actix") {
            server += ticks;
        } else {
            other += ticks;
        }
    }
    (server as f64 / 100.0, other as f64 / 100.0)
}

/// CPU seconds used so far by the calling thread (Linux, 1/100 s ticks).
fn thread_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    ticks as f64 / 100.0
}

/// One thread signing a typical order.query node for 2 s: (signatures per wall second,
/// CPU µs per signature). The CPU figure is the floor of the simulator's cost per answer.
fn rsa_floor() -> (f64, f64) {
    use xjz_alipay_protocol::Signer as _;
    let key = xjz_alipay_protocol::RsaPrivateKey::parse(
        test_keys::ALIPAY_PRIVATE_KEY_PEM,
        KeyRole::AlipayPrivateKey,
    )
    .unwrap();
    let node = r#"{"code":"10000","msg":"Success","order_no":"20240520000000000000021","order_status":"MERCHANT_CONFIRM_SUCCESS","merchant_pid":"2088000000000021","product_agent_status_infos":[{"product_code":"FACE_TO_FACE_PAYMENT","product_name":"当面付","status":"valid"}]}"#;
    let cpu = thread_cpu();
    let started = Instant::now();
    let mut n = 0u32;
    while started.elapsed() < Duration::from_secs(2) {
        key.sign(node.as_bytes()).unwrap();
        n += 1;
    }
    let per_sec = f64::from(n) / started.elapsed().as_secs_f64();
    (per_sec, (thread_cpu() - cpu) / f64::from(n) * 1e6)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // reqwest is built without a default TLS provider (rustls-no-provider).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (signs_per_sec, sign_cpu_us) = rsa_floor();
    println!(
        "RSA-2048 signing, one thread: {signs_per_sec:.0} signatures/s wall, {sign_cpu_us:.0} µs CPU each"
    );
    let secs: u64 = env_or("SIM_BENCH_SECS", 10);
    let concurrency: usize = env_or("SIM_BENCH_CONCURRENCY", 32);
    let batches: usize = env_or("SIM_BENCH_BATCHES", 200);
    let workers: usize = env_or("SIM_BENCH_WORKERS", 2);

    let sim = Simulator::start(SimConfig {
        workers,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let gateway = sim.gateway_url();
    let app_key = AppPrivateKey::parse(test_keys::APP_PRIVATE_KEY_PEM).unwrap();
    let alipay_key =
        RsaPublicKey::parse(test_keys::ALIPAY_PUBLIC_KEY_PEM, KeyRole::AlipayPublicKey).unwrap();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();

    // Set-up: submitted batches to query.
    let mut prepared = Vec::with_capacity(batches);
    for i in 0..batches {
        let biz = serde_json::json!({"account": format!("bench{i}@example.com"),
            "contact_info": {"contact_name": "张三", "contact_mobile": "13800138000"}})
        .to_string();
        let created = call(
            &client,
            &gateway,
            &app_key,
            methods::CREATE,
            &[("biz_content", &biz)],
        )
        .await;
        let batch_no = node(&created, methods::CREATE, &alipay_key)["batch_no"]
            .as_str()
            .unwrap()
            .to_owned();
        let signed = call(
            &client,
            &gateway,
            &app_key,
            methods::FACETOFACE_SIGN,
            &[
                ("batch_no", &batch_no),
                ("mcc_code", "A0001_B0199"),
                ("rate", "0.38"),
            ],
        )
        .await;
        assert_eq!(
            node(&signed, methods::FACETOFACE_SIGN, &alipay_key)["code"],
            "10000"
        );
        let biz = serde_json::json!({ "batch_no": batch_no }).to_string();
        let confirmed = call(
            &client,
            &gateway,
            &app_key,
            methods::CONFIRM,
            &[("biz_content", &biz)],
        )
        .await;
        assert_eq!(
            node(&confirmed, methods::CONFIRM, &alipay_key)["code"],
            "10000"
        );
        let timestamp = china_timestamp(chrono::Utc::now());
        let query = GatewayRequest::new(test_keys::APP_ID, methods::ORDER_QUERY, &timestamp)
            .biz_content(&biz)
            .sign(&app_key)
            .unwrap();
        prepared.push(Prepared {
            url: format!("{gateway}?{}", query.query_string()),
            body: query.form_body(),
        });
    }
    sim.reset_counters();
    let prepared = Arc::new(prepared);
    let alipay_key = Arc::new(alipay_key);

    // The measured run.
    let done = Arc::new(AtomicU64::new(0));
    let bad = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let cpu_before = cpu_split();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let (client, prepared, key) = (client.clone(), prepared.clone(), alipay_key.clone());
        let (done, bad) = (done.clone(), bad.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = t;
            while Instant::now() < deadline {
                let p = &prepared[i % prepared.len()];
                i += concurrency;
                let sent = Instant::now();
                let body = client
                    .post(&p.url)
                    .header(
                        "content-type",
                        "application/x-www-form-urlencoded;charset=utf-8",
                    )
                    .body(p.body.clone())
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                latencies.push(sent.elapsed());
                match verify_response(&body, methods::ORDER_QUERY, key.as_ref()) {
                    ResponseVerdict::Success(_) => done.fetch_add(1, Ordering::Relaxed),
                    _ => bad.fetch_add(1, Ordering::Relaxed),
                };
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    let cpu_after = cpu_split();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let ok = done.load(Ordering::Relaxed);
    let counted = sim.counters().method_calls(methods::ORDER_QUERY);
    println!(
        "order.query: {ok} verified answers in {:.2} s = {:.0} calls/s (concurrency {concurrency}, {workers} simulator workers, {batches} batches); p50 {:.2} ms, p99 {:.2} ms; bad answers {}; simulator counted {counted}",
        elapsed.as_secs_f64(),
        ok as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        bad.load(Ordering::Relaxed),
    );
    let server_cpu = cpu_after.0 - cpu_before.0;
    let client_cpu = cpu_after.1 - cpu_before.1;
    if ok > 0 && server_cpu > 0.0 {
        let per_call_us = server_cpu / ok as f64 * 1e6;
        println!(
            "CPU: simulator workers {server_cpu:.2} s = {per_call_us:.0} µs per answer (capacity {:.0} answers/s per core, {:.0} on 2 dedicated cores); client {client_cpu:.2} s; load average at end: {}",
            1e6 / per_call_us,
            2e6 / per_call_us,
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .trim(),
        );
    }
    assert_eq!(bad.load(Ordering::Relaxed), 0, "every answer must verify");
    assert_eq!(counted, ok, "the simulator counted every call");
    sim.stop().await;
}
