// Commits-sized evidence from an `instability reproduce` output folder: findings.md and tables/
// as the pipeline wrote them, and of every run what the analyses read without hidden states —
// config.json, metrics.json, logits.npy, labels.npy (and final/'s) — plus each configuration's
// representation cache (analysis/store/representationCache.ts). hidden.npy (MBs a run) is left
// out, so `instability reproduce --no-sweep --out DEST` and the notebooks render every section
// from DEST alone. It then checks that every configuration of DEST reads back with its
// representation measures (test/analysis/representationCache.test.ts: the findings come out equal).
//   node dist/scripts/export-evidence.js OUT DEST
import * as fs from "node:fs";
import * as path from "node:path";
import { findConfigurations, readRepresentationCache, RunStore } from "../src/analysis/store";

const RUN_FILES = ["config.json", "metrics.json", "logits.npy", "labels.npy", "hidden.json"];
const MARKER = ".instability-evidence";

function copyRun(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const f of RUN_FILES) if (fs.existsSync(path.join(from, f))) fs.copyFileSync(path.join(from, f), path.join(to, f));
  if (fs.existsSync(path.join(from, "final"))) copyRun(path.join(from, "final"), path.join(to, "final"));
}

/** Refuses a destination that holds anything this script did not write. */
function checkDestination(dest: string): void {
  if (!fs.existsSync(dest)) return;
  const entries = fs.readdirSync(dest);
  if (entries.length > 0 && !entries.includes(MARKER)) throw new Error(`${dest}: exists and was not written by this script; pass a new folder`);
}

export function exportEvidence(out: string, dest: string): { runs: number; bytes: number } {
  const store = path.join(out, "runs");
  if (!fs.existsSync(path.join(out, "findings.md")) || !fs.existsSync(store)) throw new Error(`${out}: not an \`instability reproduce\` output folder (findings.md and runs/ expected)`);
  checkDestination(dest);
  const configs = findConfigurations(store);
  for (const c of configs) {
    for (const variant of c.hasFinal ? (["best", "final"] as const) : (["best"] as const)) {
      if (!readRepresentationCache(c, variant)) throw new Error(`${c.dir}: no representation cache for the ${variant} models matches its runs; run \`instability reproduce --no-sweep --out ${out}\` first`);
    }
  }
  fs.mkdirSync(dest, { recursive: true });
  fs.writeFileSync(path.join(dest, MARKER), "written by scripts/export-evidence.ts; rerunning it may replace this folder's files\n");
  fs.copyFileSync(path.join(out, "findings.md"), path.join(dest, "findings.md"));
  fs.cpSync(path.join(out, "tables"), path.join(dest, "tables"), { recursive: true });
  let runs = 0;
  for (const c of configs) {
    const rel = path.relative(store, c.dir);
    for (const runDir of c.runDirs) (copyRun(runDir, path.join(dest, "runs", rel, path.basename(runDir))), runs++);
    for (const f of fs.readdirSync(c.dir)) if (f.startsWith("representation-cache") && f.endsWith(".json")) fs.copyFileSync(path.join(c.dir, f), path.join(dest, "runs", rel, f));
  }
  // Every configuration must read back with its representation measures from the cache alone.
  const copy = new RunStore(path.join(dest, "runs"));
  for (const c of copy.configurations) {
    if (!copy.measures(c).representation) throw new Error(`${c.dir}: the exported runs do not read back with their representation measures`);
  }
  const bytes = (fs.readdirSync(dest, { recursive: true }) as string[]).reduce((s, f) => s + (fs.statSync(path.join(dest, f)).isFile() ? fs.statSync(path.join(dest, f)).size : 0), 0);
  return { runs, bytes };
}

if (require.main === module) {
  const [out, dest] = process.argv.slice(2);
  if (!out || !dest) {
    process.stderr.write("usage: node dist/scripts/export-evidence.js OUT DEST   (OUT: an `instability reproduce --out` folder)\n");
    process.exit(2);
  }
  try {
    const r = exportEvidence(out, dest);
    process.stdout.write(`exported ${r.runs} runs into ${dest} (${(r.bytes / 1e6).toFixed(1)} MB, no hidden states)\n`);
  } catch (err) {
    process.stderr.write(`export-evidence: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
