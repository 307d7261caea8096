//! The admin JSON API under `/__sim` (same server as the gateway): scenarios, faults,
//! counters, batches, the clock and a reset. See docs/simulator.md for the routes.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::faults::FaultSpec;
use crate::scenario::Scenario;
use crate::sim::Sim;

/// Path prefix of the admin API.
pub const PREFIX: &str = "/__sim";

/// Registers the admin routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(PREFIX)
            .route("/health", web::get().to(health))
            .route("/counters", web::get().to(counters))
            .route("/counters", web::delete().to(reset_counters))
            .route("/faults", web::get().to(list_faults))
            .route("/faults", web::post().to(add_fault))
            .route("/faults", web::delete().to(clear_faults))
            .route("/faults/{id}", web::delete().to(remove_fault))
            .route("/scenario", web::get().to(get_scenario))
            .route("/scenario", web::put().to(put_scenario))
            .route(
                "/scenario/accounts/{account}",
                web::put().to(put_account_scenario),
            )
            .route(
                "/scenario/accounts/{account}",
                web::delete().to(delete_account_scenario),
            )
            .route("/batches", web::get().to(list_batches))
            .route("/batches/{batch_no}", web::get().to(get_batch))
            .route(
                "/batches/{batch_no}/scenario",
                web::put().to(put_batch_scenario),
            )
            .route("/batches/{batch_no}/advance", web::post().to(advance_batch))
            .route("/clock/advance", web::post().to(advance_clock))
            .route("/reset", web::post().to(reset)),
    );
}

#[derive(Serialize)]
struct Problem<'a> {
    error: &'a str,
}

fn not_found(what: &str) -> HttpResponse {
    HttpResponse::NotFound().json(Problem { error: what })
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

async fn counters(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(sim.counters.snapshot())
}

async fn reset_counters(sim: web::Data<Sim>) -> HttpResponse {
    sim.counters.reset();
    HttpResponse::NoContent().finish()
}

async fn list_faults(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(sim.faults.list())
}

async fn add_fault(sim: web::Data<Sim>, spec: web::Json<FaultSpec>) -> HttpResponse {
    match sim.faults.add(spec.into_inner()) {
        Ok(id) => HttpResponse::Created().json(serde_json::json!({ "id": id })),
        Err(e) => HttpResponse::BadRequest().json(Problem {
            error: &e.to_string(),
        }),
    }
}

async fn clear_faults(sim: web::Data<Sim>) -> HttpResponse {
    sim.faults.clear();
    HttpResponse::NoContent().finish()
}

async fn remove_fault(sim: web::Data<Sim>, id: web::Path<u64>) -> HttpResponse {
    if sim.faults.remove(id.into_inner()) {
        HttpResponse::NoContent().finish()
    } else {
        not_found("no such fault")
    }
}

async fn get_scenario(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(sim.default_scenario())
}

async fn put_scenario(sim: web::Data<Sim>, scenario: web::Json<Scenario>) -> HttpResponse {
    sim.set_default_scenario(scenario.into_inner());
    HttpResponse::NoContent().finish()
}

async fn put_account_scenario(
    sim: web::Data<Sim>,
    account: web::Path<String>,
    scenario: web::Json<Scenario>,
) -> HttpResponse {
    sim.set_account_scenario(&account, Some(scenario.into_inner()));
    HttpResponse::NoContent().finish()
}

async fn delete_account_scenario(sim: web::Data<Sim>, account: web::Path<String>) -> HttpResponse {
    sim.set_account_scenario(&account, None);
    HttpResponse::NoContent().finish()
}

async fn list_batches(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(sim.batches())
}

async fn get_batch(sim: web::Data<Sim>, batch_no: web::Path<String>) -> HttpResponse {
    match sim.batch(&batch_no) {
        Some(batch) => HttpResponse::Ok().json(batch),
        None => not_found("no such batch"),
    }
}

async fn put_batch_scenario(
    sim: web::Data<Sim>,
    batch_no: web::Path<String>,
    scenario: web::Json<Scenario>,
) -> HttpResponse {
    if sim.set_batch_scenario(&batch_no, scenario.into_inner()) {
        HttpResponse::NoContent().finish()
    } else {
        not_found("no such batch")
    }
}

async fn advance_batch(sim: web::Data<Sim>, batch_no: web::Path<String>) -> HttpResponse {
    if sim.advance_batch(&batch_no) {
        HttpResponse::Ok().json(sim.batch(&batch_no))
    } else {
        not_found("no submitted batch with that number")
    }
}

/// Body of `POST /__sim/clock/advance`.
#[derive(Debug, Deserialize)]
struct Advance {
    secs: u64,
}

async fn advance_clock(sim: web::Data<Sim>, body: web::Json<Advance>) -> HttpResponse {
    sim.clock.advance_secs(body.secs);
    sim.update(|_| ());
    HttpResponse::Ok().json(serde_json::json!({ "offset_ms": sim.clock.offset_ms() }))
}

async fn reset(sim: web::Data<Sim>) -> HttpResponse {
    sim.reset();
    HttpResponse::NoContent().finish()
}
