// A remote API behind the cookie session, in headless Chromium: the page
// signs in, then opens an EventSource on a proxied path (BFF_UPSTREAMS).
// The browser sends the httpOnly cookie by itself, the upstream gets the
// access token as Bearer and never the cookie, and each event reaches the
// page while the upstream still holds the stream open.
//
// Run: as demo.test.mjs (`node --test` in tests/browser).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { DEMO, freePort, launchChromium, opts, skipped, startService, stopService } from "./harness.mjs";

/** An SSE upstream: `first` at once, `second` and the end when released. */
async function startEventsUpstream(port) {
  const seen = [];
  let release;
  const released = new Promise((r) => (release = r));
  let ended = false;
  const server = createServer((req, res) => {
    seen.push({ url: req.url, headers: req.headers });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write("data: first\n\n");
    released.then(() => {
      res.write("data: second\n\n");
      ended = true;
      res.end();
    });
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { server, seen, release: () => release(), ended: () => ended };
}

let browser;

before(async () => {
  if (skipped) return;
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
});

test("server-sent events through the proxy reach the page event by event, with the cookie", opts(120_000), async () => {
  const [apiPort, upPort] = [await freePort(), await freePort()];
  const upstream = await startEventsUpstream(upPort);
  const service = await startService(apiPort, { BFF_UPSTREAMS: `/api/events=http://127.0.0.1:${upPort}` });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const origin = `http://localhost:${apiPort}`;
    await page.goto(`${origin}/`);
    const status = await page.evaluate(async (demo) => {
      const r = await fetch("/auth/signin", {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json", "x-csrf": "1" },
        body: JSON.stringify({ username: demo.username, password: demo.password }),
      });
      return r.status;
    }, DEMO);
    assert.equal(status, 200);

    // The first event arrives while the upstream still holds the stream.
    const first = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const source = new EventSource("/api/events/stream?topic=orders");
          window.source = source;
          source.onmessage = (e) => resolve(e.data);
          source.onerror = () => reject(new Error("EventSource failed"));
        }),
    );
    assert.equal(first, "first");
    assert.equal(upstream.ended(), false, "the event was held until the stream ended");

    const second = page.evaluate(
      () =>
        new Promise((resolve) => {
          window.source.onmessage = (e) => {
            window.source.close();
            resolve(e.data);
          };
        }),
    );
    upstream.release();
    assert.equal(await second, "second");

    // What the upstream got: the path below the prefix, the token as
    // Bearer, the identity, and no cookie.
    const req = upstream.seen[0];
    assert.equal(req.url, "/stream?topic=orders");
    assert.match(req.headers.authorization, /^Bearer eyJ/);
    assert.equal(req.headers["x-user-name"], DEMO.username);
    assert.equal(req.headers["x-org-id"], DEMO.org);
    assert.equal(req.headers.cookie, undefined);
    const cookies = await context.cookies();
    const access = cookies.find((c) => c.name === "access_token");
    assert.equal(req.headers.authorization, `Bearer ${access.value}`);
  } finally {
    await context.close();
    await stopService(service);
    upstream.server.close();
  }
});
