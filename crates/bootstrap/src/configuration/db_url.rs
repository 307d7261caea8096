//! The database URL: a secret (it may carry a password) that is still worth showing in logs,
//! so its `Debug` and `Display` print it with the password redacted.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

const REDACTED: &str = "[REDACTED]";

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// `sqlite://…` (the embedded default).
    Sqlite,
    /// `postgres://…` or `postgresql://…`.
    Postgres,
}

/// A database URL kept as a secret; `Debug`/`Display` redact the password.
#[derive(Clone)]
pub struct DatabaseUrl(SecretString);

impl DatabaseUrl {
    /// Wraps a URL.
    #[must_use]
    pub fn new(url: SecretString) -> Self {
        Self(url)
    }

    /// The full URL, password included: hand it to the database driver only.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// The database the scheme names, or `None` for an unsupported scheme.
    #[must_use]
    pub fn kind(&self) -> Option<DatabaseKind> {
        let (scheme, _) = self.expose_secret().split_once("://")?;
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Some(DatabaseKind::Sqlite),
            "postgres" | "postgresql" => Some(DatabaseKind::Postgres),
            _ => None,
        }
    }

    /// Every password the URL carries: the userinfo one and any `password=` query parameter.
    pub(crate) fn passwords(&self) -> Vec<&str> {
        let url = self.expose_secret();
        let mut found = Vec::new();
        if let Some(parts) = Parts::split(url) {
            if let Some(password) = parts.password {
                found.push(password);
            }
            found.extend(
                query_pairs(parts.query)
                    .filter(|(key, _)| is_password_param(key))
                    .map(|(_, value)| value),
            );
        }
        found
    }

    /// The URL with every password replaced by `[REDACTED]`.
    #[must_use]
    pub fn redacted(&self) -> String {
        let url = self.expose_secret();
        let Some(parts) = Parts::split(url) else {
            return format!("<not a URL: {REDACTED}>");
        };
        let mut out = format!("{}://", parts.scheme);
        if let Some(user) = parts.user {
            // A "user" with URL delimiters means the last '@' was not the userinfo's (e.g.
            // an '@' inside a query password): hide the whole userinfo then.
            if user.contains(['/', '?', '#', '&', '=']) {
                out.push_str(REDACTED);
            } else {
                out.push_str(user);
                if parts.password.is_some() {
                    out.push(':');
                    out.push_str(REDACTED);
                }
            }
            out.push('@');
        }
        out.push_str(parts.host_and_path);
        if let Some(query) = parts.query {
            out.push('?');
            let redacted: Vec<String> = query_pairs(Some(query))
                .map(|(key, value)| {
                    if is_password_param(key) {
                        format!("{key}={REDACTED}")
                    } else if value.is_empty() {
                        key.to_owned()
                    } else {
                        format!("{key}={value}")
                    }
                })
                .collect();
            out.push_str(&redacted.join("&"));
        }
        if let Some(fragment) = parts.fragment {
            out.push('#');
            out.push_str(fragment);
        }
        out
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// `scheme://[user[:password]@]host_and_path[?query][#fragment]`
struct Parts<'a> {
    scheme: &'a str,
    user: Option<&'a str>,
    password: Option<&'a str>,
    host_and_path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn split(url: &'a str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        // Everything up to the LAST '@' counts as userinfo, even if it holds '/', '?' or
        // '#' (a password that was not percent-encoded): redacting too much is harmless,
        // showing part of a password is not.
        let (user, password, rest) = match rest.rfind('@') {
            Some(at) => {
                let (user, password) = match rest[..at].split_once(':') {
                    Some((user, password)) => (user, Some(password)),
                    None => (&rest[..at], None),
                };
                (Some(user), password, &rest[at + 1..])
            }
            None => (None, None, rest),
        };
        let (rest, fragment) = match rest.split_once('#') {
            Some((rest, fragment)) => (rest, Some(fragment)),
            None => (rest, None),
        };
        let (host_and_path, query) = match rest.split_once('?') {
            Some((rest, query)) => (rest, Some(query)),
            None => (rest, None),
        };
        Some(Self {
            scheme,
            user,
            password,
            host_and_path,
            query,
            fragment,
        })
    }
}

