// `instability reproduce`: the main job. Runs the sweeps the analyses need into OUT/runs
// (resuming whatever is there), then every analysis of method.md §6–§8, and writes
// OUT/report.html (self-contained) and OUT/tables/*.csv.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CliError, parseCliArgs } from "../command";
import { extraMeasureList } from "../../analysis/extraMeasures";
import { extraRepresentationMeasures } from "../../measures/representationMeasures";
import { wrapUsage } from "../measureFlags";
import { writeAnalysisReport } from "../../report";
import { escapeHtml } from "../../runs/names";
import { makeDirs } from "../../util/makeDirs";
import { codeProvenance } from "../../util/provenance";
import { markdownCode, markdownText } from "../../util/displayText";
import type { RunSpec } from "../../train/sweep/grid";
import type { RunCommand, SweepResult } from "../../train/sweep/pool";
import { PRESETS, type ReproducePreset } from "../../train/sweep/presets";
import { defaultReproduceOut } from "../../train/sweep/defaultStore";
import { StaleRunsError, submitPreset, sweepPreset } from "../../train/sweep/presetSweep";
import { describeStoreContents, isPresetGrid, readStoreContents } from "../../train/sweep/storeContents";
import { shellQuote } from "../../train/sweep/commands";
import type { SlurmResources } from "../../train/sweep/slurmScript";
import { checkOneLine, SLURM_FLAGS, SLURM_USAGE, slurmResources, wantsSlurmSubmit } from "../slurmFlags";

const usage = () => `usage: instability reproduce [options]

Runs the fine-tuning sweeps of a preset into OUT/runs (finished runs are kept; rerunning resumes),
then every analysis of the paper, and writes OUT/report.html and OUT/tables/*.csv.
With no options: the embedded model, the embedded tasks and the quick preset.

  --preset quick|glue-small|paper
                           quick: ~10 minutes on 2 cores (a cut-down grid, the embedded model);
                           glue-small: SST-2 on a real checkpoint, sized to decide every finding on
                           all-MiniLM-L6-v2 in < 2 hours on 2 cores (needs --glue-dir and --model);
                           paper: the full protocol
  --glue-dir DIR           GLUE data: use the GLUE tasks (or set GLUE_DIR)
  --model DIR              checkpoint (default: the embedded model)
  --model-name NAME        the model's folder name in the store (default: the checkpoint's folder name)
  --out DIR                output folder (default: $INSTABILITY_OUT, else out/reproduce in the package's
                           folder, wherever you start: the store the notebooks read)
  --workers N              fine-tuning worker processes (default: number of cores)
  --no-sweep               analyse OUT/runs as it is, without fine-tuning anything (findings.md
                           and the report say which runs were read, and whether they are the preset's grid)
  --chance textbook|uniform-over-items
                           Fleiss' κ chance term (default textbook; the paper's numbers: uniform-over-items)
  --measures pwcca,rsa,…   optional representation measures added to the convergent-validity section,
                           each correlated with CKA, OP and SVCCA (measured on the Standard runs only,
                           with their default settings); default: the paper's three. Choices:
${wrapUsage(extraRepresentationMeasures().join(", "), 27)}
${SLURM_USAGE}
                           (reproduce then exits; run the same command again once the jobs are
                           done: it reuses their runs and writes the report)`;

