// What notebook 07 measures when no RUNS_DIR is given, so that Run All on a fresh clone shows the
// whole notebook instead of stopping at its first cell: the main job's Standard runs when
// `instability reproduce` has made them, else a small synthetic runs folder written on the spot.
// Either way the cell's first output says what it measures and how to measure your own runs.
import * as fs from "node:fs";
import * as path from "node:path";
import { RunStore } from "../analysis/store";
import { packageRoot } from "../util/packageRoot";
import { defaultRunStore } from "../train/sweep/defaultStore";
import { escapeHtml, publish } from "./display";
import { writeSyntheticStore } from "./syntheticStore";

export interface DemoRuns {
  /** A runs folder (one sub-folder per run) for checkRuns. */
  dir: string;
  source: "main job" | "synthetic";
  /** One sentence: what the runs are and where they are. */
  description: string;
}

export interface DemoRunsOptions {
  /** The main job's run store (default: `instability reproduce`'s, train/sweep/defaultStore.ts). */
  store?: string;
  /** Where synthetic runs are written when the store has none (default runs/notebooks/demo). */
  syntheticDir?: string;
  /** Show the note in the cell (default true). */
  show?: boolean;
}

const HOW_TO = "To measure your own runs, set RUNS_DIR in the first code cell to a folder of runs " +
  "(the --out folder of python/instability_export.py, or a configuration folder of a run store) and run all cells again.";

/** The demo runs folder, written if needed, with a note in the cell saying what it is and how to use your own. */
export function demoRuns(o: DemoRunsOptions = {}): DemoRuns {
  const demo = mainJobRuns(o.store ?? defaultRunStore()) ?? syntheticRuns(o.syntheticDir ?? path.join(packageRoot(), "runs", "notebooks", "demo"));
  if (o.show ?? true) {
    publish({
      "text/html": `<p><b>RUNS_DIR is not set: this notebook measures a demo folder.</b> ${escapeHtml(demo.description)}</p><p>${escapeHtml(HOW_TO)}</p>`,
      "text/plain": `RUNS_DIR is not set: this notebook measures a demo folder. ${demo.description}\n${HOW_TO}`,
    });
  }
  return demo;
}

/** The Standard configuration of the store's first model and task, if it has 2 or more runs. */
function mainJobRuns(store: string): DemoRuns | null {
  if (!fs.existsSync(store)) return null;
  const runs = new RunStore(store);
  for (const { model, task } of runs.modelTasks()) {
    const c = runs.standard(model, task);
    if (c) return { dir: c.dir, source: "main job", description: `The main job's Standard runs of ${model} on ${task} (${c.runDirs.length} seeds, fine-tuned by \`instability reproduce\`) in ${c.dir}.` };
  }
  return null;
}

function syntheticRuns(dir: string): DemoRuns {
  const { written } = writeSyntheticStore(dir, { tasks: ["demo"], methods: ["none"], seeds: [0, 1, 2, 3, 4] });
  const runsDir = new RunStore(dir).configurations[0].dir;
  return {
    dir: runsDir,
    source: "synthetic",
    description: `Five SYNTHETIC runs (made by notebook.writeSyntheticStore${written ? " just now" : ""}, not fine-tuned: \`instability reproduce\` has not made the main job's runs yet) in ${runsDir}; their numbers only show what the cells print.`,
  };
}
