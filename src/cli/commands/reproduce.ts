// `instability reproduce`: the main job. Runs the sweeps the analyses need into OUT/runs
// (resuming whatever is there), then every analysis of method.md §6–§8, and writes
// OUT/report.html (self-contained) and OUT/tables/*.csv.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultModelDir } from "../../model/defaultModel";
import { CliError, parseCliArgs } from "../command";
import { PRESETS, learningRateFor, type ReproducePreset } from "../../analysis/presets";
import { writeAnalysisReport } from "../../analysis/report";
import { escapeHtml } from "../../viz/labels";
import { expandGrid, type RunSpec } from "../../train/sweep/grid";
import { finetuneCommand, finetuneOptions } from "../../train/sweep/finetuneCommand";
import { describeStale, staleRuns } from "../../train/sweep/identityCheck";
import { runSweep, type RunCommand, type SweepResult } from "../../train/sweep/pool";

const USAGE = `usage: instability reproduce [options]

Runs the fine-tuning sweeps of a preset into OUT/runs (finished runs are kept; rerunning resumes),
then every analysis of the paper, and writes OUT/report.html and OUT/tables/*.csv.
With no options: the embedded model, the embedded tasks and the quick preset.

  --preset quick|paper     quick: ~10 minutes on 2 cores (a cut-down grid); paper: the full protocol
  --glue-dir DIR           GLUE data: use the GLUE tasks (or set GLUE_DIR)
  --model DIR              checkpoint (default: the embedded model)
  --out DIR                output folder (default: out/reproduce)
  --workers N              fine-tuning worker processes (default: number of cores)
  --no-sweep               analyse OUT/runs as it is, without fine-tuning anything
  --chance textbook|uniform-over-items
                           Fleiss' κ chance term (default textbook; the paper's numbers: uniform-over-items)`;

export interface ReproduceOptions {
  preset: ReproducePreset;
  out: string;
  workers: number;
  model?: string;
  glueDir?: string;
  sweep?: boolean;
  chance?: "textbook" | "uniform-over-items";
  /** Replaces `instability finetune` (tests use a fake). */
  commandFor?: (run: RunSpec, runDir: string, saveFinal: boolean) => RunCommand;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Shown in the report's subtitle. */
  commandLine?: string;
}

export interface ReproduceResult {
  runs: RunSpec[];
  sweep?: SweepResult;
  report: string;
  csv: string[];
  analysisErrors: { section: string; message: string }[];
  seconds: { sweep: number; analysis: number };
}

/** The checkpoint's config.json: --model's, else the embedded model's. */
function modelConfig(modelDir: string | undefined): Record<string, unknown> | undefined {
  const dir = modelDir ?? defaultModelDir();
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
  } catch {
    return undefined;
  }
}

/** "bert", "roberta", … from the checkpoint's config.json. */
export function modelFamily(modelDir: string | undefined): string | undefined {
  const t = modelConfig(modelDir)?.model_type;
  return typeof t === "string" ? t : undefined;
}

/** Every run of a preset, and the run folders that also keep their final model. */
export function presetRuns(preset: ReproducePreset, modelName: string, tasks: string[], family?: string): { runs: RunSpec[]; saveFinal: Set<string> } {
  const runs: RunSpec[] = [];
  const saveFinal = new Set<string>();
  const seen = new Set<string>();
  for (const part of preset.parts) {
    const partTasks = tasks.filter((t) => !(part.excludeTasks ?? []).includes(t));
    if (partTasks.length === 0) continue;
    const lr = learningRateFor(part.learningRate, family);
    for (const r of expandGrid({ model: modelName, tasks: partTasks, mitigations: part.mitigations, learningRates: [lr], seeds: part.seeds })) {
      if (part.saveFinal) saveFinal.add(r.relativeDir);
      if (!seen.has(r.relativeDir)) (seen.add(r.relativeDir), runs.push(r));
    }
  }
  return { runs, saveFinal };
}

