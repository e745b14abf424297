// `npm run bench`: runs every dist/bench/*.bench.js in its own process (a clean tfjs/wasm state
// each), one after another so they do not compete for the two cores. Each bench prints its own
// ratios against a baseline measured in the same run. `npm run bench -- measures` filters by name.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const filters = process.argv.slice(2);
const benches = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith(".bench.js"))
  .filter((f) => filters.length === 0 || filters.some((q) => f.includes(q)))
  .sort();

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n=== ${file.replace(/\.bench\.js$/, "")} ===\n`);
  const r = spawnSync(process.execPath, [path.join(__dirname, file)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
if (benches.length === 0) process.stdout.write("no benchmarks matched\n");
process.exitCode = failed ? 1 : 0;
