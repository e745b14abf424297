// The run store: one folder per fine-tuning run, the contract between fine-tuning and measuring.
//   logits.npy  float [n, C]     labels.npy int [n]     hidden.npy float [L, n, d] (optional)
//   metrics.json, config.json    (optional)
//   final/                       (optional) the same for the final (last-step) model of the run
// Any tool that writes .npy can produce runs; every inconsistency is an error naming the file,
// because the measures compare runs example by example and would silently mean nothing otherwise.
import * as fs from "node:fs";
import * as path from "node:path";
import { HOST, TEMP_PREFIX, isAlive, temporarySibling } from "../util/tempNames";
import { checkOneConfiguration } from "./runIdentity";
import { HIDDEN_JSON, hiddenJsonRecord, type LayerIndexing, type LayerIndexingInfo, resolveIndexing } from "./layerIndexing";
import { describeSkipped, listRunFolders, notReplaceableReason, type RunFolderListing, type SkippedFolder } from "./runDefinition";
import { NpyArray, NpyData, NpyError, readNpy, toFloat64, writeNpy } from "./npy";
import { makeDirs } from "../util/makeDirs";
import { NotARegularFileError, readRegularFile } from "../util/readRegularFile";

export class RunFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunFormatError";
  }
}

/** Hidden states of one run: L layers × n examples × d width, kept in the stored precision. */
export interface HiddenStates {
  layers: number;
  n: number;
  width: number;
  /** Row-major [L, n, d]; float32 stays float32 in memory (a CoLA run is ~50 MB instead of ~100 MB). */
  data: Float32Array | Float64Array;
  /** Which entry is which layer (layerIndexing.ts); set by loadRun. */
  indexing?: LayerIndexingInfo;
}

