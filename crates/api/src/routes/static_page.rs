//! The default service: unknown `/api` paths answer the 10404 envelope; other GET/HEAD
//! requests get files from `SERVER__STATIC_DIR`, falling back to `index.html` (the web page
//! routes on the client side); anything else is 10404 too.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::http::error::ApiError;

/// Where the built page lives.
#[derive(Debug, Clone)]
pub struct StaticDir(pub PathBuf);

/// Paths never served from the page directory.
const RESERVED: [&str; 5] = ["/api", "/docs", "/healthz", "/readyz", "/metrics"];

/// # Errors
/// 10404 for reserved prefixes, other methods, or a missing page.
pub async fn fallback(
    req: HttpRequest,
    dir: web::Data<StaticDir>,
) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    let reserved = RESERVED
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if reserved || !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Err(ApiError::NotFound(format!(
            "no route {} {path}",
            req.method()
        )));
    }
    let candidate = safe_join(&dir.0, path);
    let index = dir.0.join("index.html");
    // Opening files and reading their metadata blocks: off the runtime.
    let opened = tokio::task::spawn_blocking(move || {
        let file = candidate.filter(|p| p.is_file()).unwrap_or(index);
        NamedFile::open(file)
    })
    .await
    .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("static file task failed: {e}")))?;
    match opened {
        Ok(named) => Ok(named.use_etag(true).into_response(&req)),
        Err(_) => Err(ApiError::NotFound("the web page is not built".to_owned())),
    }
}

/// `dir` joined with the URL path, or `None` when a segment could escape it (`..`, hidden
/// files, backslashes, absolute parts).
fn safe_join(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let mut joined = dir.to_path_buf();
    for segment in url_path.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains('\\') || segment.contains('\0') {
            return None;
        }
        joined.push(segment);
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_hidden_files_are_refused() {
        let dir = Path::new("/srv/page");
        assert_eq!(
            safe_join(dir, "/assets/a.js"),
            Some(dir.join("assets/a.js"))
        );
        assert_eq!(safe_join(dir, "/../etc/passwd"), None);
        assert_eq!(safe_join(dir, "/.env"), None);
        assert_eq!(safe_join(dir, "/a\\..\\b"), None);
    }
}
