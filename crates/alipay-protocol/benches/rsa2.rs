//! RSA2 signing and verification throughput (2048-bit keys of vectors.json), to compare
//! with `openssl speed rsa2048` on the same machine (docs/performance.md).
//!
//! Run: `cargo bench -p xjz-alipay-protocol --bench rsa2`.

#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use xjz_alipay_protocol::{
    AlipayPublicKey, AppPrivateKey, KeyRole, RsaPrivateKey, Signer, Verifier, verify_response,
};

fn bench(c: &mut Criterion) {
    let v: Value = serde_json::from_str(include_str!("../tests/fixtures/vectors.json")).unwrap();
    let app = AppPrivateKey::parse(
        v["keys"]["app"]["private_key_pkcs8_base64"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let alipay_private = RsaPrivateKey::parse(
        v["keys"]["alipay"]["private_key_pkcs8_base64"]
            .as_str()
            .unwrap(),
        KeyRole::AlipayPrivateKey,
    )
    .unwrap();
    let alipay_public = AlipayPublicKey::parse(
        v["keys"]["alipay"]["public_key_spki_base64"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let content = v["sign_content"][0]["expected_sign_content"]
        .as_str()
        .unwrap()
        .to_owned();
    let sign = alipay_private.sign(content.as_bytes()).unwrap();
    let body = v["response_verify"][0]["body"].as_str().unwrap().to_owned();

    let mut group = c.benchmark_group("rsa2048");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign", |b| {
        b.iter(|| app.sign(black_box(content.as_bytes())).unwrap());
    });
    group.bench_function("verify", |b| {
        b.iter(|| {
            alipay_public
                .verify(black_box(content.as_bytes()), black_box(&sign))
                .unwrap()
        });
    });
    group.bench_function("verify_response", |b| {
        b.iter(|| {
            verify_response(black_box(&body), "alipay.open.agent.create", &alipay_public)
                .is_verified()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