fn query_pairs(query: Option<&str>) -> impl Iterator<Item = (&str, &str)> {
    query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
}

fn is_password_param(key: &str) -> bool {
    key.to_ascii_lowercase().contains("pass")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> DatabaseUrl {
        DatabaseUrl::new(SecretString::from(s))
    }

    #[test]
    fn a_postgres_password_is_redacted() {
        let u = url("postgres://xjz:s3cr3t@db.internal:5432/xjz?sslmode=require");
        assert_eq!(
            u.redacted(),
            "postgres://xjz:[REDACTED]@db.internal:5432/xjz?sslmode=require"
        );
        assert!(!format!("{u:?}{u}").contains("s3cr3t"));
        assert_eq!(u.kind(), Some(DatabaseKind::Postgres));
        assert_eq!(u.passwords(), vec!["s3cr3t"]);
    }

    #[test]
    fn a_password_containing_at_signs_is_redacted_whole() {
        let u = url("postgresql://app:p@ss@host/db");
        assert_eq!(u.redacted(), "postgresql://app:[REDACTED]@host/db");
        assert_eq!(u.passwords(), vec!["p@ss"]);
    }

    #[test]
    fn a_password_with_url_delimiters_is_redacted_whole() {
        for password in ["p#ss", "p?ss", "p/ss", "p:ss"] {
            let u = url(&format!("postgres://app:{password}@host/db"));
            assert_eq!(
                u.redacted(),
                "postgres://app:[REDACTED]@host/db",
                "{password}"
            );
            assert_eq!(u.passwords(), vec![password]);
        }
    }

    proptest::proptest! {
        #[test]
        fn no_userinfo_password_survives_redaction(
            user in "[a-z]{1,8}",
            password in "[ -~]{0,24}",
            host in "[a-z]{1,8}",
        ) {
            let secret = format!("PW{password}");
            let u = url(&format!("postgres://{user}:{secret}@{host}:5432/db?sslmode=require"));
            let shown = format!("{u} {u:?}");
            proptest::prop_assert!(!shown.contains(&secret), "{}", shown);
            proptest::prop_assert_eq!(u.passwords(), vec![secret.as_str()]);
        }

        #[test]
        fn no_query_password_survives_redaction(password in "[!-%'-~]{0,24}") {
            let secret = format!("PW{password}");
            let u = url(&format!("postgres://host/db?user=app&password={secret}"));
            let shown = format!("{u} {u:?}");
            proptest::prop_assert!(!shown.contains(&secret), "{}", shown);
        }
    }

    #[test]
    fn an_at_sign_in_a_query_password_hides_everything_before_it() {
        let u = url("postgres://host/db?user=app&password=p@ss");
        assert_eq!(u.redacted(), "postgres://[REDACTED]@ss");
    }

    #[test]
    fn a_password_query_parameter_is_redacted() {
        let u = url("postgres://host/db?user=app&password=hunter22");
        assert_eq!(
            u.redacted(),
            "postgres://host/db?user=app&password=[REDACTED]"
        );
        assert_eq!(u.passwords(), vec!["hunter22"]);
    }

    #[test]
    fn a_sqlite_url_is_shown_as_is() {
        let u = url("sqlite://data/xjz.db?mode=rwc");
        assert_eq!(u.redacted(), "sqlite://data/xjz.db?mode=rwc");
        assert_eq!(u.kind(), Some(DatabaseKind::Sqlite));
        assert!(u.passwords().is_empty());
    }

    #[test]
    fn something_that_is_not_a_url_is_hidden_entirely() {
        let u = url("hunter22");
        assert!(!u.redacted().contains("hunter22"));
        assert_eq!(u.kind(), None);
    }
}
