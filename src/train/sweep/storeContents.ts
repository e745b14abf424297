// What a run store holds, described for a report that analyses it without fine-tuning
// (`reproduce --no-sweep`): its finished runs per configuration, and whether they are exactly a
// preset's grid. The report's header then says what was read, not what the preset would run.
import * as fs from "node:fs";
import * as path from "node:path";
import { listRunFolders } from "../../runs/runDefinition";
import { formatLearningRate, parseConfigurationFolder } from "../../runs/storeLayout";
import { presetRuns } from "./presetSweep";
import type { ReproducePreset } from "./presets";

export interface StoredConfiguration {
  model: string;
  task: string;
  /** Store name of the method (none, mixout, …) and the learning rate, from the folder's name. */
  method: string;
  learningRate: number;
  seeds: number;
}

export interface StoreContents {
  configurations: StoredConfiguration[];
  /** Every finished run, as model/task/config/seed-NN relative to the store. */
  runs: Set<string>;
}

const subdirs = (dir: string) =>
  fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name).sort();

export function readStoreContents(store: string): StoreContents {
  const configurations: StoredConfiguration[] = [];
  const runs = new Set<string>();
  for (const model of subdirs(store))
    for (const task of subdirs(path.join(store, model)))
      for (const name of subdirs(path.join(store, model, task))) {
        const folder = parseConfigurationFolder(name);
        if (!folder) continue;
        const seeds = listRunFolders(path.join(store, model, task, name)).runs;
        if (seeds.length === 0) continue;
        configurations.push({ model, task, method: folder.method, learningRate: folder.learningRate, seeds: seeds.length });
        for (const s of seeds) runs.add(path.join(model, task, name, s));
      }
  return { configurations, runs };
}

/**
 * Whether the store holds exactly the preset's runs (no more, no fewer) for its models and tasks.
 * The learning rates of a preset can depend on the model family (BERT or RoBERTa), which the store
 * does not record, so each family's grid is tried.
 */
export function isPresetGrid(preset: ReproducePreset, contents: StoreContents): boolean {
  const models = [...new Set(contents.configurations.map((c) => c.model))];
  const tasks = [...new Set(contents.configurations.map((c) => c.task))];
  if (models.length !== 1) return false;
  return [undefined, "bert", "roberta"].some((family) => {
    const expected = presetRuns(preset, models[0], tasks, family).runs.map((r) => r.relativeDir);
    return expected.length === contents.runs.size && expected.every((r) => contents.runs.has(r));
  });
}

/** "116 finished runs in 11 configurations: all-MiniLM-L6-v2 on sst2, none lr 1e-4 (10 seeds), …". */
export function describeStoreContents(contents: StoreContents): string {
  const groups = new Map<string, string[]>();
  for (const c of contents.configurations) {
    const key = `${c.model} on ${c.task}`;
    groups.set(key, [...(groups.get(key) ?? []), `${c.method} lr ${formatLearningRate(c.learningRate)} (${c.seeds} seed${c.seeds === 1 ? "" : "s"})`]);
  }
  const parts = [...groups].map(([key, configs]) => `${key}: ${configs.join(", ")}`);
  const n = contents.configurations.length;
  return `${contents.runs.size} finished runs in ${n} configuration${n === 1 ? "" : "s"}; ${parts.join("; ")}`;
}
