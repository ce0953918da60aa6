import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build, preview } from "vite";
import { expect, test } from "vitest";
import type { SinResults } from "../src/sin_panel";

const PACKAGE_DIRECTORY = fileURLToPath(new URL("..", import.meta.url));
const CONFIG_FILE = join(PACKAGE_DIRECTORY, "vite.config.ts");
/** Debian's Chromium; CHROMIUM_PATH points elsewhere on other systems. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOT = join(PACKAGE_DIRECTORY, "test-results", "demo-after-training.png");
const STEPS = 200;
/** WebGL without a GPU: ANGLE on SwiftShader, which Chromium otherwise refuses or blocklists. */
const SWIFTSHADER_FLAGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"];

test(`the built page trains ${STEPS} steps of adam and pg-inverse in headless Chromium, pg-inverse ending lower`, async () => {
  expect(
    existsSync(CHROMIUM),
    `No Chromium at ${CHROMIUM}. Install Debian's chromium package (apt-get install --no-install-recommends chromium) or set CHROMIUM_PATH.`,
  ).toBe(true);

  await build({ root: PACKAGE_DIRECTORY, configFile: CONFIG_FILE, logLevel: "warn" });
  // Port 0: the system picks a free one.
  const server = await preview({ root: PACKAGE_DIRECTORY, configFile: CONFIG_FILE, logLevel: "warn", preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: SWIFTSHADER_FLAGS });
  try {
    const { port } = server.httpServer.address() as AddressInfo;
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));

    await page.goto(`http://127.0.0.1:${port}/?steps=${STEPS}&autostart=1`);
    // A guard against a page that never finishes, far beyond the expected time; nothing is asserted on durations.
    await page.waitForFunction(() => (document.getElementById("results")?.textContent ?? "").trim() !== "", undefined, { timeout: 540000 });
    const results = JSON.parse((await page.textContent("#results")) ?? "") as SinResults;
    const backendShown = (await page.textContent("#backend-name"))?.trim();
    const backendLine = (await page.textContent("#backend-message"))?.trim();

    mkdirSync(join(PACKAGE_DIRECTORY, "test-results"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`backend in headless Chromium: ${results.backend} (${backendLine}); screenshot: ${SCREENSHOT}`);

    expect(backendShown).toBe(results.backend);
    expect(results.steps).toBe(STEPS);
    expect(Object.keys(results.methods).sort()).toEqual(["adam", "pg-inverse"]);
    const adam = results.methods.adam;
    const physical = results.methods["pg-inverse"];
    for (const method of [adam, physical]) {
      expect(method?.error).toBeUndefined();
      expect(method?.steps).toBe(STEPS);
      expect(Number.isFinite(method?.finalLoss)).toBe(true);
      expect(Number.isFinite(method?.finalXErr)).toBe(true);
    }
    expect(physical?.finalLoss).toBeLessThan(adam?.finalLoss ?? Number.NaN);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(existsSync(SCREENSHOT)).toBe(true);
  } finally {
    await browser.close();
    await server.close();
  }
});
