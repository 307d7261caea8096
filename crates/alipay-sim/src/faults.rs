//! Fault injection: rules that make the gateway misbehave, each for a probability of the
//! calls or for the next N calls, optionally only for one method.
//!
//! When the work happens: `latency` delays and then answers normally; `no_answer`,
//! `http_error`, `business_error` and `rate_limited` answer instead of doing the work;
//! `malformed_body`, `bad_signature` and `unsigned` do the work and spoil the answer (the
//! client cannot trust it, yet the batch did advance); `lost_reply` does the work and never
//! answers (the client sees a timeout).

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One kind of misbehaviour. JSON: `{"kind":"latency","ms":300}`, `{"kind":"no_answer"}`, …
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait `ms` milliseconds, then answer normally.
    Latency { ms: u64 },
    /// Hold the connection open without answering (until the simulator's hang time passes).
    NoAnswer,
    /// Answer with this HTTP status (default 502) and an HTML body.
    HttpError {
        #[serde(default = "default_http_status")]
        status: u16,
    },
    /// Do the work, answer with a truncated, unparsable body.
    MalformedBody,
    /// Do the work, answer with a signature that does not verify.
    BadSignature,
    /// Do the work, answer without `sign`.
    Unsigned,
    /// Answer with this (signed) error instead of doing the work.
    BusinessError {
        #[serde(default = "default_business_code")]
        code: String,
        #[serde(default = "default_business_msg")]
        msg: String,
        #[serde(default = "default_business_sub_code")]
        sub_code: String,
        #[serde(default = "default_business_sub_msg")]
        sub_msg: String,
    },
    /// Answer 40005 `isv.app-call-limited` (signed) instead of doing the work.
    RateLimited,
    /// Do the work, then never answer.
    LostReply,
}

fn default_http_status() -> u16 {
    502
}
fn default_business_code() -> String {
    "40004".to_owned()
}
fn default_business_msg() -> String {
    "Business Failed".to_owned()
}
fn default_business_sub_code() -> String {
    "SYSTEM_ERROR".to_owned()
}
fn default_business_sub_msg() -> String {
    "系统繁忙，请稍后再试".to_owned()
}

/// A rule as the admin API takes it: the fault, an optional method filter, and either a
/// probability (0–1) or a count of calls. Neither means every matching call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultSpec {
    pub fault: FaultKind,
    /// e.g. `alipay.open.agent.order.query`; absent: every method.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub probability: Option<f64>,
    #[serde(default)]
    pub count: Option<u32>,
}

/// Why a fault rule was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FaultSpecError {
    #[error("give either probability or count, not both")]
    BothTriggers,
    #[error("probability must be between 0 and 1")]
    BadProbability,
    #[error("count must be at least 1")]
    ZeroCount,
}

impl FaultSpec {
    /// The fault for every call of `method`.
    pub fn always(fault: FaultKind, method: Option<&str>) -> Self {
        Self {
            fault,
            method: method.map(str::to_owned),
            probability: None,
            count: None,
        }
    }

    /// The fault for the next `count` calls of `method`.
    pub fn next(count: u32, fault: FaultKind, method: Option<&str>) -> Self {
        Self {
            count: Some(count),
            ..Self::always(fault, method)
        }
    }

    /// Checks the trigger fields.
    ///
    /// # Errors
    /// When both triggers are given, the probability is outside 0–1, or the count is 0.
    pub fn validate(&self) -> Result<(), FaultSpecError> {
        match (self.probability, self.count) {
            (Some(_), Some(_)) => Err(FaultSpecError::BothTriggers),
            (Some(p), None) if !(0.0..=1.0).contains(&p) => Err(FaultSpecError::BadProbability),
            (None, Some(0)) => Err(FaultSpecError::ZeroCount),
            _ => Ok(()),
        }
    }
}

/// An installed rule, as the admin API lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActiveFault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Calls left for a counted rule.
    pub remaining: Option<u32>,
    /// How many calls this rule has spoiled so far.
    pub fired: u64,
}

#[derive(Debug, Default)]
struct Rules {
    next_id: u64,
    active: Vec<ActiveFault>,
}

/// The installed rules. The first rule that matches and triggers wins.
#[derive(Debug, Default)]
pub struct FaultBook {
    rules: Mutex<Rules>,
}

impl FaultBook {
    fn lock(&self) -> std::sync::MutexGuard<'_, Rules> {
        self.rules
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Installs a rule and returns its id.
    ///
    /// # Errors
    /// When [`FaultSpec::validate`] refuses it.
    pub fn add(&self, spec: FaultSpec) -> Result<u64, FaultSpecError> {
        spec.validate()?;
        let mut rules = self.lock();
        rules.next_id += 1;
        let id = rules.next_id;
        let remaining = spec.count;
        rules.active.push(ActiveFault {
            id,
            spec,
            remaining,
            fired: 0,
        });
        Ok(id)
    }

