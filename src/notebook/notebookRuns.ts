// The runs an analysis notebook reads. One call in a notebook's first cells decides where they
// come from and makes sure they exist, resuming whatever is already there:
//   - fine-tuned runs: the sweep of `instability reproduce --preset P [--glue-dir DIR]`, restricted
//     to the parts the notebook needs, into reproduce's own default store (train/sweep/defaultStore.ts),
//     so a reproduce run feeds the notebooks and the other way round;
//   - a synthetic store (writeSyntheticStore) while this build cannot fine-tune (no engine or no
//     embedded model), so the notebooks run end to end; it is labelled synthetic wherever it shows.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { PRESETS } from "../train/sweep/presets";
import { modelFamily, presetRuns, storeModelName, sweepPreset } from "../train/sweep/presetSweep";
import type { SweepResult } from "../train/sweep/pool";
import { canPublish } from "./display";
import { DEFAULT_EVIDENCE, evidenceStore } from "./evidence";
import { packageRoot } from "../util/packageRoot";
import { defaultRunStore } from "../train/sweep/defaultStore";
import { watchSweep } from "./sweepProgress";
import { writeSyntheticStore } from "./syntheticStore";

export type Preset = "quick" | "glue-small" | "paper";

export interface NotebookRunsOptions {
  /** A GLUE folder (RTE, MRPC, CoLA …); undefined: the embedded tasks and model. */
  glueDir?: string;
  preset?: Preset;
  /** "standard": Standard runs only; "all": the four mitigation methods too. */
  methods?: "standard" | "all";
  /** Also the failed-run sweep (Standard at a larger learning rate, final models kept). */
  failedRuns?: boolean;
  /**
   * The run store for fine-tuned runs (default: `instability reproduce`'s, defaultRunStore():
   * $INSTABILITY_OUT/runs, else out/reproduce/runs in this package; shared by all notebooks);
   * synthetic runs go to runs/notebooks/synthetic.
   */
  store?: string;
  /**
   * Fine-tune (true), write synthetic runs (false), or (default) follow INSTABILITY_NOTEBOOK_RUNS
   * ("synthetic" | "fine-tuned") when set, else fine-tune when the engine and model are built.
   */
  fineTune?: boolean;
  /**
   * Read committed evidence instead of fine-tuning: a folder of docs/evidence/ (true: the default,
   * glue-small-minilm, the glue-small preset on all-MiniLM-L6-v2). INSTABILITY_NOTEBOOK_RUNS=evidence
   * does the same.
   */
  evidence?: boolean | string;
  /** Checkpoint folder (default: the embedded model). */
  model?: string;
  /** Fine-tuning worker processes (default: number of cores). */
  workers?: number;
  /** Where progress lines go (default console.log, which a notebook cell streams). */
  log?: (line: string) => void;
}

export interface NotebookRuns {
  /** The run store to pass to analysis.RunStore. */
  store: string;
  source: "synthetic" | "fine-tuned" | "evidence";
  /** One sentence: what the runs are. */
  description: string;
}

/**
 * Whether this build can fine-tune: the `instability finetune` command is built, and (unless a
 * checkpoint is given) the embedded pre-trained model is there. `reason` says what is missing.
 */
export function fineTuningAvailable(model?: string): { ok: boolean; reason?: string } {
  if (!fs.existsSync(path.join(__dirname, "..", "cli", "commands", "finetune.js"))) {
    return { ok: false, reason: "this build has no fine-tuning engine (`instability finetune`)" };
  }
  if (model) return fs.existsSync(path.join(model, "config.json")) ? { ok: true } : { ok: false, reason: `${model} has no config.json` };
  let dir: string | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("../model") as { defaultModelDir?: () => string };
    dir = m.defaultModelDir?.();
  } catch {
    dir = undefined;
  }
  if (!dir || !fs.existsSync(path.join(dir, "config.json"))) {
    return { ok: false, reason: "this build has no embedded pre-trained model (models/)" };
  }
  return { ok: true };
}

