// What the browser tests share: the real cognito-bff binary in local mode,
// headless Chromium's path and flags, free ports, and the loud skip (a
// failure in CI) when a tool is missing.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "..", "..");
export const CHROMIUM = "/usr/bin/chromium";
export const BINARY =
  process.env.COGNITO_BFF_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(repo, "target"), "debug", "cognito-bff");
export const ARTIFACTS = path.join(repo, "artifacts");
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const DEMO = { username: "demo", password: "Demo-Passw0rd!", org: "org-demo" };

/** Why the group cannot run here, or null. In CI a missing tool is a failure. */
function missingTool() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install chromium)`);
  if (!existsSync(BINARY)) missing.push(`${BINARY} (cargo build --bin cognito-bff)`);
  if (missing.length === 0) return null;
  const why = `browser tests need ${missing.join(" and ")}`;
  if (process.env.CI) throw new Error(`${why}: in CI they never skip`);
  console.error(`\n!!!!!!!! SKIPPED the browser tests: ${why}.\n`);
  return why;
}
export const skipped = missingTool();
/** node:test options: skipped with the reason, else run. */
export const opts = (timeout) => (skipped ? { skip: skipped, timeout } : { timeout });

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The real binary in local mode on 127.0.0.1:`port`, ready. */
export async function startService(port, extraEnv = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("BFF_")) delete env[key];
  Object.assign(env, {
    BFF_LISTEN: `127.0.0.1:${port}`,
    BFF_LOCAL_COGNITO_LISTEN: "127.0.0.1:0",
    BFF_CONFIG_DIR: path.join(repo, "config"),
    RUST_LOG: "warn",
    ...extraEnv,
  });
  const child = spawn(BINARY, ["serve"], { cwd: repo, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-8000);
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`cognito-bff exited ${child.exitCode}:\n${stderr}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.status === 200) return child;
    } catch (_) {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGTERM");
  throw new Error(`cognito-bff never became ready:\n${stderr}`);
}

export async function stopService(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** Headless Chromium (Debian's, through playwright-core). */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
