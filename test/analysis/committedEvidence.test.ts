// The committed glue-small evidence (docs/evidence/glue-small-minilm): its runs carry no hidden
// states, yet every report section renders from them and the verdicts are the committed
// findings.md's; the folder stays within the 25 MB.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildReport } from "../../src/report";
import { notebookRuns } from "../../src/notebook";

const EVIDENCE = path.join(__dirname, "..", "..", "..", "docs", "evidence", "glue-small-minilm");

test("the committed evidence renders every section without hidden states, with the committed verdicts", () => {
  const files = fs.readdirSync(EVIDENCE, { recursive: true }) as string[];
  assert.equal(files.filter((f) => f.endsWith("hidden.npy")).length, 0);
  const bytes = files.reduce((s, f) => s + (fs.statSync(path.join(EVIDENCE, f)).isFile() ? fs.statSync(path.join(EVIDENCE, f)).size : 0), 0);
  assert.ok(bytes <= 25e6, `${bytes} bytes`);

  const built = buildReport(path.join(EVIDENCE, "runs"));
  assert.deepEqual(built.errors, []);
  const committed = fs.readFileSync(path.join(EVIDENCE, "findings.md"), "utf8");
  const table = [...committed.matchAll(/^\| \[[^\]]+\]\(#([a-z]+)\) \| [^|]+ \| \*\*([^*]+)\*\* \|$/gm)].map((m) => [m[1], m[2]]);
  assert.equal(table.length, 8);
  assert.deepEqual(built.findings.map((f) => [f.id, f.verdict]), table);
  for (const f of built.findings) assert.ok(committed.includes(f.sentence), `${f.id}: the committed sentence is this one`);
  assert.ok(built.findings.filter((f) => f.verdict !== "not enough evidence").length >= 6);
});

test("a notebook reads the evidence with one option", async () => {
  const runs = await notebookRuns({ evidence: true, log: () => undefined });
  assert.equal(runs.source, "evidence");
  assert.equal(path.resolve(runs.store), path.resolve(EVIDENCE, "runs"));
  await assert.rejects(notebookRuns({ evidence: "nope", log: () => undefined }), /evidence 'nope': no committed runs in .*; use one of glue-small-minilm/);
});
