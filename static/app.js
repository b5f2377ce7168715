// cognito-bff demo SPA: plain JavaScript, no build step, no dependency.
//
// How an SPA talks to the BFF:
// - every call uses fetch(..., {credentials: "include"}): the browser sends the
//   httpOnly cookies; this script never sees a token;
// - every unsafe call (POST) sends `X-CSRF: 1` and `Content-Type: application/json`;
// - errors are application/problem+json: switch on `code`, show `detail`;
// - GET /api/... answered 401 `token_expired`: POST /auth/refresh, then retry once.
//
// The API base URL is this page's origin, or another origin given as `?api=`
// or as the `data-api` attribute of <html>, for a page served cross-origin
// (that origin must be in the service's BFF_ALLOWED_ORIGINS, and the page's
// Content-Security-Policy must allow it in connect-src).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  /** The API origin: `?api=`, else `<html data-api>`, else this page's own. */
  function resolveApiBase() {
    const raw =
      new URLSearchParams(window.location.search).get("api") ||
      document.documentElement.dataset.api ||
      "";
    if (!raw) return "";
    try {
      const url = new URL(raw);
      if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
    } catch (_) {
      /* not a URL: fall through */
    }
    log("ignoring an invalid API base URL");
    return "";
  }

  /** An error answer of the service (problem+json) or of the network. */
  class ApiError extends Error {
    constructor(status, code, detail) {
      super(detail);
      this.status = status;
      this.code = code;
      this.detail = detail;
    }
  }

  const apiBase = resolveApiBase();

  /** One call to the service. Resolves to the JSON body (null for 204). */
  async function call(method, path, body) {
    const init = { method, credentials: "include", headers: {} };
    if (method !== "GET" && method !== "HEAD") {
      init.headers["X-CSRF"] = "1";
      init.headers["Content-Type"] = "application/json";
      if (body !== undefined) init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(apiBase + path, init);
    } catch (_) {
      throw new ApiError(0, "network_error", "The service could not be reached.");
    }
    const type = response.headers.get("content-type") || "";
    const data =
      response.status !== 204 && type.includes("json")
        ? await response.json().catch(() => null)
        : null;
    if (!response.ok) {
      throw new ApiError(
        response.status,
        (data && data.code) || "http_" + response.status,
        (data && data.detail) || response.statusText || "Request failed."
      );
    }
    return data;
  }

  /** GET under /api; on 401 `token_expired` refresh once and retry once. */
  async function apiGet(path) {
    try {
      return await call("GET", path);
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== "token_expired") throw e;
      log("access token expired: refreshing, then retrying once");
      await refresh();
      return call("GET", path);
    }
  }

  // ---- state and rendering -------------------------------------------------

  /** The challenge in progress: {name, session, username}. */
  let challenge = null;

  const sections = [
    "signin-section",
    "new-password-section",
    "totp-section",
    "mfa-setup-section",
    "session-section",
  ];

  function show(sectionId, status) {
    for (const id of sections) $(id).hidden = id !== sectionId;
    $("status").textContent = status;
    document.body.dataset.state = sectionId.replace("-section", "");
    showCookies();
  }

  function showError(e) {
    const box = $("error");
    if (!e) {
      box.hidden = true;
      box.textContent = "";
      return;
    }
    box.hidden = false;
    box.textContent = e instanceof ApiError ? `${e.code}: ${e.detail}` : String(e);
    box.dataset.code = e instanceof ApiError ? e.code : "error";
    log("error " + (e.code || e));
  }

  function log(message) {
    const item = document.createElement("li");
    item.textContent = `${new Date().toLocaleTimeString()} ${message}`;
    const list = $("log");
    if (list) list.prepend(item);
  }

  function showCookies() {
    $("doc-cookie").textContent = JSON.stringify(document.cookie);
  }

  function showMe(me) {
    $("me").hidden = false;
    $("me-username").textContent = me.username;
    $("me-org").textContent = me.org_id ?? "(no organisation yet)";
    $("me-sub").textContent = me.sub;
    $("me-groups").textContent = (me.groups || []).join(", ") || "(none)";
    $("me-scopes").textContent = (me.scopes || []).join(" ") || "(none)";
    $("me-exp").textContent = new Date(me.exp * 1000).toLocaleString();
  }

  function signedOut(status) {
    challenge = null;
    $("me").hidden = true;
    $("refreshed").hidden = true;
    show("signin-section", status || "signed out");
  }

  /** A sign-in or challenge answer: signed in, or the next challenge. */
  async function handleOutcome(result, username) {
    if (result.status === "SIGNED_IN") {
      challenge = null;
      $("password").value = "";
      show("session-section", "signed in");
      log("signed in; the access token expires in " + result.expires_in + " s");
      await whoAmI();
      return;
    }
    challenge = { name: result.challenge, session: result.session, username };
    log("challenge " + result.challenge);
    switch (result.challenge) {
      case "NEW_PASSWORD_REQUIRED":
        show("new-password-section", "a new password is required");
        $("new-password").focus();
        break;
      case "SOFTWARE_TOKEN_MFA":
        show("totp-section", "an authenticator code is required");
        $("totp-code").focus();
        break;
      case "MFA_SETUP":
        await startMfaSetup();
        break;
      default:
        show("signin-section", "signed out");
        showError(new ApiError(0, "unsupported_challenge", `This demo does not handle ${result.challenge}.`));
    }
  }

  async function startMfaSetup() {
    const setup = await call("POST", "/auth/mfa/associate", {
      session: challenge.session,
      username: challenge.username,
    });
    challenge.session = setup.session;
    $("mfa-secret").textContent = setup.secret_code;
    $("mfa-uri").textContent = setup.otpauth_uri;
    show("mfa-setup-section", "set up an authenticator");
    $("mfa-setup-code").focus();
  }

  // ---- actions --------------------------------------------------------------

  async function whoAmI() {
    const me = await apiGet("/api/me");
    showMe(me);
    log(`GET /api/me: ${me.username} in ${me.org_id ?? "no organisation"}`);
    return me;
  }

  async function refresh() {
    const result = await call("POST", "/auth/refresh");
    const note = $("refreshed");
    note.hidden = false;
    note.textContent = `Refreshed at ${new Date().toLocaleTimeString()}; expires in ${result.expires_in} s.`;
    log("refreshed");
    showCookies();
    return result;
  }

  async function signOut() {
    const everywhere = $("everywhere").checked;
    await call("POST", "/auth/signout", everywhere ? { everywhere: true } : undefined);
    log(everywhere ? "signed out everywhere" : "signed out");
    signedOut("signed out");
  }

  /** Runs an action; shows its error; a dead session goes back to sign-in. */
  function action(fn) {
    return async (event) => {
      if (event) event.preventDefault();
      showError(null);
      try {
        await fn();
      } catch (e) {
        showError(e);
        if (
          e instanceof ApiError &&
          (e.code === "session_expired" || e.code === "unauthenticated" || e.code === "invalid_session")
        ) {
          signedOut("signed out");
        }
      }
      showCookies();
    };
  }

  function wire() {
    $("api-base").textContent = apiBase || window.location.origin;

    $("signin-form").addEventListener(
      "submit",
      action(async () => {
        const username = $("username").value.trim();
        const result = await call("POST", "/auth/signin", {
          username,
          password: $("password").value,
        });
        await handleOutcome(result, username);
      })
    );

    $("new-password-form").addEventListener(
      "submit",
      action(async () => {
        const result = await call("POST", "/auth/respond-challenge", {
          username: challenge.username,
          challenge: "NEW_PASSWORD_REQUIRED",
          session: challenge.session,
          responses: { NEW_PASSWORD: $("new-password").value },
        });
        $("new-password").value = "";
        await handleOutcome(result, challenge.username);
      })
    );

    $("totp-form").addEventListener(
      "submit",
      action(async () => {
        const result = await call("POST", "/auth/respond-challenge", {
          username: challenge.username,
          challenge: "SOFTWARE_TOKEN_MFA",
          session: challenge.session,
          responses: { SOFTWARE_TOKEN_MFA_CODE: $("totp-code").value.trim() },
        });
        $("totp-code").value = "";
        await handleOutcome(result, challenge.username);
      })
    );

    $("mfa-setup-form").addEventListener(
      "submit",
      action(async () => {
        const verified = await call("POST", "/auth/mfa/verify", {
          session: challenge.session,
          code: $("mfa-setup-code").value.trim(),
        });
        $("mfa-setup-code").value = "";
        const result = await call("POST", "/auth/respond-challenge", {
          username: challenge.username,
          challenge: "MFA_SETUP",
          session: verified.session,
          responses: {},
        });
        await handleOutcome(result, challenge.username);
      })
    );

    $("whoami").addEventListener("click", action(whoAmI));
    $("refresh").addEventListener("click", action(refresh));
    $("signout").addEventListener("click", action(signOut));
  }

  /** On load: already signed in (a valid or refreshable session)? */
  async function start() {
    wire();
    try {
      await whoAmI();
      show("session-section", "signed in");
      return;
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== "unauthenticated") {
        signedOut("signed out");
        if (!(e instanceof ApiError && e.status === 401)) showError(e);
        return;
      }
    }
    // No access cookie (it lives only as long as the token): a refresh
    // cookie may still hold a session.
    try {
      await refresh();
      await whoAmI();
      show("session-section", "signed in");
    } catch (_) {
      signedOut("signed out");
    }
  }

  start();
})();
