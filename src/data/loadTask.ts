// One entry point for every task: GLUE tasks read from a directory in the GLUE layout, split by
// the paper's protocol, and the embedded tasks built from npm-shipped corpora. Parsed tasks are
// cached per process (keyed by name and resolved directory), so a sweep that asks for the same
// task once per run pays for parsing once, and the embedded tasks' splits are kept on disk between
// processes (taskCache.ts). The returned task is frozen (arrays and examples), so
// code that shuffles a split in place fails loudly instead of changing it for every later caller:
// copy first (`[...task.train]`).
import * as path from "node:path";
import { GLUE_SPECS, glueTaskName, readGlueSplit, type GlueTaskName } from "./glue";
import { applyDevSplit, devSplitIndices } from "./devSplit";
import { EMBEDDED_TASK_NAMES, buildEmbeddedTask, embeddedTaskName } from "./embeddedTasks";
import { cachedTaskBuild } from "./taskCache";
import type { TaskData } from "./types";

export interface LoadTaskOptions {
  /** Directory in the GLUE layout; defaults to the GLUE_DIR environment variable. */
  glueDir?: string;
}

const cache = new Map<string, TaskData>();

export const GLUE_TASK_NAMES: readonly string[] = ["rte", "mrpc", "cola", "sst2"];

/** Every name loadTask accepts (canonical spelling). */
export function taskNames(): string[] {
  return [...GLUE_TASK_NAMES, ...EMBEDDED_TASK_NAMES];
}

/** The GLUE directory in effect: the option, else GLUE_DIR, else null. */
export function resolveGlueDir(glueDir?: string): string | null {
  const dir = glueDir ?? process.env.GLUE_DIR;
  return dir ? path.resolve(dir) : null;
}

export function loadTask(name: string, options: LoadTaskOptions = {}): TaskData {
  const glue = glueTaskName(name);
  if (glue) {
    const dir = resolveGlueDir(options.glueDir);
    if (!dir) {
      throw new Error(`task '${name}' is a GLUE task and needs its data: pass --glue-dir DIR (or set GLUE_DIR) to a directory in the GLUE layout, or fetch it with \`instability data glue --out DIR\``);
    }
    return cached(`glue:${glue}:${dir}`, () => loadGlueTask(glue, dir));
  }
  const embedded = embeddedTaskName(name);
  if (embedded) return cached(`embedded:${embedded}`, () => cachedTaskBuild(embedded, () => buildEmbeddedTask(embedded)));
  throw new Error(`unknown task '${name}': valid tasks are ${taskNames().join(", ")} (GLUE names are case-insensitive; sst-2 is accepted)`);
}

function cached(key: string, make: () => TaskData): TaskData {
  let task = cache.get(key);
  if (!task) {
    task = freezeTask(make());
    cache.set(key, task);
  }
  return task;
}

function loadGlueTask(task: GlueTaskName, dir: string): TaskData {
  const spec = GLUE_SPECS[task];
  const train = readGlueSplit(dir, task, "train");
  const dev = readGlueSplit(dir, task, "dev");
  const { validation, test } = applyDevSplit(dev, devSplitIndices(task, dev.length));
  return {
    name: task,
    metric: spec.metric,
    numLabels: 2,
    labelNames: spec.labelNames,
    isPair: spec.isPair,
    train,
    validation,
    test,
    source: `glue:${dir}`,
  };
}

function freezeTask(task: TaskData): TaskData {
  for (const split of [task.train, task.validation, task.test]) {
    for (const e of split) Object.freeze(e);
    Object.freeze(split);
  }
  Object.freeze(task.labelNames);
  return Object.freeze(task);
}

/** Forgets cached tasks (tests that rewrite files in place use it). */
export function clearTaskCache(): void {
  cache.clear();
}
