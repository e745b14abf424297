// The table of finding sections is the one list: the report's sections, their order, ids and
// titles, findings.md and computeFindings all come from it, and a new finding is one entry: its
// section (id, title, compute) and its rendering, with no other list to edit.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { finding, findingSection, type SectionInputs } from "../../src/analysis/findings";
import { RunStore } from "../../src/analysis/store";
import { buildReport, computeFindings, findingsMarkdown, REPORT_SECTIONS, reportEntry, reportSection, SECTION_IDS } from "../../src/report";
import { fiveMethods, writeSyntheticStore } from "../analysis/synthetic";
import { mkdtemp } from "../helpers/tempDir";

const OPTIONS = { bootstrap: { resamples: 50 }, subsampling: { rates: [0.5], repetitions: 1 }, failure: { permutations: 20 } };

function store(): string {
  const dir = mkdtemp("section-registry-");
  writeSyntheticStore(dir, { configs: fiveMethods([0, 1, 2, 3]), n: 30, blocks: 2 });
  return dir;
}

// A finding written for this test only: does every configuration have at least 4 runs?
const runCounts = findingSection({
  id: "run-counts",
  title: "Does every configuration have four runs?",
  compute: ({ store: s }: SectionInputs) => {
    const data = s.configurations.map((c) => ({ method: c.method, runs: c.runDirs.length }));
    const gates = data.map((d) => ({ name: "four runs", ok: d.runs >= 4, detail: `${d.method}: ${d.runs} runs` }));
    const f = finding({ id: runCounts.id, title: runCounts.title, section: "test", paper: "The paper ran 25 seeds.", observed: data, gates, notes: [] }, () => ({ verdict: "holds", reason: "every count ≥ 4", sentence: `All ${data.length} configurations have four runs or more.` }));
    return { finding: f, data };
  },
});
const entry = reportEntry(runCounts, ({ finding: f, data }, csv) => ({ ourFinding: `<p>${f.sentence}</p>`, tables: [{ caption: "Runs per configuration", rows: data, csv: csv("run_counts", data) }] }));

test("the report's sections, ids and titles are the table's, in its order; titles are the findings' own", () => {
  const dir = store();
  const built = buildReport(dir, OPTIONS);
  assert.deepEqual(built.report.sections.map((s) => s.id), [...SECTION_IDS]);
  assert.deepEqual(built.report.sections.map((s) => s.title), REPORT_SECTIONS.map((s) => s.title));
  for (const f of built.findings) assert.equal(f.title, REPORT_SECTIONS.find((s) => s.id === f.id)!.title, `${f.id}: one title`);
  // computeFindings is the table's too: the report's findings, in the report's order, with the same verdicts.
  const plain = (found: { id: string; verdict: string; sentence: string }[]) => found.map((f) => [f.id, f.verdict, f.sentence]);
  assert.deepEqual(plain(computeFindings(new RunStore(dir), OPTIONS)), plain(built.findings));
  assert.throws(() => reportSection(new RunStore(dir), "nope" as never), /unknown report section 'nope'; use one of learning, benchmark, layers/);
});

test("adding a finding is one entry: it is computed, rendered, written to findings.md and its table, in the given place", () => {
  const dir = store();
  const sections = [...REPORT_SECTIONS.slice(0, 2), entry, ...REPORT_SECTIONS.slice(2)];
  const built = buildReport(dir, { ...OPTIONS, sections });
  assert.deepEqual(built.errors, []);
  assert.deepEqual(built.report.sections.map((s) => s.id), ["learning", "benchmark", "run-counts", ...SECTION_IDS.slice(2)]);
  const shown = built.report.sections[2];
  assert.equal(shown.title, "Does every configuration have four runs?");
  assert.equal(shown.ourFinding, "<p>All 5 configurations have four runs or more.</p>");
  assert.deepEqual(built.tables.run_counts, ["standard", "mixout", "llrd", "reinit", "wdpre"].map((method) => ({ method, runs: 4 })));
  const md = findingsMarkdown(built.findings, "# Findings");
  assert.match(md, /\| \[Does every configuration have four runs\?\]\(#run-counts\) \| test \| \*\*holds\*\* \|/);
  assert.deepEqual(computeFindings(new RunStore(dir), OPTIONS, sections).map((f) => f.id), ["learning", "run-counts", "layers", "convergent", "failed", "kendall", "bootstrap", "agreement", "subsampling"]);
  // One section alone, as a notebook cell shows it.
  const one = reportSection(new RunStore(dir), "run-counts" as never, { sections });
  assert.equal(one.finding?.verdict, "holds");
  assert.equal(path.basename(String(one.section.tables?.[0].csv)), "run_counts.csv");
});
