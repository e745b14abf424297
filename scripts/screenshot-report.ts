// `node dist/scripts/screenshot-report.js [REPORT_HTML] [PNG]`: the README's picture of the report
// (docs/img/report.png), taken from the main job's own report in headless Chromium at 1400 px:
// the top of the report down to the first figure and the per-configuration table under it.
// Defaults: out/reproduce/report.html → docs/img/report.png. Needs Debian's chromium (or CHROMIUM_PATH).
import * as fs from "node:fs";
import * as path from "node:path";

async function main(): Promise<void> {
  const [html = path.join("out", "reproduce", "report.html"), png = path.join("docs", "img", "report.png")] = process.argv.slice(2);
  if (!fs.existsSync(html)) throw new Error(`screenshot-report: ${html} does not exist; run \`npx instability reproduce\` first, or pass a report.html`);
  const executablePath = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((c) => c && fs.existsSync(c));
  if (!executablePath) throw new Error("screenshot-report: no chromium found; apt-get install chromium, or set CHROMIUM_PATH");
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    await page.goto(`file://${path.resolve(html)}`, { waitUntil: "load", timeout: 150_000 });
    await page.waitForFunction(`(() => { const f = document.querySelector("#learning .il-plot"); return !f || f.querySelector(".main-svg"); })()`, undefined, { timeout: 120_000 });
    await page.screenshot({ path: png, type: "png" });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${png}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