export async function reproduce(o: ReproduceOptions): Promise<ReproduceResult> {
  const stream = o.stream ?? process.stderr;
  const say = (line: string) => stream.write(line + "\n");
  const store = path.resolve(o.out, "runs");
  const modelName = path.basename(path.resolve(o.model ?? defaultModelDir()));
  const tasks = o.glueDir ? o.preset.tasks.glue : o.preset.tasks.embedded;
  const { runs, saveFinal } = presetRuns(o.preset, modelName, tasks, modelFamily(o.model));
  const t0 = Date.now();
  let sweep: SweepResult | undefined;
  if (o.sweep ?? true) {
    say(`reproduce: preset ${o.preset.name}, ${runs.length} runs of ${tasks.join(", ")} into ${store}`);
    const { epochs, batch, maxTrainExamples, maxLength } = o.preset.finetune;
    // No preset depth: the fine-tuning engine scales the paper's 5 of 24 blocks to the model.
    const reinitLayers = o.preset.finetune.reinitLayers;
    const commandFor = (r: RunSpec, runDir: string): RunCommand => {
      const keepFinal = saveFinal.has(r.relativeDir);
      return o.commandFor
        ? o.commandFor(r, runDir, keepFinal)
        : finetuneCommand(r, runDir, { model: o.model, glueDir: o.glueDir, epochs, batch, maxTrainExamples, maxLength, reinitLayers, saveFinal: keepFinal });
    };
    if (!o.commandFor) {
      // Finished runs made with other settings (another preset, checkpoint or data) are not reused.
      const args = { model: o.model, glueDir: o.glueDir, epochs, batch, maxTrainExamples, maxLength, reinitLayers };
      let stale;
      try {
        stale = staleRuns(store, runs, (r, runDir) => finetuneOptions(r, runDir, { ...args, saveFinal: saveFinal.has(r.relativeDir) }, defaultModelDir()));
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      if (stale.length) throw new CliError(`${describeStale(store, stale)}; use another --out (or remove them)`);
    }
    try {
      sweep = await runSweep({ store, runs, workers: o.workers, commandFor, stream });
    } catch (err) {
      throw new CliError(`--out ${o.out}: ${(err as Error).message}`);
    }
    say(`reproduce: ${sweep.alreadyDone + sweep.completed.length}/${runs.length} runs complete (${sweep.alreadyDone} were already there)`);
    for (const f of sweep.failed) say(`  failed: ${f.run.relativeDir} (exit ${f.exitCode ?? f.signal}); log: ${f.log}`);
    if (sweep.interrupted) throw new CliError("interrupted; finished runs are kept, rerun the same command to complete the rest", 130);
    if (sweep.failed.length > 0 && sweep.completed.length === 0 && sweep.alreadyDone === 0) {
      throw new CliError(`all ${sweep.failed.length} fine-tuning runs failed, nothing to analyse; see the log of the first one: ${sweep.failed[0].log}`);
    }
  }
  const t1 = Date.now();
  if (!fs.existsSync(store)) throw new CliError(`${store}: no run store; run without --no-sweep first`);
  const p = o.preset;
  const subtitle = [
    `Preset <b>${escapeHtml(p.name)}</b>: ${escapeHtml(p.description)}`,
    p.cuts.length ? `Cut from the paper's protocol: ${p.cuts.map(escapeHtml).join("; ")}.` : "",
    o.commandLine ? `Command: <code>${escapeHtml(o.commandLine)}</code>` : "",
  ].filter(Boolean).join("<br>");
  const written = writeAnalysisReport(store, path.resolve(o.out), {
    subtitle,
    chance: o.chance,
    bootstrap: { resamples: p.analysis.bootstrapResamples },
    subsampling: { rates: p.analysis.subsamplingRates, repetitions: p.analysis.subsamplingRepetitions },
    failure: { permutations: p.analysis.permutations },
    footer: `Fine-tuning ${((t1 - t0) / 1000).toFixed(0)} s (${sweep ? `${sweep.completed.length} runs now, ${sweep.alreadyDone} resumed, ${sweep.failed.length} failed` : "skipped"}); generated ${new Date().toISOString()}.`,
    log: (l) => say(l),
  });
  const t2 = Date.now();
  say(`reproduce: wrote ${written.report} (${(written.bytes / 1e6).toFixed(1)} MB) and ${written.csv.length} tables in ${path.join(path.resolve(o.out), "tables")}`);
  return { runs, sweep, report: written.report, csv: written.csv, analysisErrors: written.errors, seconds: { sweep: (t1 - t0) / 1000, analysis: (t2 - t1) / 1000 } };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCliArgs("reproduce", {
    args: argv,
    options: {
      preset: { type: "string" },
      "glue-dir": { type: "string" },
      model: { type: "string" },
      out: { type: "string" },
      workers: { type: "string" },
      "no-sweep": { type: "boolean" },
      chance: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const preset = PRESETS[values.preset ?? "quick"];
  if (!preset) throw new CliError(`--preset: unknown preset '${values.preset}'; use ${Object.keys(PRESETS).join(" or ")}`);
  const workers = values.workers === undefined ? os.cpus().length : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new CliError(`--workers must be a positive integer, got '${values.workers}'`);
  const chance = values.chance;
  if (chance !== undefined && chance !== "textbook" && chance !== "uniform-over-items") throw new CliError(`--chance: '${chance}' is not textbook or uniform-over-items`);
  const glueDir = values["glue-dir"] ?? process.env.GLUE_DIR;
  if (glueDir !== undefined && !fs.existsSync(glueDir)) throw new CliError(`--glue-dir ${glueDir}: not found; pass the folder that holds RTE/, MRPC/, CoLA/, SST-2/ (instability data download)`);
  if (values.model !== undefined && !fs.existsSync(path.join(values.model, "config.json"))) {
    throw new CliError(`--model ${values.model}: no config.json there; pass a Hugging Face checkpoint folder`);
  }
  const result = await reproduce({
    preset,
    out: values.out ?? path.join("out", "reproduce"),
    workers,
    model: values.model,
    glueDir,
    sweep: !values["no-sweep"],
    chance,
    commandLine: ["instability", "reproduce", ...argv].join(" "),
  });
  process.stdout.write(result.report + "\n");
  const failedRuns = result.sweep?.failed.length ?? 0;
  if (failedRuns || result.analysisErrors.length) {
    process.stderr.write(`reproduce: finished with ${failedRuns} failed run(s) and ${result.analysisErrors.length} failed analysis section(s); the report shows what could be computed\n`);
    return 1;
  }
  return 0;
}
