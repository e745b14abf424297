// The one launcher of a preset's sweep, shared by `instability reproduce` and the notebooks, so
// both fill and reuse the same runs: the same store layout, the same model folder name, the same
// fine-tuning arguments.
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultModelDir } from "../../model/defaultModel";
import { expandGrid, type RunSpec } from "./grid";
import { finetuneCommand, runSpecFor, type FinetuneArgs } from "./finetuneCommand";
import { describeStale, staleRuns } from "./identityCheck";
import { runSweep, type RunCommand, type SweepResult } from "./pool";
import { learningRateFor, llrdEtaFor, type ReproducePreset, type SweepPart } from "./presets";
import type { SlurmResources } from "./slurmScript";
import { submitSweep, type SubmitSweepResult } from "./submitSweep";

/** The checkpoint's config.json (--model's, else the embedded model's), or undefined. */
export function modelConfig(modelDir: string | undefined): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(modelDir ?? defaultModelDir(), "config.json"), "utf8"));
  } catch {
    return undefined;
  }
}

/** "bert", "roberta", … from the checkpoint's config.json. */
export function modelFamily(modelDir: string | undefined): string | undefined {
  const t = modelConfig(modelDir)?.model_type;
  return typeof t === "string" ? t : undefined;
}

/** The store's folder name for a checkpoint: its folder's name (the embedded model: tiny-bert-en). */
export function storeModelName(modelDir: string | undefined): string {
  return path.basename(path.resolve(modelDir ?? defaultModelDir()));
}

/** Every run of a preset (or of the parts `include` keeps), and the run folders that also keep their final model. */
export function presetRuns(preset: ReproducePreset, modelName: string, tasks: string[], family?: string, include: (p: SweepPart) => boolean = () => true): { runs: RunSpec[]; saveFinal: Set<string> } {
  const runs: RunSpec[] = [];
  const saveFinal = new Set<string>();
  const seen = new Set<string>();
  for (const part of preset.parts.filter(include)) {
    const partTasks = [...new Set(tasks)].filter((t) => !(part.excludeTasks ?? []).includes(t));
    const lr = learningRateFor(part.learningRate, family);
    for (const r of expandGrid({ model: modelName, tasks: partTasks, mitigations: part.mitigations, learningRates: [lr], seeds: part.seeds })) {
      if (part.saveFinal) saveFinal.add(r.relativeDir);
      if (!seen.has(r.relativeDir)) (seen.add(r.relativeDir), runs.push(r));
    }
  }
  return { runs, saveFinal };
}

/** The `instability finetune` arguments every run of the preset gets. */
export function presetFinetuneArgs(preset: ReproducePreset, model: string | undefined, glueDir: string | undefined): FinetuneArgs {
  const layers = Number(modelConfig(model)?.num_hidden_layers) || undefined;
  const { epochs, batch, maxTrainExamples, maxLength, reinitLayers } = preset.finetune;
  // No preset re-init depth: the engine scales the paper's 5 of 24 blocks to the model.
  const hyperParameters = { reinitLayers, mixoutP: preset.mitigation?.mixoutP, llrdEta: llrdEtaFor(preset, layers), wdPreLambda: preset.mitigation?.wdPreLambda };
  return { model, glueDir, epochs, batch, maxTrainExamples, maxLength, hyperParameters: Object.fromEntries(Object.entries(hyperParameters).filter(([, v]) => v !== undefined)) as Record<string, number> };
}

export interface PresetSweepOptions {
  preset: ReproducePreset;
  store: string;
  workers: number;
  model?: string;
  /** The model's folder name in the store (default: the checkpoint's folder name, storeModelName). */
  modelName?: string;
  glueDir?: string;
  /** The parts to run (default: all). */
  include?: (p: SweepPart) => boolean;
  /** Replaces `instability finetune` (tests use a fake). */
  commandFor?: (run: RunSpec, runDir: string, saveFinal: boolean) => RunCommand;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface PresetSweep {
  runs: RunSpec[];
  tasks: string[];
  sweep: SweepResult;
}

/** Finished runs in the store that were made with other settings (another preset, checkpoint or data). */
export class StaleRunsError extends Error {}

/** The preset's runs and the command of each; throws StaleRunsError for finished runs made otherwise. */
function presetPlan(o: PresetSweepOptions): { runs: RunSpec[]; tasks: string[]; commandFor: (r: RunSpec, runDir: string) => RunCommand } {
  const tasks = o.glueDir ? o.preset.tasks.glue : o.preset.tasks.embedded;
  const { runs, saveFinal } = presetRuns(o.preset, o.modelName ?? storeModelName(o.model), tasks, modelFamily(o.model), o.include);
  const args = presetFinetuneArgs(o.preset, o.model, o.glueDir);
  if (o.commandFor) {
    const fake = o.commandFor;
    return { runs, tasks, commandFor: (r, runDir) => fake(r, runDir, saveFinal.has(r.relativeDir)) };
  }
  // Every run's spec before anything runs, so a bad option or checkpoint stops the sweep at once.
  const specs = new Map(runs.map((r) => [r.relativeDir, runSpecFor(r, { ...args, saveFinal: saveFinal.has(r.relativeDir) }, defaultModelDir())]));
  // A finished run is reused only if it was made with this spec (its config.json says so).
  const stale = staleRuns(o.store, runs, (r) => specs.get(r.relativeDir)!);
  if (stale.length) throw new StaleRunsError(describeStale(o.store, stale));
  const commandFor = (r: RunSpec, runDir: string): RunCommand => finetuneCommand(specs.get(r.relativeDir)!, runDir);
  return { runs, tasks, commandFor };
}

export async function sweepPreset(o: PresetSweepOptions): Promise<PresetSweep> {
  const { runs, tasks, commandFor } = presetPlan(o);
  const sweep = await runSweep({ store: o.store, runs, workers: o.workers, commandFor, stream: o.stream });
  return { runs, tasks, sweep };
}

/** Submits the preset's missing runs to Slurm (the cluster trains them; a later sweep reuses them). */
export function submitPreset(o: Omit<PresetSweepOptions, "workers" | "stream"> & SlurmResources & { maxArraySize?: number }): SubmitSweepResult & { runs: RunSpec[] } {
  const { runs, commandFor } = presetPlan({ ...o, workers: 1 });
  return { ...submitSweep({ ...o, runs, commandFor }), runs };
}
