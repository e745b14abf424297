// Fine-tuning from a notebook cell: `await notebook.fineTune({ task: "spam", seeds: [0, 1, 2] })`
// runs one configuration over seeds in worker processes (the CLI's engine, resumable), shows one
// live progress display in the cell, and returns the runs as a RunSet that measures and figures
// take directly. Defaults are the main job's (the quick preset's Standard part); errors name the
// notebook options, not CLI flags.
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { loadRuns, type RunSet } from "../runs/runFolder";
import { expandGrid, type RunSpec } from "../train/sweep/grid";
import { configurationDir } from "../runs/storeLayout";
import { finetuneCommand } from "../train/sweep/finetuneCommand";
import { runSweep, type SweepResult } from "../train/sweep/pool";
import { QUICK_PRESET, learningRateFor } from "../train/sweep/presets";
import { modelFamily, presetFinetuneArgs, storeModelName } from "../train/sweep/presetSweep";
import { canPublish } from "./display";
import { packageRoot } from "../util/packageRoot";
import { watchSweep } from "./sweepProgress";

export interface FineTuneCellOptions {
  task: string;
  seeds: number[];
  /** none (Standard), mixout, llrd, reinit, wd_pre. */
  mitigation?: string;
  /** Default: the quick preset's Standard learning rate. */
  learningRate?: number;
  /** A Hugging Face checkpoint folder (default: the embedded model). */
  modelDir?: string;
  glueDir?: string;
  /** The run store (default: out/reproduce/runs, shared with `instability reproduce`). */
  store?: string;
  workers?: number;
  /** Kernel threads of each run (default: the cores shared out among the runs at once; the same bytes for any count). */
  threads?: number;
}

export async function fineTune(o: FineTuneCellOptions): Promise<RunSet> {
  if (!o || typeof o.task !== "string") throw new Error('fineTune: pass { task: "spam", seeds: [0, 1, 2] } (task names: spam, sotu-party, sotu-pair, rte, mrpc, cola, sst2)');
  if (!Array.isArray(o.seeds) || o.seeds.length === 0 || !o.seeds.every((s) => Number.isInteger(s) && s >= 0)) throw new Error(`fineTune: seeds must be a non-empty list of integers ≥ 0, got ${JSON.stringify(o.seeds)}`);
  const standard = QUICK_PRESET.parts.find((p) => p.role === "standard")!;
  const lr = o.learningRate ?? learningRateFor(standard.learningRate, modelFamily(o.modelDir));
  if (!(lr > 0)) throw new Error(`fineTune: learningRate must be a positive number, got ${o.learningRate}`);
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && o.threads >= 1)) throw new Error(`fineTune: threads must be an integer ≥ 1, got ${JSON.stringify(o.threads)}`);
  const store = path.resolve(o.store ?? path.join(packageRoot(), "out", "reproduce", "runs"));
  const model = storeModelName(o.modelDir);
  const mitigation = o.mitigation ?? "none";
  let runs: RunSpec[];
  try {
    runs = expandGrid({ model, tasks: [o.task], mitigations: [mitigation], learningRates: [lr], seeds: o.seeds });
  } catch (err) {
    throw new Error(`fineTune: ${(err as Error).message.replace(/--(\w+)/g, "$1")}`);
  }
  const args = presetFinetuneArgs(QUICK_PRESET, o.modelDir, o.glueDir);
  const live = canPublish() ? watchSweep(store, runs) : null;
  let result: SweepResult | undefined;
  try {
    result = await runSweep({ store, runs, workers: o.workers ?? os.cpus().length, threads: o.threads, commandFor: (r, runDir) => finetuneCommand(r, runDir, args), stream: live ? devNull() : process.stdout });
  } finally {
    live?.stop(result?.interrupted ? "interrupted: finished runs are kept; run the cell again to resume" : result ? undefined : "stopped by an error");
  }
  if (result.failed.length) throw new Error(`fineTune: ${result.failed.length} of ${runs.length} runs failed; see ${result.failed[0].log}`);
  if (result.interrupted) throw new Error("fineTune: interrupted; finished runs are kept, run the cell again to resume");
  return loadRuns(path.join(store, configurationDir(model, o.task, mitigation, lr)));
}

function devNull(): NodeJS.WritableStream {
  return new Writable({ write: (_c, _e, done) => done() });
}