export interface Run {
  name: string;
  dir: string;
  /** Row-major [n, C], float64. */
  logits: Float64Array;
  labels: Int32Array;
  n: number;
  numClasses: number;
  hidden?: HiddenStates;
  metrics?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export interface RunSet {
  dir: string;
  runs: Run[];
  n: number;
  numClasses: number;
  /** Sub-folders that are not runs (plots/, __pycache__/, …), with the reason; they were not read. */
  skipped?: SkippedFolder[];
  /** Present when every run has hidden.npy (L and d are then equal across runs). */
  layers?: number;
  /** With `layers`: whether entry 0 is the embedding output ("hf") or block 1 ("blocks"), and how that is known. */
  layerIndexing?: LayerIndexingInfo;
  width?: number;
}

/** How a run's files are read: by default from disk each time; a store passes its cache (analysis/store/runFiles.ts). */
export type ReadFile = (file: string) => Buffer;

export interface LoadRunsOptions {
  /** Read hidden.npy when present (default true). */
  hidden?: boolean;
  /** Reads each file (default readRegularFile: a regular file, from disk). */
  read?: ReadFile;
  /** Fewer runs than this is an error (default 2: pairwise measures need a pair). */
  minRuns?: number;
  /** "best" (default): each run folder itself; "final": each run's final/ sub-folder (written with --save-final). */
  checkpoint?: "best" | "final";
}

/** The hidden states of layer `layer` (0-based index into hidden.npy) as a float64 [n, d] copy. */
export function hiddenLayer(h: HiddenStates, layer: number): Float64Array {
  if (!Number.isInteger(layer) || layer < 0 || layer >= h.layers) {
    throw new RangeError(`layer ${layer} is out of range: hidden.npy has layers 0..${h.layers - 1}`);
  }
  const size = h.n * h.width;
  return Float64Array.from(h.data.subarray(layer * size, (layer + 1) * size));
}

function readJson(file: string, read: ReadFile = readRegularFile): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(read(file).toString("utf8"));
  } catch (err) {
    if (err instanceof NotARegularFileError) throw new RunFormatError(err.message);
    throw new RunFormatError(`${file}: not valid JSON (${(err as Error).message}); fix or delete the file`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new RunFormatError(`${file}: must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

function assertFinite(values: ArrayLike<number>, file: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RunFormatError(`${file}: non-finite value ${values[i]} at flat index ${i}; the run is unusable (diverged?), re-run or remove it`);
    }
  }
}

function readArray(file: string, read?: ReadFile): NpyArray {
  if (!fs.existsSync(file)) throw new RunFormatError(`${file}: missing; every run folder needs logits.npy and labels.npy`);
  try {
    return readNpy(file, read);
  } catch (err) {
    if (err instanceof NpyError) throw new RunFormatError(err.message);
    throw err;
  }
}

/** Reads one run folder and checks it is internally consistent. */
export function loadRun(dir: string, opts: { hidden?: boolean; read?: ReadFile } = {}): Run {
  const name = path.basename(dir);
  const logitsFile = path.join(dir, "logits.npy");
  const labelsFile = path.join(dir, "labels.npy");
  const logitsArr = readArray(logitsFile, opts.read);
  if (logitsArr.shape.length !== 2 || logitsArr.shape[0] < 1 || logitsArr.shape[1] < 2) {
    throw new RunFormatError(`${logitsFile}: expected shape [n, C] with n ≥ 1 and C ≥ 2, got [${logitsArr.shape.join(", ")}]`);
  }
  if (logitsArr.dtype !== "f4" && logitsArr.dtype !== "f8") {
    throw new RunFormatError(`${logitsFile}: expected float32 or float64 logits, got ${logitsArr.dtype}`);
  }
  const [n, numClasses] = logitsArr.shape;
  const logits = toFloat64(logitsArr, logitsFile);
  assertFinite(logits, logitsFile);

  const labelsArr = readArray(labelsFile, opts.read);
  if (labelsArr.shape.length !== 1 || labelsArr.shape[0] !== n) {
    throw new RunFormatError(`${labelsFile}: expected shape [${n}] (one label per row of logits.npy), got [${labelsArr.shape.join(", ")}]`);
  }
  if (labelsArr.dtype !== "i4" && labelsArr.dtype !== "i8" && labelsArr.dtype !== "u1") {
    throw new RunFormatError(`${labelsFile}: expected integer labels (int32/int64/uint8), got ${labelsArr.dtype}`);
  }
  const labelValues = toFloat64(labelsArr, labelsFile);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = labelValues[i];
    if (!(y >= 0 && y < numClasses)) {
      throw new RunFormatError(`${labelsFile}: label ${y} at index ${i} is outside [0, ${numClasses}) (logits.npy has ${numClasses} classes)`);
    }
    labels[i] = y;
  }

  const run: Run = { name, dir, logits, labels, n, numClasses };
  const hiddenFile = path.join(dir, "hidden.npy");
  if ((opts.hidden ?? true) && fs.existsSync(hiddenFile)) {
    const h = readArray(hiddenFile, opts.read);
    if (h.shape.length !== 3 || h.shape[1] !== n || h.shape[0] < 1 || h.shape[2] < 1) {
      throw new RunFormatError(`${hiddenFile}: expected shape [L, ${n}, d] (layers × examples × width), got [${h.shape.join(", ")}]`);
    }
    if (!(h.data instanceof Float32Array || h.data instanceof Float64Array)) {
      throw new RunFormatError(`${hiddenFile}: expected float32 or float64 hidden states, got ${h.dtype}`);
    }
    assertFinite(h.data, hiddenFile);
    run.hidden = { layers: h.shape[0], n, width: h.shape[2], data: h.data };
  }
  run.metrics = readJson(path.join(dir, "metrics.json"), opts.read);
  run.config = readJson(path.join(dir, "config.json"), opts.read) ?? (path.basename(dir) === "final" ? readJson(path.join(dir, "..", "config.json"), opts.read) : undefined);
  if (run.hidden) {
    try {
      run.hidden.indexing = resolveIndexing(dir, run.hidden.layers, run.hidden, run.config);
    } catch (err) {
      throw new RunFormatError((err as Error).message);
    }
  }
  return run;
}

/**
 * Reads every run folder under `runsDir` (runDefinition's listRunFolders: sorted by name, symlinks
 * followed, other folders skipped and listed in `skipped`) and checks that the runs are comparable.
 */
export function loadRuns(runsDir: string, opts: LoadRunsOptions = {}): RunSet {
  let listing: RunFolderListing;
  try {
    listing = listRunFolders(runsDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new RunFormatError(`${runsDir}: runs directory not found`);
    if (code === "ENOTDIR") throw new RunFormatError(`${runsDir}: not a directory; pass the folder that holds one sub-folder per run`);
    throw err;
  }
  const names = listing.runs;
  const skippedNote = listing.skipped.length ? ` (${describeSkipped(listing.skipped)})` : "";
  if (names.length === 0) {
    throw new RunFormatError(`${runsDir}: no run folders found; it must hold one sub-folder per run with logits.npy and labels.npy${skippedNote}`);
  }
  const minRuns = opts.minRuns ?? 2;
  if (names.length < minRuns) {
    throw new RunFormatError(`${runsDir}: found ${names.length} run(s), need at least ${minRuns} (pairwise measures compare runs)${skippedNote}`);
  }
  const final = opts.checkpoint === "final";
  if (opts.checkpoint !== undefined && opts.checkpoint !== "best" && !final) {
    throw new RunFormatError(`checkpoint '${String(opts.checkpoint)}' is not known: use "best" or "final"`);
  }
  const runs = names.map((name) => {
    const dir = path.join(runsDir, name);
    if (!final) return loadRun(dir, opts);
    const finalDir = path.join(dir, "final");
    if (!fs.existsSync(finalDir)) {
      throw new RunFormatError(`${finalDir}: missing; this run kept no final model (fine-tune it with --save-final) or read the best checkpoints instead`);
    }
    const run = loadRun(finalDir, opts);
    run.name = name; // the run's name, not "final"
    return run;
  });
  checkOneConfiguration(runsDir, runs, (m) => new RunFormatError(m));
  const first = runs[0];
  for (const run of runs.slice(1)) {
    if (run.n !== first.n || run.numClasses !== first.numClasses) {
      throw new RunFormatError(
        `${path.join(run.dir, "logits.npy")}: shape [${run.n}, ${run.numClasses}] differs from run '${first.name}' [${first.n}, ${first.numClasses}]; all runs must be evaluated on the same examples`,
      );
    }
    for (let i = 0; i < run.n; i++) {
      if (run.labels[i] !== first.labels[i]) {
        throw new RunFormatError(
          `${path.join(run.dir, "labels.npy")}: label at index ${i} differs from run '${first.name}'; runs must share the same test examples in the same order`,
        );
      }
    }
  }
  const withHidden = runs.filter((r) => r.hidden);
  const set: RunSet = { dir: runsDir, runs, n: first.n, numClasses: first.numClasses, skipped: listing.skipped };
  if (withHidden.length > 0) {
    if (withHidden.length !== runs.length) {
      const missing = runs.find((r) => !r.hidden)!;
      throw new RunFormatError(`${path.join(missing.dir, "hidden.npy")}: missing while other runs have hidden states; add it or remove it everywhere`);
    }
    const h0 = first.hidden!;
    for (const run of runs) {
      const h = run.hidden!;
      if (h.layers !== h0.layers || h.width !== h0.width) {
        throw new RunFormatError(
          `${path.join(run.dir, "hidden.npy")}: [L=${h.layers}, d=${h.width}] differs from run '${first.name}' [L=${h0.layers}, d=${h0.width}]`,
        );
      }
    }
    for (const run of runs) {
      if (run.hidden!.indexing!.indexing !== h0.indexing!.indexing) {
        throw new RunFormatError(
          `${path.join(run.dir, "hidden.npy")}: its layers are indexed "${run.hidden!.indexing!.indexing}" (${run.hidden!.indexing!.source}) but run '${first.name}''s "${h0.indexing!.indexing}" (${h0.indexing!.source}); all runs must come from the same exporter`,
        );
      }
    }
    set.layers = h0.layers;
    set.width = h0.width;
    set.layerIndexing = h0.indexing;
  }
  return set;
}

