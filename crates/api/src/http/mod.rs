//! HTTP plumbing shared by every route: the envelope, `ApiError`, extractor configs, the
//! request id and the request middleware.

pub mod envelope;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod order_by;
pub mod request_id;
