"""The seed document's own pattern, as an upstream behind cognito-bff's proxy.

The document this project grew from (a Python SDK's README and its FastAPI
cookie-mode pattern) protects a FastAPI app with a Lambda authorizer that verifies the Cognito access token with python-jose
(RS256, the pool's JWKS fetched and cached, issuer) and reads the tenant from
the `org_id` claim. This app does the same, but as an API that receives the
token as `Authorization: Bearer <access token>`, the way cognito-bff forwards
it to a remote API. It proves that an independent verifier, not
written against this project's code, accepts what the proxy forwards.

Stricter than the seed, as docs/CONTRACT.md is: `token_use` must be "access",
`client_id` must be our app client (the seed's `audience=` check does nothing
on an access token: it has no `aud`, and python-jose skips a missing `aud`),
and `exp` is required and checked.

    SEED_ISSUER=http://127.0.0.1:9229/us-east-1_localdemo \
    SEED_CLIENT_ID=1oc41demo0c1ient0000000000 \
    python seed_api.py --port 8081

`--port 0` picks a free port. Either way the one line printed on stdout is
`seed_api listening on http://127.0.0.1:<port>`. Tokens are never logged.

Routes: GET /healthz; GET /whoami and anything under it: the verified claims,
the path and query received, and the X-Org-Id / X-User-Sub headers the proxy
added (so a test can compare them with this independent verification).
"""

import argparse
import json
import os
import socket
import sys
import urllib.request

import uvicorn
from fastapi import FastAPI, HTTPException, Request
from jose import jwt
from jose.exceptions import JOSEError

ISSUER = os.environ.get("SEED_ISSUER", "").rstrip("/")
CLIENT_ID = os.environ.get("SEED_CLIENT_ID", "")
JWKS_URL = f"{ISSUER}/.well-known/jwks.json"
_jwks_by_kid: dict | None = None  # fetched on first use, then cached

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def _jwks() -> dict:
    global _jwks_by_kid
    if _jwks_by_kid is None:
        try:
            with urllib.request.urlopen(JWKS_URL, timeout=3) as resp:
                keys = json.load(resp)["keys"]
        except (OSError, ValueError, KeyError) as e:
            raise HTTPException(503, detail=f"JWKS unavailable: {type(e).__name__}")
        _jwks_by_kid = {k["kid"]: k for k in keys if "kid" in k}
    return _jwks_by_kid


def verify(req: Request) -> dict:
    scheme, _, token = req.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("missing bearer token")
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
        key = _jwks().get(header.get("kid"))
        if header.get("alg") != "RS256" or key is None:
            raise _unauthorized("unknown key or algorithm")
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            issuer=ISSUER,
            options={"verify_aud": False, "require_exp": True, "require_iss": True},
        )
    except JOSEError as e:
        # The exception's class and message describe the failure; they never
        # contain the token itself.
        raise _unauthorized(f"invalid token: {type(e).__name__}")
    if claims.get("token_use") != "access":
        raise _unauthorized("not an access token")
    if claims.get("client_id") != CLIENT_ID:
        raise _unauthorized("wrong client_id")
    return claims


@app.get("/healthz")
def healthz():
    return {"ok": True}


@app.get("/whoami")
@app.get("/whoami/{rest:path}")
def whoami(req: Request):
    claims = verify(req)
    raw_path = req.scope.get("raw_path") or req.scope["path"].encode()
    return {
        "sub": claims.get("sub"),
        "username": claims.get("username"),
        "org_id": claims.get("org_id"),
        "client_id": claims.get("client_id"),
        "path": raw_path.decode("latin-1"),
        "query": req.scope.get("query_string", b"").decode("latin-1"),
        "x_org_id": req.headers.get("x-org-id"),
        "x_user_sub": req.headers.get("x-user-sub"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="port on 127.0.0.1 (0: any free port)")
    args = parser.parse_args()
    if not ISSUER or not CLIENT_ID:
        sys.exit("seed_api: set SEED_ISSUER and SEED_CLIENT_ID")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    print(f"seed_api listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    # No access log: quiet, and nothing secret is printed either way.
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
