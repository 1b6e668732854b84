//! The few URL checks the engine makes, by parsing, never by prefix: a catalog's `source` must be
//! a web page, and a `?catalog=` must be https, or http to this machine exactly.

/// The parts of an absolute `http(s)://` URL that the checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
struct WebUrl<'a> {
    https: bool,
    /// The host as written, lowercase not applied; `[::1]` keeps its brackets.
    host: &'a str,
}

/// Splits `scheme://userinfo@host:port/path?query#fragment`; `None` for anything that is not
/// an absolute http(s) URL with a host.
fn parse(url: &str) -> Option<WebUrl<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    let https = if scheme.eq_ignore_ascii_case("https") {
        true
    } else if scheme.eq_ignore_ascii_case("http") {
        false
    } else {
        return None;
    };
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // `http://127.0.0.1@evil.test/` is a request to evil.test: the host follows the last `@`.
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if host_port.starts_with('[') {
        let end = host_port.find(']')?;
        let (host, after) = host_port.split_at(end.checked_add(1)?);
        if !(after.is_empty() || is_port(after)) {
            return None;
        }
        host
    } else {
        let (host, port) = match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        };
        if port.is_some_and(|p| !is_port(&format!(":{p}"))) {
            return None;
        }
        host
    };
    if host.is_empty() {
        return None;
    }
    Some(WebUrl { https, host })
}

fn is_port(text: &str) -> bool {
    text.strip_prefix(':')
        .is_some_and(|p| p.is_empty() || (p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())))
}

/// True for an absolute `http://` or `https://` URL with a host: what a model's `source` must
/// be (never `javascript:` or `data:`, which a page would render as a link).
pub(crate) fn is_web_page(url: &str) -> bool {
    parse(url).is_some()
}

/// Checks a `?catalog=` URL: https to any host, or http to this machine exactly (`127.0.0.1`,
/// `localhost`, `[::1]`), so a link cannot make the page fetch from a plain-http host.
///
/// # Errors
/// A short message that says what is allowed.
pub(crate) fn check_catalog_url(url: &str) -> Result<(), String> {
    let shown = super::text::quoted(url);
    let Some(u) = parse(url) else {
        return Err(format!("{shown} is not an https:// URL"));
    };
    let loopback = ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|h| u.host.eq_ignore_ascii_case(h));
    if u.https || loopback {
        Ok(())
    } else {
        Err(format!(
            "{shown} is plain http: use an https:// URL (http only to 127.0.0.1, localhost or [::1])"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_web_pages() {
        assert!(is_web_page("https://fal.ai/models/fal-ai/flux/dev"));
        assert!(is_web_page("http://example.com"));
        assert!(!is_web_page("javascript:alert(1)"));
        assert!(!is_web_page("data:text/html,<script>x</script>"));
        assert!(!is_web_page("https:///no-host"));
        assert!(!is_web_page("https://a b.test/"));
        assert!(!is_web_page("ftp://x.test/"));
    }

    #[test]
    fn catalog_urls_are_parsed_not_prefix_matched() {
        for ok in [
            "https://prices.example/c.json",
            "HTTPS://prices.example/c.json",
            "http://127.0.0.1:8080/c.json",
            "http://localhost/c.json",
            "http://[::1]:3000/c.json",
        ] {
            assert_eq!(check_catalog_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://127.0.0.1.invalid/c.json",
            "http://localhost.invalid/c.json",
            "http://127.0.0.1@evil.test/c.json",
            "http://localhost:80@evil.test/c.json",
            "http://[::1].evil.test/c.json",
            "http://evil.test/c.json",
            "javascript:alert(1)",
            "//evil.test/c.json",
            "c.json",
            "https://",
        ] {
            assert!(check_catalog_url(bad).is_err(), "{bad}");
        }
    }
}
