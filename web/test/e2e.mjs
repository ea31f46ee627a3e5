// Drive a published Stadtbild site in Debian's Chromium (headless, software WebGL) with
// playwright-core, for tests/test_publish_browser.py and benchmarks/bench_publish.py.
//
//   node web/test/e2e.mjs PLAN.json
//
// PLAN: {url, out (folder for screenshots), netlog (path), chromium (executable), width, height,
//        steps: [{do: "shot"|"click_view"|"time"|"date"|"state"|"click_point"|"swipe"|"memory"|"pan", ...}]}
// Prints one JSON object: load timings, per-step results, every request the page made
// (URL, resource type, failure, HTTP status), console errors and page errors.
//
// Chromium is started so that it cannot reach off this machine: background networking,
// component updates, sync, domain reliability and field trials off, and a host resolver that
// maps every name except 127.0.0.1 to NOTFOUND. The net log (--log-net-log) records every
// request with its initiator; the Python side reads it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const args = [
  "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist", "--enable-webgl",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-default-apps",
  "--disable-field-trial-config", "--no-first-run", "--no-default-browser-check", "--metrics-recording-only",
  "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  `--log-net-log=${plan.netlog}`, "--net-log-capture-mode=Default",
];
const out = { steps: [], requests: [], console: [], pageErrors: [] };
const t0 = Date.now();
const browser = await chromium.launch({ executablePath: plan.chromium || "/usr/bin/chromium", headless: true,
  chromiumSandbox: false, args, timeout: 60000 });
try {
  const context = await browser.newContext({ viewport: { width: plan.width || 1280, height: plan.height || 800 },
    deviceScaleFactor: 1, serviceWorkers: "block" });
  const page = await context.newPage();
  page.setDefaultTimeout(Number(process.env.E2E_TIMEOUT_MS || 180000)); // software WebGL on a busy machine
  page.on("request", (r) => out.requests.push({ url: r.url(), type: r.resourceType(), frame: r.frame()?.url() ?? null }));
  page.on("requestfailed", (r) => {
    const rec = out.requests.find((q) => q.url === r.url() && !q.failure);
    if (rec) rec.failure = r.failure()?.errorText ?? "failed";
  });
  page.on("response", (r) => {
    const rec = out.requests.find((q) => q.url === r.url() && q.status === undefined);
    if (rec) rec.status = r.status();
  });
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") out.console.push(`${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => out.pageErrors.push(String(e)));
  const tNav = Date.now();
  await page.goto(plan.url, { waitUntil: "load", timeout: 60000 });
  await page.waitForFunction(() => window.stadtbild && (window.stadtbild.ready || window.stadtbild.errors.length),
    null, { timeout: 120000, polling: 100 });
  out.errors = await page.evaluate(() => window.stadtbild.errors);
  if (out.errors.length) throw new Error(`page failed: ${out.errors.join("; ")}`);
  await page.waitForFunction(() => window.stadtbild.firstFrameMs !== null || window.stadtbild.errors.length,
    null, { timeout: Number(process.env.E2E_TIMEOUT_MS || 120000), polling: 50 });
  out.firstFrameMs = await page.evaluate(() => window.stadtbild.firstFrameMs);
  out.marks = await page.evaluate(() => window.stadtbild.marks);
  out.frames = await page.evaluate(() => window.stadtbild.frames);
  out.navigation = await page.evaluate(() => JSON.parse(JSON.stringify(performance.getEntriesByType("navigation")[0])));
  out.navToFirstFrameMs = Date.now() - tNav;
  await page.evaluate(() => window.stadtbild.idle());
  out.loadMs = Date.now() - tNav;
  out.errors = await page.evaluate(() => window.stadtbild.errors);
  for (const step of plan.steps || []) {
    const r = { do: step.do };
    if (step.do === "click_view") {
      await page.getByRole("button", { name: step.name, exact: true }).click();
    } else if (step.do === "time") {
      await page.locator("#time").fill(String(step.minutes));
    } else if (step.do === "date") {
      await page.locator("#date").fill(step.date);
    } else if (step.do === "state") {
      await page.locator(`input[name=state][value="${step.value}"]`).click();
    } else if (step.do === "swipe") {
      const box = await page.locator("#swipe-handle").boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + 300);
      await page.mouse.down();
      await page.mouse.move(step.x, box.y + 300, { steps: 5 });
      await page.mouse.up();
    } else if (step.do === "layer") {
      await page.locator(`input[data-layer="${step.key}"]`).setChecked(step.on !== false);
    } else if (step.do === "project") {
      r.points = await page.evaluate((pts) => pts.map((p) => window.stadtbild.toWindow(p)), step.points);
    } else if (step.do === "click_point") {
      const [p] = await page.evaluate((pt) => [window.stadtbild.toWindow(pt)], step.point);
      r.at = p;
      if (p) {
        await page.mouse.click(p[0], p[1]);
        await page.waitForFunction(() => document.getElementById("info").dataset.featureId !== "", null,
          { timeout: 10000 }).catch(() => {});
        r.featureId = await page.locator("#info").getAttribute("data-feature-id");
        r.infoText = await page.locator("#info").innerText();
      }
    } else if (step.do === "pan") { // drag the map with the mouse (navigation), then wait for tiles
      await page.mouse.move(step.from[0], step.from[1]);
      await page.mouse.down();
      await page.mouse.move(step.to[0], step.to[1], { steps: 10 });
      await page.mouse.up();
    } else if (step.do === "wheel") {
      await page.mouse.move(step.at[0], step.at[1]);
      for (let i = 0; i < (step.times || 1); i++) await page.mouse.wheel(0, step.dy);
    } else if (step.do === "memory") {
      const cdp = await context.newCDPSession(page);
      const m = await cdp.send("Performance.enable").then(() => cdp.send("Performance.getMetrics"));
      r.metrics = Object.fromEntries(m.metrics.map((x) => [x.name, x.value]));
      r.tiles = await page.evaluate(() => Object.fromEntries(Object.entries(window.stadtbild.tilesets)
        .map(([k, ts]) => [k, { memoryBytes: ts.totalMemoryUsageInBytes, shown: ts.show }])));
    }
    if (step.do !== "project") {
      const tIdle = Date.now();
      await page.evaluate(() => window.stadtbild.idle());
      r.idleMs = Date.now() - tIdle;
    }
    if (step.shot) {
      const file = join(plan.out, step.shot);
      await page.screenshot({ path: file });
      r.shot = file;
    }
    out.steps.push(r);
  }
  out.errors = await page.evaluate(() => window.stadtbild.errors);
  out.pageUrl = page.url();
} catch (err) {
  out.fatal = String(err.message ?? err).split("\n")[0];
  out.state = await browser.contexts()[0]?.pages()[0]?.evaluate(() => {
    const a = window.stadtbild;
    return a ? { ready: a.ready, tilesLoaded: a.tilesLoaded, marks: a.marks, errors: a.errors } : null;
  }).catch(() => null);
} finally {
  await browser.close();
}
out.totalMs = Date.now() - t0;
console.log(JSON.stringify(out));
