//! The local Cognito's request parsing (`X-Amz-Target` + body), as its
//! `POST /` does before dispatching: never a panic; an accepted request
//! names a supported operation and carries a JSON object.
#![no_main]

use cognito_bff::local_cognito::parse_request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The target header, a newline, then the body.
    let (target, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let target = String::from_utf8_lossy(target);
    if let Ok(parsed) = parse_request(&target, body) {
        assert!(parsed.input.is_object());
        assert!(!parsed.operation.is_empty());
    }
    // The real SDK's target prefix, with the fuzzed operation name.
    let target = format!("AWSCognitoIdentityProviderService.{target}");
    let _ = parse_request(&target, body);
});