    /// Removes one rule; false when there was none with that id.
    pub fn remove(&self, id: u64) -> bool {
        let mut rules = self.lock();
        let before = rules.active.len();
        rules.active.retain(|r| r.id != id);
        rules.active.len() != before
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().active.clear();
    }

    /// The installed rules.
    pub fn list(&self) -> Vec<ActiveFault> {
        self.lock().active.clone()
    }

    /// Decides whether this call of `method` is spoiled, and how. Counted rules are used up
    /// (and removed once spent).
    pub fn pick(&self, method: &str) -> Option<FaultKind> {
        let mut rules = self.lock();
        if rules.active.is_empty() {
            return None;
        }
        let mut chosen = None;
        for rule in &mut rules.active {
            if rule.spec.method.as_deref().is_some_and(|m| m != method) {
                continue;
            }
            let fires = match (rule.remaining, rule.spec.probability) {
                (Some(0), _) => false,
                (Some(n), _) => {
                    rule.remaining = Some(n - 1);
                    true
                }
                (None, Some(p)) => fastrand::f64() < p,
                (None, None) => true,
            };
            if fires {
                rule.fired += 1;
                chosen = Some(rule.spec.fault.clone());
                break;
            }
        }
        rules.active.retain(|r| r.remaining != Some(0));
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUERY: &str = "alipay.open.agent.order.query";
    const CREATE: &str = "alipay.open.agent.create";

    #[test]
    fn a_counted_rule_fires_for_exactly_the_next_n_matching_calls() {
        let book = FaultBook::default();
        book.add(FaultSpec::next(2, FaultKind::RateLimited, Some(QUERY)))
            .unwrap();
        assert_eq!(book.pick(CREATE), None);
        assert_eq!(book.pick(QUERY), Some(FaultKind::RateLimited));
        assert_eq!(book.pick(QUERY), Some(FaultKind::RateLimited));
        assert_eq!(book.pick(QUERY), None);
        assert!(book.list().is_empty());
    }

    #[test]
    fn probability_zero_never_fires_and_one_always_does() {
        let book = FaultBook::default();
        let never = FaultSpec {
            probability: Some(0.0),
            ..FaultSpec::always(FaultKind::Unsigned, None)
        };
        book.add(never).unwrap();
        assert!((0..100).all(|_| book.pick(QUERY).is_none()));
        let always = FaultSpec {
            probability: Some(1.0),
            ..FaultSpec::always(FaultKind::BadSignature, None)
        };
        book.add(always).unwrap();
        assert!((0..100).all(|_| book.pick(QUERY) == Some(FaultKind::BadSignature)));
    }

    #[test]
    fn a_half_probability_fires_about_half_the_time() {
        let book = FaultBook::default();
        let spec = FaultSpec {
            probability: Some(0.5),
            ..FaultSpec::always(FaultKind::NoAnswer, None)
        };
        book.add(spec).unwrap();
        let fired = (0..2000).filter(|_| book.pick(QUERY).is_some()).count();
        assert!((800..1200).contains(&fired), "fired {fired} of 2000");
    }

    #[test]
    fn bad_triggers_are_refused() {
        let book = FaultBook::default();
        let both = FaultSpec {
            probability: Some(0.5),
            count: Some(1),
            ..FaultSpec::always(FaultKind::Unsigned, None)
        };
        assert_eq!(book.add(both), Err(FaultSpecError::BothTriggers));
        let big = FaultSpec {
            probability: Some(1.5),
            ..FaultSpec::always(FaultKind::Unsigned, None)
        };
        assert_eq!(book.add(big), Err(FaultSpecError::BadProbability));
        assert_eq!(
            book.add(FaultSpec::next(0, FaultKind::Unsigned, None)),
            Err(FaultSpecError::ZeroCount)
        );
    }

    #[test]
    fn fault_json_uses_a_kind_tag_with_defaults() {
        let spec: FaultSpec = serde_json::from_str(
            r#"{"fault":{"kind":"business_error","sub_code":"BIZ_ERROR"},"count":1}"#,
        )
        .unwrap();
        assert_eq!(
            spec.fault,
            FaultKind::BusinessError {
                code: "40004".into(),
                msg: "Business Failed".into(),
                sub_code: "BIZ_ERROR".into(),
                sub_msg: "系统繁忙，请稍后再试".into()
            }
        );
        let http: FaultKind = serde_json::from_str(r#"{"kind":"http_error"}"#).unwrap();
        assert_eq!(http, FaultKind::HttpError { status: 502 });
    }
}
