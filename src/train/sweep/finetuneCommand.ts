// One run of a sweep as its worker gets it: the grid's run and the sweep's arguments become the
// run's spec (train/finetune/runSpec.ts: every setting resolved), and the worker's command line
// hands that spec over whole, `instability finetune --spec JSON --out RUN_DIR`. `instability
// sweep`, `instability reproduce` and the notebooks all build their runs here, so they write
// identical runs into the same store layout, and the stale-run check compares the same spec.
import * as path from "node:path";
import type { FineTuneOptions } from "../finetune/config";
import { checkpointConfig } from "../finetune/identity";
import { type FineTuneSpec, resolveSpec } from "../finetune/runSpec";
import type { MitigationHyperParameters } from "../mitigation/method";
import { ownerOf } from "../mitigation/registry";
import type { RunSpec } from "./grid";
import type { RunCommand } from "./pool";

/** Options every run of a sweep gets (undefined: finetune's default); paths are made absolute. */
export interface FinetuneArgs {
  model?: string;
  glueDir?: string;
  epochs?: number | string;
  batch?: number | string;
  maxTrainExamples?: number | string;
  maxLength?: number | string;
  /** Method hyper-parameters by key (mixoutP, llrdEta, reinitLayers, …); each goes to its own method's runs only. */
  hyperParameters?: Partial<MitigationHyperParameters>;
  /** e.g. "final:accuracy<=majority" (method.md §3.1). */
  failedRule?: string;
  /** Also write the final model's outputs into RUN_DIR/final (failed-run analysis). */
  saveFinal?: boolean;
}

/** dist/src/cli/main.js, the CLI this code was built with. */
export function defaultCliPath(): string {
  return path.resolve(__dirname, "..", "..", "cli", "main.js");
}

/** The fine-tuning options of one grid run, before they are settled against the checkpoint. */
export function finetuneOptions(run: RunSpec, runDir: string, args: FinetuneArgs, modelDir: string): FineTuneOptions & { task: string } {
  const num = (v: number | string | undefined) => (v === undefined ? undefined : Number(v));
  return {
    task: run.task, seed: run.seed, lr: run.learningRate, mitigation: run.mitigation, out: runDir,
    modelDir: path.resolve(args.model ?? modelDir), glueDir: args.glueDir,
    epochs: num(args.epochs), batchSize: num(args.batch), maxTrainExamples: num(args.maxTrainExamples), maxLength: num(args.maxLength),
    mitigationHyperParameters: methodHyperParameters(run, args),
    failedRule: args.failedRule, saveFinal: args.saveFinal ?? false,
  };
}

/** The hyper-parameters of this run's method among those given (a flag of another method is not its business). */
function methodHyperParameters(run: RunSpec, args: FinetuneArgs): FineTuneOptions["mitigationHyperParameters"] {
  const own = Object.entries(args.hyperParameters ?? {}).filter(([key, v]) => v !== undefined && ownerOf(key)?.store === run.mitigation);
  return own.length ? Object.fromEntries(own) : undefined;
}

/** The run's spec: its options settled against the checkpoint's config.json (read, nothing hashed). */
export function runSpecFor(run: RunSpec, args: FinetuneArgs, modelDir: string): FineTuneSpec {
  const options = finetuneOptions(run, run.relativeDir, args, modelDir);
  return resolveSpec(options, checkpointConfig(options.modelDir));
}

/** `instability finetune --spec JSON --out RUN_DIR` (with --overwrite to redo a run made with other settings). */
export function finetuneCommand(spec: FineTuneSpec, runDir: string, overwrite = false, cli = defaultCliPath()): RunCommand {
  const argv = [cli, "finetune", "--spec", JSON.stringify(spec), "--out", runDir];
  if (overwrite) argv.push("--overwrite");
  return { command: process.execPath, args: argv };
}