export async function notebookRuns(o: NotebookRunsOptions = {}): Promise<NotebookRuns> {
  const preset = o.preset ?? "quick";
  if (!PRESETS[preset]) throw new Error(`notebookRuns: unknown preset '${preset}' (use ${Object.keys(PRESETS).map((k) => `"${k}"`).join(" or ")})`);
  const log = o.log ?? ((line: string) => console.log(line));
  const available = fineTuningAvailable(o.model);
  // INSTABILITY_NOTEBOOK_RUNS=synthetic lets CI run every notebook on synthetic runs in seconds
  // even where fine-tuning is possible (the quick sweep takes ~10 minutes on 2 cores).
  const forced = process.env.INSTABILITY_NOTEBOOK_RUNS;
  if (forced !== undefined && forced !== "synthetic" && forced !== "fine-tuned" && forced !== "evidence") {
    throw new Error(`INSTABILITY_NOTEBOOK_RUNS='${forced}': use "synthetic", "fine-tuned" or "evidence", or unset it`);
  }
  if (o.evidence || (o.evidence === undefined && forced === "evidence")) {
    const store = evidenceStore(typeof o.evidence === "string" ? o.evidence : DEFAULT_EVIDENCE);
    const description = `Committed evidence in ${store}: runs fine-tuned and exported by the project (docs/evidence/, its README says how), read without fine-tuning; hidden states are not committed, the representation measures come from each configuration's cache.`;
    log(description);
    return { store, source: "evidence", description };
  }
  const fineTune = o.fineTune ?? (forced ? forced === "fine-tuned" : available.ok);
  if (fineTune && !available.ok) throw new Error(`notebookRuns: cannot fine-tune: ${available.reason}`);
  if (!fineTune) {
    if (o.glueDir) {
      throw new Error(
        `notebookRuns: GLUE_DIR is set but ${available.reason ?? "fine-tuning is switched off"}; ` +
          "update the checkout and run `npm run build`, or set GLUE_DIR = undefined to use synthetic runs",
      );
    }
    const store = o.store ?? path.join(packageRoot(), "runs", "notebooks", "synthetic");
    const r = writeSyntheticStore(store, { failedRuns: o.failedRuns, methods: o.methods === "standard" ? ["none"] : undefined });
    const why = available.reason ?? (forced === "synthetic" ? "INSTABILITY_NOTEBOOK_RUNS=synthetic" : "fine-tuning switched off");
    const description =
      `SYNTHETIC runs (generated by notebook.writeSyntheticStore, not fine-tuned: ${why}) in ${store}; ` +
      `${r.written} written now, ${r.existing} already there. Their numbers say nothing about fine-tuning; they only exercise the analyses.`;
    log(description);
    return { store, source: "synthetic", description };
  }

  if (o.glueDir && !fs.existsSync(o.glueDir)) {
    throw new Error(`notebookRuns: GLUE_DIR '${o.glueDir}' does not exist; download GLUE with \`instability data glue --out DIR\` or set GLUE_DIR = undefined`);
  }
  // The grid, store and model folder name of `instability reproduce` (train/sweep/presetSweep.ts),
  // restricted to the parts this notebook reads, so the notebooks and reproduce share runs.
  const p = PRESETS[preset];
  const roles = new Set(["standard", ...(o.methods === "all" ? ["methods"] : []), ...(o.failedRuns ? ["failed"] : [])]);
  const store = o.store ?? defaultRunStore();
  const tasks = o.glueDir ? p.tasks.glue : p.tasks.embedded;
  const include = (x: { role: string }) => roles.has(x.role);
  const { runs } = presetRuns(p, storeModelName(o.model), tasks, modelFamily(o.model), include);
  // In a cell (and unless the caller takes the lines): one display updated in place with the
  // finished runs and the running one's latest line, instead of the sweep's progress lines.
  const live = o.log === undefined && canPublish() ? watchSweep(store, runs) : null;
  if (!live) log(`${runs.length} runs of preset ${preset} (${p.parts.filter(include).map((x) => x.name).join(", ")}; ${tasks.join(", ")}) in ${store}; finished runs are reused`);
  let result: SweepResult | undefined;
  try {
    ({ sweep: result } = await sweepPreset({ preset: p, store, workers: o.workers ?? os.cpus().length, model: o.model, glueDir: o.glueDir, include, stream: lineStream(live ? () => undefined : log) }));
  } finally {
    live?.stop(result?.interrupted ? "interrupted: finished runs are kept; re-run the cell to resume" : result ? undefined : "stopped by an error");
  }
  for (const f of result.failed) log(`failed: ${f.run.relativeDir} (exit ${f.exitCode ?? f.signal}); log: ${f.log}`);
  if (result.interrupted) throw new Error("notebookRuns: the sweep was interrupted; finished runs are kept, re-run the cell to resume");
  const description = `Fine-tuned runs (${tasks.join(", ")}${o.glueDir ? " from GLUE" : ", embedded"}; preset ${preset}: ${p.description}) in ${store}.`;
  log(description);
  return { store, source: "fine-tuned", description };
}

/** A writable that hands each complete line to `log` (the sweep's progress, into the cell). */
function lineStream(log: (line: string) => void): Writable {
  let pending = "";
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      pending += chunk.toString();
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) log(line);
      done();
    },
    final(done) {
      if (pending.trim()) log(pending);
      done();
    },
  });
}
