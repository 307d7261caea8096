//! RSA2 signing and verification throughput (2048-bit keys of vectors.json), to compare
//! with `openssl speed rsa2048` on the same machine in the same run (docs/performance.md).
//!
//! Two clocks: `rsa2048_cpu/*` counts this thread's CPU time, as `openssl speed` does by
//! default (user time), so the comparison holds on a shared, busy machine; `rsa2048_wall/*`
//! is criterion's usual wall clock, to compare with `openssl speed -elapsed` on an idle one.
//!
//! Run: `cargo bench -p xjz-alipay-protocol --bench rsa2` (`just bench` runs every bench).

#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use cpu_time::ThreadTime;
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use xjz_alipay_protocol::{
    AlipayPublicKey, AppPrivateKey, KeyRole, RsaPrivateKey, Signer, Verifier, verify_response,
};

/// Criterion measurement by the current thread's CPU time.
struct ThreadCpuTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = ThreadTime;
    type Value = Duration;

    fn start(&self) -> ThreadTime {
        ThreadTime::now()
    }
    fn end(&self, started: ThreadTime) -> Duration {
        started.elapsed()
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &NanosFormatter
    }
}

/// Values in nanoseconds; throughput in elements per (CPU) second.
struct NanosFormatter;

impl ValueFormatter for NanosFormatter {
    fn scale_values(&self, _typical: f64, values: &mut [f64]) -> &'static str {
        for v in values.iter_mut() {
            *v /= 1_000.0;
        }
        "µs (cpu)"
    }
    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per = match *throughput {
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) | Throughput::Elements(n) => n,
        } as f64;
        for v in values.iter_mut() {
            *v = per * 1e9 / *v;
        }
        "elem/s (cpu)"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

struct Fixture {
    app: AppPrivateKey,
    alipay_public: AlipayPublicKey,
    content: String,
    sign: String,
    body: String,
}

fn fixture() -> Fixture {
    let v: Value = serde_json::from_str(include_str!("../tests/fixtures/vectors.json")).unwrap();
    let text = |p: &Value| p.as_str().unwrap().to_owned();
    let app = AppPrivateKey::parse(&text(&v["keys"]["app"]["private_key_pkcs8_base64"])).unwrap();
    let alipay_private = RsaPrivateKey::parse(
        &text(&v["keys"]["alipay"]["private_key_pkcs8_base64"]),
        KeyRole::AlipayPrivateKey,
    )
    .unwrap();
    let alipay_public =
        AlipayPublicKey::parse(&text(&v["keys"]["alipay"]["public_key_spki_base64"])).unwrap();
    let content = text(&v["sign_content"][0]["expected_sign_content"]);
    let sign = alipay_private.sign(content.as_bytes()).unwrap();
    let body = text(&v["response_verify"][0]["body"]);
    Fixture {
        app,
        alipay_public,
        content,
        sign,
        body,
    }
}

fn run<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let f = fixture();
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign", |b| {
        b.iter(|| f.app.sign(black_box(f.content.as_bytes())).unwrap());
    });
    group.bench_function("verify", |b| {
        b.iter(|| {
            f.alipay_public
                .verify(black_box(f.content.as_bytes()), black_box(&f.sign))
                .unwrap();
        });
    });
    group.bench_function("verify_response", |b| {
        b.iter(|| {
            verify_response(
                black_box(&f.body),
                "alipay.open.agent.create",
                &f.alipay_public,
            )
            .is_verified()
        });
    });
    group.finish();
}

fn cpu(c: &mut Criterion<ThreadCpuTime>) {
    run(c, "rsa2048_cpu");
}

fn wall(c: &mut Criterion) {
    run(c, "rsa2048_wall");
}

criterion_group! {
    name = by_cpu_time;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = cpu
}
criterion_group!(by_wall_time, wall);
criterion_main!(by_cpu_time, by_wall_time);
