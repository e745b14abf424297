// A sweep is a grid of fine-tuning runs: tasks × mitigation methods × learning rates × seeds.
// Each run has a fixed place in the run store (runs/storeLayout.ts), so a rerun of the same
// sweep finds what is done.
import * as path from "node:path";
import { checkStoreName, configurationDir, seedFolder } from "../../runs/storeLayout";

export interface SweepGrid {
  model: string;            // a short name for the checkpoint, used in the store path
  tasks: string[];
  mitigations: string[];
  learningRates: number[];
  seeds: number[];
}

export interface RunSpec {
  model: string;
  task: string;
  mitigation: string;
  learningRate: number;
  seed: number;
  /** Path of the run folder relative to the store. */
  relativeDir: string;
}

/** All runs of the grid, in a stable order (task, method, lr, seed) that interleaves nothing. */
export function expandGrid(grid: SweepGrid): RunSpec[] {
  for (const [name, list] of Object.entries({ tasks: grid.tasks, mitigations: grid.mitigations, learningRates: grid.learningRates, seeds: grid.seeds })) {
    if (list.length === 0) throw new Error(`the sweep has no ${name}: give at least one`);
  }
  checkStoreName("--model-name", grid.model);
  grid.tasks.forEach((t) => checkStoreName("--tasks", t));
  grid.mitigations.forEach((m) => checkStoreName("--mitigations", m));
  // Duplicates (--tasks spam,spam) would train the same run twice.
  const unique = <T>(xs: T[]) => [...new Set(xs)];
  grid = { ...grid, tasks: unique(grid.tasks), mitigations: unique(grid.mitigations), learningRates: unique(grid.learningRates), seeds: unique(grid.seeds) };
  const runs: RunSpec[] = [];
  for (const task of grid.tasks)
    for (const mitigation of grid.mitigations)
      for (const learningRate of grid.learningRates)
        for (const seed of grid.seeds)
          runs.push({
            model: grid.model, task, mitigation, learningRate, seed,
            relativeDir: path.join(configurationDir(grid.model, task, mitigation, learningRate), seedFolder(seed)),
          });
  return runs;
}

const MAX_SEED = 2 ** 32 - 1; // as train/finetune/config: the random streams are 32-bit
const MAX_SWEEP_SEEDS = 100_000;

/** Parses "0-19", "0,2,5", "0-4,10" into a sorted list of distinct non-negative integers. */
export function parseSeeds(text: string): number[] {
  const seeds = new Set<number>();
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`bad seed list '${text}': use numbers and ranges like 0-19 or 0,3,7`);
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new Error(`bad seed range '${part}': the end is below the start`);
    if (b > MAX_SEED) throw new Error(`bad seed '${part}': seeds are 32-bit, at most ${MAX_SEED}`);
    if (seeds.size + (b - a + 1) > MAX_SWEEP_SEEDS) throw new Error(`bad seed list '${text}': more than ${MAX_SWEEP_SEEDS} seeds; a sweep of that many runs is surely a typo`);
    for (let s = a; s <= b; s++) seeds.add(s);
  }
  if (seeds.size === 0) throw new Error(`bad seed list '${text}': it names no seed`);
  return [...seeds].sort((x, y) => x - y);
}