export interface ReproduceOptions {
  preset: ReproducePreset;
  out: string;
  workers: number;
  model?: string;
  modelName?: string;
  glueDir?: string;
  sweep?: boolean;
  chance?: "textbook" | "uniform-over-items";
  /** Optional representation measures for the convergent-validity section (ReportOptions.measures). */
  measures?: string[];
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

/** The head of findings.md: what was run (or, without a sweep, read), by which command, how long it took. */
function findingsHeader(p: ReproducePreset, commandLine: string | undefined, source: { sweep: SweepResult; seconds: number } | RunsRead): string {
  const command = commandLine ?? "instability reproduce";
  const provenance = `<!-- Provenance: written by \`${command}\` from ${codeProvenance()} on ${new Date().toISOString().slice(0, 10)}. -->`;
  const verdicts = "Verdicts: holds / does not hold / not enough evidence, each with the preconditions it checked.";
  const presetLines = [`Preset: ${p.description}`, p.cuts.length ? `Cut from the paper's protocol: ${p.cuts.join("; ")}.` : ""];
  const title = p.name === "quick" ? "# Findings of the main job" : `# Findings of the ${p.name} preset`;
  if ("sweep" in source) {
    const { sweep, seconds } = source;
    return [provenance, "", title, "",
      `Generated by ${markdownCode(command)} (preset \`${p.name}\`) from the runs in its store; not typed by hand.`,
      ...presetLines,
      `Fine-tuning: ${seconds.toFixed(0)} s (${sweep.completed.length} runs now, ${sweep.alreadyDone} reused, ${sweep.failed.length} failed). ${verdicts}`,
    ].filter(Boolean).join("\n");
  }
  // --no-sweep: the store may hold anything, so say what was read; the preset's description
  // only where the runs are exactly its grid.
  const read = source;
  return [provenance, "", read.isGrid ? title : "# Findings of the runs in the store", "",
    `Generated by ${markdownCode(command)} from the runs in its store, without fine-tuning (--no-sweep); not typed by hand.`,
    `Runs read: ${markdownText(read.described)}.`,
    ...(read.isGrid ? [`They are exactly the ${p.name} preset's runs.`, ...presetLines] : [notTheGrid(p)]),
    verdicts,
  ].filter(Boolean).join("\n");
}

/** What a --no-sweep report read: the store's runs in words, and whether they are the preset's grid. */
interface RunsRead {
  described: string;
  isGrid: boolean;
}

function runsRead(p: ReproducePreset, store: string): RunsRead {
  const contents = readStoreContents(store);
  return { described: describeStoreContents(contents), isGrid: isPresetGrid(p, contents) };
}

function notTheGrid(p: ReproducePreset): string {
  return `They are not the ${p.name} preset's grid; its analysis settings were used (${analysisSettings(p)}).`;
}

function analysisSettings(p: ReproducePreset): string {
  const a = p.analysis;
  return `${a.bootstrapResamples} bootstrap resamples, sub-sampling rates ${a.subsamplingRates.join(", ")} × ${a.subsamplingRepetitions}, ${a.permutations} permutations`;
}

export async function reproduce(o: ReproduceOptions): Promise<ReproduceResult> {
  const stream = o.stream ?? process.stderr;
  const say = (line: string) => stream.write(line + "\n");
  const store = path.resolve(o.out, "runs");
  const t0 = Date.now();
  let sweep: SweepResult | undefined;
  let runs: RunSpec[] = [];
  if (o.sweep ?? true) {
    const tasks = o.glueDir ? o.preset.tasks.glue : o.preset.tasks.embedded;
    say(`reproduce: preset ${o.preset.name} on ${tasks.join(", ")} into ${store}`);
    let done;
    try {
      done = await sweepPreset({ preset: o.preset, store, workers: o.workers, model: o.model, modelName: o.modelName, glueDir: o.glueDir, commandFor: o.commandFor, stream });
    } catch (err) {
      if (err instanceof StaleRunsError) throw new CliError(`${err.message}; use another --out (or remove them)`);
      throw new CliError(`--out ${o.out}: ${(err as Error).message}`);
    }
    (sweep = done.sweep), (runs = done.runs);
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
  const read = sweep ? undefined : runsRead(p, store); // a sweep's store is the preset's grid
  const isGrid = read?.isGrid ?? true;
  const subtitle = [
    read ? `Runs read (--no-sweep): ${escapeHtml(read.described)}` : "",
    isGrid ? `Preset <b>${escapeHtml(p.name)}</b>: ${escapeHtml(p.description)}` : escapeHtml(notTheGrid(p)),
    isGrid && p.cuts.length ? `Cut from the paper's protocol: ${p.cuts.map(escapeHtml).join("; ")}.` : "",
    o.commandLine ? `Command: <code>${escapeHtml(o.commandLine)}</code>` : "",
  ].filter(Boolean).join("<br>");
  const written = writeAnalysisReport(store, path.resolve(o.out), {
    subtitle,
    chance: o.chance,
    measures: o.measures,
    bootstrap: { resamples: p.analysis.bootstrapResamples },
    subsampling: { rates: p.analysis.subsamplingRates, repetitions: p.analysis.subsamplingRepetitions },
    failure: { permutations: p.analysis.permutations },
    footer: `Fine-tuning ${((t1 - t0) / 1000).toFixed(0)} s (${sweep ? `${sweep.completed.length} runs now, ${sweep.alreadyDone} resumed, ${sweep.failed.length} failed` : "skipped"}); generated ${new Date().toISOString()}.`,
    log: (l) => say(l),
    findingsHeader: findingsHeader(p, o.commandLine, read ?? { sweep: sweep!, seconds: (t1 - t0) / 1000 }),
  });
  const t2 = Date.now();
  say(`reproduce: wrote ${written.report} (${(written.bytes / 1e6).toFixed(1)} MB), ${written.findings} and ${written.csv.length} tables in ${path.join(path.resolve(o.out), "tables")}`);
  for (const f of written.verdicts) say(`  ${f.verdict.padEnd(19)} ${f.title}`);
  return { runs, sweep, report: written.report, csv: written.csv, analysisErrors: written.errors, seconds: { sweep: (t1 - t0) / 1000, analysis: (t2 - t1) / 1000 } };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCliArgs("reproduce", {
    args: argv,
    options: {
      preset: { type: "string" },
      "glue-dir": { type: "string" },
      model: { type: "string" },
      "model-name": { type: "string" },
      out: { type: "string" },
      workers: { type: "string" },
      "no-sweep": { type: "boolean" },
      chance: { type: "string" },
      measures: { type: "string" },
      ...SLURM_FLAGS,
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage() + "\n");
    return 0;
  }
  const preset = PRESETS[values.preset ?? "quick"];
  if (!preset) throw new CliError(`--preset: unknown preset '${values.preset}'; use ${Object.keys(PRESETS).join(" or ")}`);
  const workers = values.workers === undefined ? os.cpus().length : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new CliError(`--workers must be a positive integer, got '${values.workers}'`);
  const chance = values.chance;
  if (chance !== undefined && chance !== "textbook" && chance !== "uniform-over-items") throw new CliError(`--chance: '${chance}' is not textbook or uniform-over-items`);
  const measures = values.measures?.split(",").map((m) => m.trim());
  try {
    extraMeasureList(measures, "--measures");
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const glueDir = values["glue-dir"] ?? process.env.GLUE_DIR;
  if (!values["no-sweep"] && (glueDir ? preset.tasks.glue : preset.tasks.embedded).length === 0) {
    throw new CliError(`--preset ${preset.name}: its tasks are GLUE tasks (${preset.tasks.glue.join(", ")}); pass --glue-dir DIR (or set GLUE_DIR)`);
  }
  if (glueDir !== undefined && !fs.existsSync(glueDir)) throw new CliError(`--glue-dir ${glueDir}: not found; pass the folder that holds RTE/, MRPC/, CoLA/, SST-2/ (instability data download)`);
  if (values.model !== undefined && !fs.existsSync(path.join(values.model, "config.json"))) {
    throw new CliError(`--model ${values.model}: no config.json there; pass a Hugging Face checkpoint folder`);
  }
  const out = values.out ?? defaultOut();
  checkWritableOut(out); // before the sweep and the analysis, not after them
  if (wantsSlurmSubmit(values)) {
    if (values["no-sweep"]) throw new CliError("--submit slurm and --no-sweep cannot be combined: --no-sweep trains nothing to submit");
    checkOneLine({ "--out": path.resolve(out), "--model": values.model && path.resolve(values.model), "--glue-dir": glueDir && path.resolve(glueDir) });
    const again = ["instability", "reproduce", ...argv].map(shellQuote).join(" ");
    if (submitToCluster(preset, out, values.model, values["model-name"], glueDir, slurmResources(values), again)) return 0;
  }
  const result = await reproduce({
    preset,
    out,
    workers,
    model: values.model,
    modelName: values["model-name"],
    glueDir,
    sweep: !values["no-sweep"],
    chance,
    measures,
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

/** Submits the preset's missing runs; true when the cluster still has work (reproduce stops here). */
function submitToCluster(preset: ReproducePreset, out: string, model: string | undefined, modelName: string | undefined, glueDir: string | undefined, resources: SlurmResources, again: string): boolean {
  const store = path.resolve(out, "runs");
  let r;
  try {
    r = submitPreset({ preset, store, model, modelName, glueDir, ...resources });
  } catch (err) {
    if (err instanceof StaleRunsError) throw new CliError(`${err.message}; use another --out (or remove them)`);
    throw new CliError(`--out ${out}: ${(err as Error).message}`);
  }
  const say = (line: string) => process.stdout.write(line + "\n");
  const busy = r.running.length ? `${r.running.length} being trained now (${r.running[0].heldBy}${r.running.length > 1 ? ", …" : ""})` : "";
  if (!r.submission && !busy) {
    say(`reproduce: all ${r.runs.length} runs of preset ${preset.name} are finished in ${store}; nothing to submit, analysing them`);
    return false;
  }
  if (r.submission) {
    const jobs = r.submission.jobs.map((j) => j.id).join(", ");
    const skipped = [r.finished ? `${r.finished} finished` : "", busy].filter(Boolean).join(", ");
    const retried = r.retried ? `; ${r.retried} of them failed or were stopped before: if they fail again, \`instability status --store ${store}\` shows why` : "";
    say(`reproduce: submitted ${r.submitted.length} of the ${r.runs.length} runs of preset ${preset.name} to Slurm as job ${jobs}${skipped ? ` (not submitted: ${skipped})` : ""}${retried}`);
    say(`logs: ${r.submission.logDir}`);
  } else {
    say(`reproduce: nothing to submit: ${r.finished} of ${r.runs.length} runs are finished and ${busy}`);
  }
  say(`follow with: instability status --store ${store}`);
  say(`when the jobs are done, run the same command again; it reuses their runs and writes the report:\n  ${again}`);
  return true;
}

/** The default --out, shared with the notebooks (train/sweep/defaultStore.ts); a bad INSTABILITY_OUT is a usage error. */
function defaultOut(): string {
  try {
    return defaultReproduceOut();
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** Refuses an --out that cannot take the report (a file, read-only, full), with the fix, before any work. */
function checkWritableOut(out: string): void {
  try {
    if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new Error("it is a file, not a folder");
    makeDirs(out); // not fs.mkdirSync(recursive), which spins under /proc
    const probe = path.join(out, `.probe-${process.pid}`);
    fs.writeFileSync(probe, "probe");
    fs.rmSync(probe);
  } catch (err) {
    throw new CliError(`--out ${out} cannot be written (${(err as Error).message}); choose a writable folder with --out`);
  }
}
