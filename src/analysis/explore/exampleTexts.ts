// The text of each test example of a run set, when the runs say which task they measured
// (config.json): this project's own runs (task, taskSource), runs exported by
// python/instability_export.py from GLUE (task, split, limit) or from a --task-file (taskFile and
// its columns). Anything else has no texts, and the reason says why, so a table can say so.
import { applyDevSplit, devSplitIndices } from "../../data/devSplit";
import { glueTaskName, readGlueSplit } from "../../data/glue";
import { loadTask, resolveGlueDir } from "../../data/loadTask";
import { readTaskFileTexts } from "../../data/taskFile";
import type { Example } from "../../data/types";
import type { RunSet } from "../../runs/runFolder";

export interface TextOptions {
  /** GLUE folder for GLUE runs (default GLUE_DIR, then the folder the runs were trained from). */
  glueDir?: string;
}

export type ExampleTexts = { texts: string[]; source: string } | { texts?: undefined; reason: string };

function exampleText(e: Example): string {
  return e.textPair === undefined ? e.text : `${e.text} [SEP] ${e.textPair}`;
}

/** The first run's config.json says which task; texts of the examples in the runs' order, or why not. */
export function exampleTexts(set: RunSet, o: TextOptions = {}): ExampleTexts {
  const config = set.runs[0].config;
  const task = config?.task;
  if (typeof task !== "string") return { reason: "config.json names no task" };
  try {
    const texts = config!.source === "instability_export.py" ? exportedTexts(config!, task, o) : ownRunTexts(config!, task, o);
    if (texts.length !== set.n) return { reason: `task '${task}' has ${texts.length} examples here but the runs have ${set.n}` };
    return { texts, source: typeof config!.taskFile === "string" ? config!.taskFile : `task ${task}` };
  } catch (err) {
    return { reason: (err as Error).message };
  }
}

/** Runs of `instability finetune`: the task's test half (GLUE from the folder it was read from). */
function ownRunTexts(config: Record<string, unknown>, task: string, o: TextOptions): string[] {
  const source = typeof config.taskSource === "string" ? config.taskSource : "";
  const trainedFrom = source.startsWith("glue:") ? source.slice("glue:".length) : undefined;
  const glueDir = resolveGlueDir(o.glueDir) ?? trainedFrom;
  return loadTask(task, { glueDir }).test.map(exampleText);
}

function exportedTexts(config: Record<string, unknown>, task: string, o: TextOptions): string[] {
  const limit = typeof config.limit === "number" ? config.limit : undefined;
  const take = (xs: string[]) => (limit === undefined ? xs : xs.slice(0, limit));
  if (typeof config.taskFile === "string") {
    if (typeof config.textColumn !== "string") throw new Error("the export does not record its text column (exported before textColumn was written)");
    const pair = typeof config.textPairColumn === "string" ? config.textPairColumn : undefined;
    return take(readTaskFileTexts(config.taskFile, { text: config.textColumn, textPair: pair }));
  }
  const glue = glueTaskName(task);
  const dir = resolveGlueDir(o.glueDir);
  if (!glue) throw new Error(`task '${task}' is neither a GLUE task nor a task file`);
  if (!dir) throw new Error(`task '${task}' is a GLUE task: pass --glue-dir DIR (or set GLUE_DIR) to show its texts`);
  const dev = readGlueSplit(dir, glue, "dev");
  const split = config.split;
  const examples = split === "dev" ? dev : applyDevSplit(dev, devSplitIndices(glue, dev.length))[split === "validation" ? "validation" : "test"];
  return take(examples.map(exampleText));
}
