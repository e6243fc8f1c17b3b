// axe-core in Debian's Chromium, driven by puppeteer-core (which never downloads a browser).
//
// Usage: node axe-check.mjs CHROMIUM URL [URL ...]
// Prints one JSON object: {url: [{id, impact, help, nodes: [target, ...]}, ...], ...}
// with the violations of the WCAG 2.1 A/AA rules and of the best-practice rules
// heading-order, landmark-one-main and page-has-heading-one.
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const axeSource = require("fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [chromium, ...urls] = process.argv.slice(2);
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const BEST_PRACTICES = ["heading-order", "landmark-one-main", "page-has-heading-one"];

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
const report = {};
try {
  for (const url of urls) {
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: "load" });
    await page.evaluate(axeSource);
    const found = await page.evaluate(async (tags, rules) => {
      const wcag = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      const best = await axe.run(document, { runOnly: { type: "rule", values: rules }, resultTypes: ["violations"] });
      return [...wcag.violations, ...best.violations].map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
        count: v.nodes.length,
      }));
    }, TAGS, BEST_PRACTICES);
    report[url] = found;
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 1) + "\n");