export interface ArrayWithShape {
  data: NpyData;
  shape: number[];
}

export interface RunContents {
  logits: ArrayWithShape;
  labels: ArrayWithShape;
  hidden?: ArrayWithShape;
  /** Recorded in hidden.json beside hidden.npy (default "hf", the run format: 0 = the embedding output). */
  hiddenIndexing?: LayerIndexing;
  metrics?: Record<string, unknown>;
  config?: Record<string, unknown>;
  /** The run's final (last-step) model, written as the sub-folder final/ (a run folder itself). */
  final?: RunContents;
}

function checkContents(dir: string, contents: RunContents): void {
  const { logits, labels, hidden } = contents;
  if (logits.shape.length !== 2) throw new RunFormatError(`writeRun ${dir}: logits must have shape [n, C], got [${logits.shape.join(", ")}]`);
  const n = logits.shape[0];
  if (labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new RunFormatError(`writeRun ${dir}: labels must have shape [${n}], got [${labels.shape.join(", ")}]`);
  }
  if (hidden && (hidden.shape.length !== 3 || hidden.shape[1] !== n)) {
    throw new RunFormatError(`writeRun ${dir}: hidden must have shape [L, ${n}, d], got [${hidden.shape.join(", ")}]`);
  }
}

function writeContents(dir: string, contents: RunContents): void {
  const { logits, labels, hidden } = contents;
  writeNpy(path.join(dir, "logits.npy"), logits.data, logits.shape);
  writeNpy(path.join(dir, "labels.npy"), labels.data, labels.shape);
  if (hidden) writeNpy(path.join(dir, "hidden.npy"), hidden.data, hidden.shape);
  if (hidden) {
    // The run format's layout unless the caller says otherwise (hidden.npy of L blocks only).
    fs.writeFileSync(path.join(dir, HIDDEN_JSON), JSON.stringify(hiddenJsonRecord(contents.hiddenIndexing ?? "hf", hidden.shape[0]), null, 2) + "\n");
  }
  if (contents.metrics) fs.writeFileSync(path.join(dir, "metrics.json"), JSON.stringify(contents.metrics, null, 2) + "\n");
  if (contents.config) fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(contents.config, null, 2) + "\n");
  if (contents.final) {
    fs.mkdirSync(path.join(dir, "final"));
    writeContents(path.join(dir, "final"), contents.final);
  }
}

