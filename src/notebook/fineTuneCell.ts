// Fine-tuning from a notebook cell: `await notebook.fineTune({ task: "spam", seeds: [0, 1, 2] })`
// runs one configuration over seeds in worker processes (the CLI's engine, resumable), shows one
// live progress display in the cell, and returns the runs as a RunSet that measures and figures
// take directly. Defaults are the main job's (the quick preset's Standard part); errors name the
// notebook options, not CLI flags.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { loadRuns, type RunSet } from "../runs/runFolder";
import { taskNames, resolveGlueDir } from "../data/loadTask";
import { GLUE_SPECS, glueTaskName } from "../data/glue";
import { embeddedTaskName } from "../data/embeddedTasks";
import { parseConfig } from "../model/config";
import { MAX_SEED } from "../train/finetune/config";
import { mitigationNames } from "../train/mitigation/registry";
import { expandGrid, type RunSpec } from "../train/sweep/grid";
import { configurationDir } from "../runs/storeLayout";
import { finetuneCommand, runSpecFor } from "../train/sweep/finetuneCommand";
import { defaultModelDir } from "../model/defaultModel";
import { runSweep, type SweepResult } from "../train/sweep/pool";
import { QUICK_PRESET, learningRateFor } from "../train/sweep/presets";
import { modelFamily, presetFinetuneArgs, storeModelName } from "../train/sweep/presetSweep";
import { canPublish } from "./display";
import { defaultRunStore } from "../train/sweep/defaultStore";
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
  /** The run store (default: `instability reproduce`'s, train/sweep/defaultStore.ts). */
  store?: string;
  workers?: number;
  /** Kernel threads of each run (default: the cores shared out among the runs at once; the same bytes for any count). */
  threads?: number;
}

export async function fineTune(o: FineTuneCellOptions): Promise<RunSet> {
  checkCellOptions(o);
  const standard = QUICK_PRESET.parts.find((p) => p.role === "standard")!;
  const lr = o.learningRate ?? learningRateFor(standard.learningRate, modelFamily(o.modelDir));
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && o.threads >= 1)) throw new Error(`fineTune: threads must be an integer ≥ 1, got ${JSON.stringify(o.threads)}`);
  const store = path.resolve(o.store ?? defaultRunStore());
  const model = storeModelName(o.modelDir);
  const mitigation = o.mitigation ?? "none";
  let runs: RunSpec[];
  try {
    runs = expandGrid({ model, tasks: [o.task], mitigations: [mitigation], learningRates: [lr], seeds: o.seeds });
  } catch (err) {
    throw new Error(`fineTune: ${(err as Error).message.replace(/--(\w+)/g, "$1")}`);
  }
  const args = presetFinetuneArgs(QUICK_PRESET, o.modelDir, o.glueDir);
  let specs: Map<string, ReturnType<typeof runSpecFor>>;
  try {
    specs = new Map(runs.map((r) => [r.relativeDir, runSpecFor(r, args, defaultModelDir())]));
  } catch (err) {
    throw new Error(`fineTune: ${(err as Error).message}`);
  }
  const live = canPublish() ? watchSweep(store, runs) : null;
  let result: SweepResult | undefined;
  try {
    result = await runSweep({ store, runs, workers: o.workers ?? os.cpus().length, threads: o.threads, commandFor: (r, runDir) => finetuneCommand(specs.get(r.relativeDir)!, runDir), stream: live ? devNull() : process.stdout });
  } finally {
    live?.stop(result?.interrupted ? "interrupted: finished runs are kept; run the cell again to resume" : result ? undefined : "stopped by an error");
  }
  if (result.failed.length) throw new Error(`fineTune: ${result.failed.length} of ${runs.length} runs failed; see ${result.failed[0].log}`);
  if (result.interrupted) throw new Error("fineTune: interrupted; finished runs are kept, run the cell again to resume");
  return loadRuns(path.join(store, configurationDir(model, o.task, mitigation, lr)));
}

/**
 * Every option checked before a worker starts, in the cell's words (option names, not CLI flags):
 * otherwise each mistake ends as "1 of 1 runs failed", its cause only in a worker's log.
 */
function checkCellOptions(o: FineTuneCellOptions): void {
  const names = taskNames().join(", ");
  if (!o || typeof o.task !== "string") throw new Error(`fineTune: pass { task: "spam", seeds: [0, 1, 2] } (task names: ${names})`);
  if (!glueTaskName(o.task) && !embeddedTaskName(o.task)) throw new Error(`fineTune: unknown task ${JSON.stringify(o.task)}; task names: ${names}`);
  if (!Array.isArray(o.seeds) || o.seeds.length === 0 || !o.seeds.every((s) => Number.isInteger(s) && s >= 0 && s <= MAX_SEED)) {
    throw new Error(`fineTune: seeds must be a non-empty list of integers in 0..${MAX_SEED}, got ${JSON.stringify(o.seeds)}`);
  }
  if (o.learningRate !== undefined && !(typeof o.learningRate === "number" && Number.isFinite(o.learningRate) && o.learningRate > 0)) {
    throw new Error(`fineTune: learningRate must be a positive number, got ${o.learningRate}`);
  }
  if (o.mitigation !== undefined && !mitigationNames().includes(o.mitigation)) {
    throw new Error(`fineTune: unknown mitigation ${JSON.stringify(o.mitigation)}; mitigations: ${mitigationNames().join(", ")}`);
  }
  if (o.workers !== undefined && !(Number.isInteger(o.workers) && o.workers >= 1)) throw new Error(`fineTune: workers must be a positive integer, got ${o.workers}`);
  if (o.modelDir !== undefined) checkModelDir(o.modelDir);
  if (glueTaskName(o.task)) checkGlueDir(o.task, o.glueDir);
}

function checkModelDir(dir: string): void {
  const fix = "pass modelDir: a Hugging Face checkpoint folder (instability models pull NAME makes one)";
  if (!fs.existsSync(dir)) throw new Error(`fineTune: modelDir ${dir} does not exist; ${fix}`);
  for (const file of ["config.json", "model.safetensors"]) {
    if (!fs.existsSync(path.join(dir, file))) throw new Error(`fineTune: modelDir ${dir} has no ${file}; ${fix}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
  } catch (err) {
    throw new Error(`fineTune: modelDir ${path.join(dir, "config.json")} is not valid JSON (${(err as Error).message}); ${fix}`);
  }
  try {
    parseConfig(json, path.join(dir, "config.json"));
  } catch (err) {
    throw new Error(`fineTune: modelDir ${(err as Error).message}`);
  }
}

function checkGlueDir(task: string, glueDir: string | undefined): void {
  const dir = resolveGlueDir(glueDir);
  const fetch = "fetch the data with `instability data glue --out DIR`";
  if (!dir) throw new Error(`fineTune: task ${JSON.stringify(task)} is a GLUE task: pass glueDir: "DIR", a folder in the GLUE layout (or set GLUE_DIR); ${fetch}`);
  const spec = GLUE_SPECS[glueTaskName(task)!];
  for (const split of ["train", "dev"]) {
    const file = path.join(dir, spec.dir, `${split}.tsv`);
    if (!fs.existsSync(file)) throw new Error(`fineTune: glueDir ${dir} has no ${spec.dir}/${split}.tsv; pass the folder that holds RTE/, MRPC/, CoLA/, SST-2/, or ${fetch}`);
  }
}

function devNull(): NodeJS.WritableStream {
  return new Writable({ write: (_c, _e, done) => done() });
}
