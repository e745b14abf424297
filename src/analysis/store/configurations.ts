// The configurations of a run store: every <model>/<task>/<method>-lr<lr>/ folder that holds
// finished runs (layout: runs/storeLayout.ts), how to name one, and how to load its runs.
import * as fs from "node:fs";
import * as path from "node:path";
import { NotARegularFileError, readRegularFile } from "../../util/readRegularFile";
import { METHOD_ORDER, methodKey } from "../../runs/methods";
import { loadRuns, LoadRunsOptions, RunFormatError, RunSet, type ReadFile } from "../../runs/runFolder";
import { listRunFolders } from "../../runs/runDefinition";
import { configurationFolder, parseConfigurationFolder, parseSeedFolder } from "../../runs/storeLayout";

export interface Configuration {
  model: string;
  task: string;
  /** Canonical method name: standard, mixout, llrd, reinit, wdpre (or the folder's own name). */
  method: string;
  learningRate: number;
  /** Absolute path of the configuration folder (a runs directory). */
  dir: string;
  /** Finished run folders (those with logits.npy), sorted by seed. */
  runDirs: string[];
  seeds: number[];
  /** Every run also has the final model's outputs in RUN_DIR/final/ (--save-final). */
  hasFinal: boolean;
  /** Runs whose metrics.json says they diverged (NaN/Inf loss); they are analysed like the others. */
  diverged: string[];
}

/** Which checkpoint of each run: the best one (the default) or the final model (RUN_DIR/final). */
export type Variant = "best" | "final";

function subdirs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
}

/** Every configuration folder of a run store, in a stable order (model, task, method, lr); files are read with `read`. */
export function findConfigurations(store: string, read: ReadFile = readRegularFile): Configuration[] {
  if (!fs.existsSync(store) || !fs.statSync(store).isDirectory()) {
    throw new RunFormatError(`${store}: run store not found; pass the folder that holds <model>/<task>/<method>-lr<lr>/seed-NN/ (runs/storeLayout.ts)`);
  }
  const out: Configuration[] = [];
  for (const model of subdirs(store)) {
    for (const task of subdirs(path.join(store, model))) {
      for (const name of subdirs(path.join(store, model, task))) {
        const folder = parseConfigurationFolder(name);
        if (!folder) continue;
        const { learningRate } = folder;
        const dir = path.resolve(store, model, task, name);
        const finished = listRunFolders(dir).runs.map((s) => path.join(dir, s));
        // A diverged run keeps the outputs of its best checkpoint so far (instability finetune);
        // at a large learning rate it is exactly a failed run, so it stays in and is listed.
        const diverged = finished.filter((d) => readMetrics(d, read)?.diverged === true);
        const runDirs = finished;
        if (runDirs.length === 0) continue;
        const seeds = runDirs.map((d, i) => parseSeedFolder(path.basename(d)) ?? i);
        const order = seeds.map((_, i) => i).sort((a, b) => seeds[a] - seeds[b]);
        out.push({
          model,
          task,
          method: methodKey(folder.method),
          learningRate,
          dir,
          runDirs: order.map((i) => runDirs[i]),
          seeds: order.map((i) => seeds[i]),
          hasFinal: runDirs.every((d) => fs.existsSync(path.join(d, "final", "logits.npy"))),
          diverged: diverged.map((d) => path.basename(d)),
        });
      }
    }
  }
  const rank = (m: string) => (METHOD_ORDER.includes(m) ? METHOD_ORDER.indexOf(m) : METHOD_ORDER.length);
  return out.sort((a, b) => a.model.localeCompare(b.model) || a.task.localeCompare(b.task) || rank(a.method) - rank(b.method) || a.method.localeCompare(b.method) || a.learningRate - b.learningRate);
}

/**
 * A configuration's name in results, logs and CI seeds: <model>/<task>/<method key>-lr<lr>, the
 * folder's path with the method's analysis key ("standard", not the folder's "none").
 */
export function configurationName(c: Pick<Configuration, "model" | "task" | "method" | "learningRate">): string {
  return `${c.model}/${c.task}/${configurationFolder(c.method, c.learningRate)}`;
}

/** Loads a configuration's runs: the best checkpoints, or the final models (RUN_DIR/final). */
export function loadConfiguration(c: Configuration, variant: Variant = "best", opts: Pick<LoadRunsOptions, "hidden" | "read"> = {}): RunSet {
  if (c.runDirs.length < 2) throw new RunFormatError(`${c.dir}: ${c.runDirs.length} finished run(s); pairwise measures need at least 2`);
  const set = loadRuns(c.dir, { ...opts, checkpoint: variant });
  // Labels such as "failed" live in the run's own metrics.json; final/ may not repeat them.
  if (variant === "final") for (const run of set.runs) run.metrics = { ...(readMetrics(path.join(c.dir, run.name), opts.read) ?? {}), ...(run.metrics ?? {}) };
  return set;
}

/** A run's metrics.json, or undefined when it has none. */
export function readMetrics(runDir: string, read: ReadFile = readRegularFile): Record<string, unknown> | undefined {
  const f = path.join(runDir, "metrics.json");
  if (!fs.existsSync(f)) return undefined;
  try {
    return JSON.parse(read(f).toString("utf8"));
  } catch (err) {
    if (err instanceof NotARegularFileError) throw new RunFormatError(err.message);
    throw new RunFormatError(`${f}: not valid JSON (${(err as Error).message}); fix or delete the file`);
  }
}
