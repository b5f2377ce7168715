// The demo page in headless Chromium against the real cognito-bff binary in
// local mode: same origin, and cross-origin same-site (page on
// http://localhost:A, service on http://localhost:B).
//
// Run: `bash .ci/run`, or `cargo build --bin cognito-bff && (cd tests/browser &&
// npm ci && node --test)`. Needs /usr/bin/chromium (Debian's `chromium`);
// without it the tests are skipped loudly, except in CI (`CI` set) where
// they fail.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import {
  ARTIFACTS,
  DEMO,
  freePort,
  launchChromium,
  opts,
  repo,
  skipped,
  startService,
  stopService,
} from "./harness.mjs";

/** A tiny static server for the page on another origin, with the same
 * security headers as the service's, its CSP allowing fetch to `apiOrigin`. */
async function startPageServer(port, apiOrigin) {
  const files = {
    "/": ["index.html", "text/html; charset=utf-8"],
    "/index.html": ["index.html", "text/html; charset=utf-8"],
    "/app.js": ["app.js", "text/javascript; charset=utf-8"],
    "/style.css": ["style.css", "text/css; charset=utf-8"],
  };
  const csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    `connect-src 'self' ${apiOrigin}; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;
  const server = createServer((req, res) => {
    const file = files[new URL(req.url, "http://x").pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": file[1],
      "content-security-policy": csp,
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    res.end(readFileSync(path.join(repo, "static", file[0])));
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return server;
}

let browser;

before(async () => {
  if (skipped) return;
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
});

/** The contract's cookies in the browser's store, over plain http (local
 * mode: BFF_COOKIE_SECURE=false, so no `__Secure-` prefix and no Secure). */
function assertContractCookies(cookies) {
  const byName = Object.fromEntries(cookies.map((c) => [c.name, c]));
  assert.deepEqual(Object.keys(byName).sort(), ["access_token", "refresh_token"], JSON.stringify(cookies.map((c) => c.name)));
  const access = byName.access_token;
  assert.equal(access.httpOnly, true);
  assert.equal(access.sameSite, "Lax");
  assert.equal(access.path, "/api");
  assert.equal(access.secure, false);
  assert.equal(access.domain, "localhost", "host-only, no Domain attribute");
  assert.ok(access.expires > Date.now() / 1000, "a persistent cookie with Max-Age");
  assert.match(access.value, /^eyJ/, "the access token as issued");
  const refresh = byName.refresh_token;
  assert.equal(refresh.httpOnly, true);
  assert.equal(refresh.sameSite, "Strict");
  assert.equal(refresh.path, "/auth");
  assert.equal(refresh.secure, false);
  assert.equal(refresh.domain, "localhost");
  assert.ok(refresh.expires > Date.now() / 1000 + 86400, "lives for days");
}

/** The page's script sees no cookie of the service, let alone a token. */
async function assertScriptSeesNoToken(page) {
  const visible = await page.evaluate(() => document.cookie);
  assert.ok(!/access_token|refresh_token|session|eyJ/.test(visible), `document.cookie = ${visible}`);
  const shown = await page.textContent("#doc-cookie");
  assert.ok(!/eyJ/.test(shown), shown);
}

/** Sign in, who am I, a forced token_expired (refresh + one retry), refresh,
 * sign out: the whole demo, as a user clicks it. */
async function walkThrough(page, context, pageUrl, apiOrigin, screenshot) {
  const unsafe = [];
  page.on("request", (req) => {
    if (req.method() === "POST") unsafe.push({ url: req.url(), headers: req.headers() });
  });

  await page.goto(pageUrl);
  await page.waitForSelector("#signin-section:not([hidden])");
  assert.equal(await page.textContent("#api-base"), apiOrigin);

  // A wrong password: the problem's code and detail are shown.
  await page.fill("#username", DEMO.username);
  await page.fill("#password", "Wrong-Passw0rd!");
  await page.click("#signin");
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error"), /^invalid_credentials: /);
  assert.deepEqual(await context.cookies(), []);

  await page.fill("#password", DEMO.password);
  await page.click("#signin");
  await page.waitForSelector("#session-section:not([hidden])");
  await page.waitForFunction(() => document.getElementById("me-org").textContent !== "");
  assert.equal(await page.textContent("#me-org"), DEMO.org);
  assert.equal(await page.textContent("#me-username"), DEMO.username);
  assert.equal(await page.isHidden("#error"), true);
  await assertScriptSeesNoToken(page);
  assertContractCookies(await context.cookies());
  await page.screenshot({ path: path.join(ARTIFACTS, screenshot), fullPage: true });

  // The next /api/me answers 401 token_expired once: the page refreshes and
  // retries exactly once.
  let meCalls = 0;
  await page.route("**/api/me", async (route) => {
    meCalls += 1;
    if (meCalls === 1) {
      await route.fulfill({
        status: 401,
        headers: {
          "content-type": "application/problem+json",
          "access-control-allow-origin": new URL(pageUrl).origin,
          "access-control-allow-credentials": "true",
        },
        body: JSON.stringify({ type: "about:blank", title: "Token expired", status: 401, detail: "The access token expired.", code: "token_expired" }),
      });
    } else {
      await route.continue();
    }
  });
  const refreshesBefore = unsafe.filter((r) => r.url.endsWith("/auth/refresh")).length;
  await page.evaluate(() => {
    document.getElementById("me-org").textContent = "";
  });
  await page.click("#whoami");
  await page.waitForFunction(() => document.getElementById("me-org").textContent !== "");
  assert.equal(await page.textContent("#me-org"), DEMO.org);
  assert.equal(meCalls, 2, "one retry after the refresh");
  assert.equal(unsafe.filter((r) => r.url.endsWith("/auth/refresh")).length, refreshesBefore + 1);
  await page.unroute("**/api/me");

  // Refresh by hand.
  const refreshed = page.waitForResponse((r) => r.url().endsWith("/auth/refresh") && r.request().method() === "POST");
  await page.click("#refresh");
  const refreshResponse = await refreshed;
  assert.equal(refreshResponse.status(), 200);
  assert.equal(await refreshResponse.headerValue("cache-control"), "no-store");
  assert.match((await refreshResponse.headerValue("set-cookie")) || "", /access_token=eyJ/, "a renewed access cookie");
  await page.waitForFunction(() => document.getElementById("refreshed").textContent.startsWith("Refreshed"));
  const cookies = await context.cookies();
  assertContractCookies(cookies);
  await assertScriptSeesNoToken(page);

  // Sign out: back to the form, and the browser holds no cookie at all.
  await page.click("#signout");
  await page.waitForSelector("#signin-section:not([hidden])");
  assert.deepEqual(await context.cookies(), []);
  await assertScriptSeesNoToken(page);
  const after = await page.evaluate(async (api) => {
    const r = await fetch(api + "/api/me", { credentials: "include" });
    return { status: r.status, body: await r.json() };
  }, apiOrigin);
  assert.equal(after.status, 401);
  assert.equal(after.body.code, "unauthenticated");

  // Every unsafe request carried the CSRF header and a JSON content type.
  assert.ok(unsafe.length >= 4, JSON.stringify(unsafe.map((r) => r.url)));
  for (const r of unsafe) {
    assert.equal(r.headers["x-csrf"], "1", r.url);
    assert.equal(r.headers["content-type"], "application/json", r.url);
  }
}

test("same origin: the demo page signs in, shows /api/me, refreshes, signs out", opts(120_000), async () => {
  const port = await freePort();
  const service = await startService(port);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const origin = `http://localhost:${port}`;
    const response = await page.goto(origin + "/");
    const headers = response.headers();
    assert.equal(headers["x-frame-options"], "DENY");
    assert.equal(headers["x-content-type-options"], "nosniff");
    assert.equal(headers["referrer-policy"], "no-referrer");
    assert.match(headers["content-security-policy"], /script-src 'self'/);
    await walkThrough(page, context, origin + "/", origin, "demo-same-origin.png");
  } finally {
    await context.close();
    await stopService(service);
  }
});

