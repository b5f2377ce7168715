//! The one reader of the request's `Cookie` headers, for every cookie the
//! service reads back (the guard's access cookie and its chunks, the
//! refresh and session cookies).
//!
//! It works on bytes rather than on `&str`: a browser sends the cookies of
//! every site on the host in one header, and another application's cookie
//! may hold bytes that are not visible ASCII (`name=José`). A reader that
//! needs the whole header as text would drop it, and with it the service's
//! own cookies, signing the user out. Here a foreign pair is never looked
//! at beyond its name. The grammar is `name=value` pairs joined by `;`
//! (RFC 6265 §4.2.1), several `Cookie` headers being one list.
//!
//! No allocation, and values are skipped with `memchr` rather than looked
//! at byte by byte: the guard runs this on every `/api` request.

use std::ops::Range;

use http::header::{COOKIE, GetAll};
use http::{HeaderMap, HeaderValue};
use memchr::memchr;

/// Every occurrence of cookie `name`, in order: the header that holds it
/// and the range of its value there, without surrounding whitespace
/// (possibly empty).
pub fn occurrences<'a, 'n>(headers: &'a HeaderMap, name: &'n str) -> Occurrences<'a, 'n> {
    Occurrences {
        headers: headers.get_all(COOKIE).into_iter(),
        current: None,
        pos: 0,
        name: name.as_bytes(),
    }
}

/// The iterator of [`occurrences`].
#[derive(Debug)]
pub struct Occurrences<'a, 'n> {
    headers: <GetAll<'a, HeaderValue> as IntoIterator>::IntoIter,
    current: Option<&'a HeaderValue>,
    pos: usize,
    name: &'n [u8],
}

impl<'a> Iterator for Occurrences<'a, '_> {
    type Item = (&'a HeaderValue, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let header = match self.current {
                Some(h) => h,
                None => {
                    let h = self.headers.next()?;
                    self.current = Some(h);
                    self.pos = 0;
                    h
                }
            };
            let bytes = header.as_bytes();
            while self.pos < bytes.len() {
                let start = self.pos;
                let end = memchr(b';', &bytes[start..]).map_or(bytes.len(), |i| start + i);
                self.pos = end + 1;
                let Some(eq) = memchr(b'=', &bytes[start..end]).map(|i| start + i) else {
                    continue;
                };
                if bytes[start..eq].trim_ascii() == self.name {
                    return Some((header, trimmed(bytes, eq + 1..end)));
                }
            }
            self.current = None;
        }
    }
}

/// `range` without the ASCII whitespace at either end of `bytes[range]`.
fn trimmed(bytes: &[u8], range: Range<usize>) -> Range<usize> {
    let value = &bytes[range.clone()];
    let lead = value.len() - value.trim_ascii_start().len();
    if lead == value.len() {
        return range.start..range.start;
    }
    let trail = value.len() - value.trim_ascii_end().len();
    range.start + lead..range.end - trail
}

/// Every value of cookie `name` as text, a surrounding pair of double
/// quotes removed (RFC 6265 allows them). A value that is not UTF-8 is
/// skipped: no cookie of the service has one.
pub fn cookie_values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> {
    occurrences(headers, name).filter_map(|(header, range)| {
        let value = &header.as_bytes()[range];
        let value = value
            .strip_prefix(b"\"")
            .and_then(|v| v.strip_suffix(b"\""))
            .unwrap_or(value);
        std::str::from_utf8(value).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(COOKIE, HeaderValue::from_bytes(v).expect("value"));
        }
        h
    }

    fn values<'a>(h: &'a HeaderMap, name: &'a str) -> Vec<&'a str> {
        cookie_values(h, name).collect()
    }

    #[test]
    fn a_cookie_is_found_beside_a_neighbour_that_is_not_ascii() {
        let h = headers(&["name=José; refresh_token=abc".as_bytes()]);
        assert_eq!(values(&h, "refresh_token"), ["abc"]);
        let h = headers(&[b"x=\xff\xfe; refresh_token = abc ", b"y=1"]);
        assert_eq!(values(&h, "refresh_token"), ["abc"]);
    }

    #[test]
    fn every_occurrence_in_every_header_is_found_in_order() {
        let h = headers(&[b"a=1; b=2; a=\"3\"", b"a=; c=4; a=5"]);
        assert_eq!(values(&h, "a"), ["1", "3", "", "5"]);
        assert!(values(&h, "d").is_empty());
    }

    #[test]
    fn names_match_exactly_and_pairs_without_a_value_are_skipped() {
        let h = headers(&[b"aa=1; a; =2; A=3; a=4"]);
        assert_eq!(values(&h, "a"), ["4"]);
    }

    #[test]
    fn a_value_that_is_not_utf8_is_skipped_as_text_but_still_found() {
        let h = headers(&[b"a=\xff; a=ok"]);
        assert_eq!(values(&h, "a"), ["ok"]);
        assert_eq!(occurrences(&h, "a").count(), 2);
    }
}