/**
 * Repairs a replacement (writeRun with overwrite) killed between its two renames, which left no
 * run at `dir`: the old run moved aside into `.<name>.old-<pid>-…/`, the new one complete in its
 * temporary folder. With the writer gone, the replacement is finished (the new run renamed into
 * place) or, without a new run, the old one is put back. A live writer's folders are left alone.
 */
export function recoverInterruptedReplace(dir: string): void {
  if (fs.existsSync(dir)) return;
  const parent = path.dirname(path.resolve(dir));
  const base = path.basename(dir);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(`.${base}.old-`)) continue;
    const owner = /^(\d+)-([0-9a-f]+)-\w+$/.exec(name.slice(`.${base}.old-`.length));
    if (!owner || owner[2] !== HOST || isAlive(Number(owner[1]))) continue;
    const old = path.join(parent, name, base);
    if (!fs.existsSync(old)) continue;
    const finished = names.find((n) => n.startsWith(`${TEMP_PREFIX}${base}-${owner[1]}-${owner[2]}-`));
    fs.renameSync(finished ? path.join(parent, finished) : old, dir);
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    return;
  }
}

/**
 * Writes a run folder atomically: everything goes into a hidden temporary folder next to `dir`,
 * which is renamed into place only when complete, so a crash never leaves a folder that looks
 * like a finished run (loadRuns skips dot-folders). An existing `dir` is an error unless
 * `overwrite` is set, and even then only an empty folder or a run folder is replaced.
 */
export function writeRun(dir: string, contents: RunContents, opts: { overwrite?: boolean } = {}): void {
  checkContents(dir, contents);
  if (contents.final) checkContents(path.join(dir, "final"), contents.final);
  const parent = path.dirname(path.resolve(dir));
  makeDirs(parent);
  recoverInterruptedReplace(dir);
  if (fs.existsSync(dir) && !opts.overwrite) {
    throw new RunFormatError(`writeRun ${dir}: already exists; pass { overwrite: true } or choose another folder`);
  }
  const refusal = fs.existsSync(dir) ? notReplaceableReason(dir) : undefined;
  if (refusal) throw new RunFormatError(`writeRun ${dir}: refusing to replace it: ${refusal}; choose another folder`);
  const base = path.basename(dir);
  // Named by its owner process, so a resumed sweep can remove the leftovers of a dead writer
  // without touching those of a live one (src/util/tempNames).
  const tmp = temporarySibling(path.resolve(dir));
  fs.mkdirSync(tmp);
  try {
    writeContents(tmp, contents);
    if (fs.existsSync(dir)) {
      // Move the old run aside first: rename cannot replace a non-empty directory.
      // Named by its owner, so that a kill between the two renames is repaired on the next start.
      const old = fs.mkdtempSync(path.join(parent, `.${base}.old-${process.pid}-${HOST}-`));
      fs.renameSync(dir, path.join(old, base));
      fs.renameSync(tmp, dir);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, dir);
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    // A system error (ENOSPC, EDQUOT, EACCES…) says neither which run nor where: say both.
    if (code) {
      const hint = code === "ENOSPC" || code === "EDQUOT" ? "free some space or write elsewhere" : "check the folder's permissions or write elsewhere";
      throw new RunFormatError(`writeRun ${dir}: the run could not be written (${(err as Error).message}); nothing was kept, ${hint}`);
    }
    throw err;
  }
}