test("cross-origin, same-site: page on localhost:A, service on localhost:B with BFF_ALLOWED_ORIGINS", opts(120_000), async () => {
  const [pagePort, apiPort] = [await freePort(), await freePort()];
  const pageOrigin = `http://localhost:${pagePort}`;
  const apiOrigin = `http://localhost:${apiPort}`;
  const service = await startService(apiPort, { BFF_ALLOWED_ORIGINS: pageOrigin });
  const pages = await startPageServer(pagePort, apiOrigin);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await walkThrough(page, context, `${pageOrigin}/?api=${encodeURIComponent(apiOrigin)}`, apiOrigin, "demo-cross-origin.png");

    // An origin that is not allowed (127.0.0.1 is another site than
    // localhost) gets no CORS: the browser refuses the answer, no cookie is set.
    const other = await context.newPage();
    await other.goto(`http://127.0.0.1:${pagePort}/?api=${encodeURIComponent(apiOrigin)}`);
    await other.waitForSelector("#signin-section:not([hidden])");
    await other.fill("#username", DEMO.username);
    await other.fill("#password", DEMO.password);
    await other.click("#signin");
    await other.waitForSelector("#error:not([hidden])");
    assert.match(await other.textContent("#error"), /^network_error: /);
    assert.deepEqual(await context.cookies(), []);
  } finally {
    await context.close();
    await new Promise((r) => pages.close(r));
    await stopService(service);
  }
});
