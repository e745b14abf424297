// A map of the runs: the run × run distance matrix of one measure at one layer (or of a
// prediction measure), and its 2-D classical MDS embedding (Torgerson): B = −½·J·D²·J with J the
// centring matrix, coordinates √λ·v of B's two largest eigenpairs. Runs alike sit together; a
// collapsed (failed) run stands apart. Undefined pairs (NaN, a degenerate run) are replaced by
// the largest defined distance for the embedding only, and said so.
import { symmetricEigen } from "../../measures/symmetricEigen";
import { measureRunsDetailed } from "../../measures/runMeasures";
import { isRepresentationMeasure, type RepresentationMeasure } from "../../measures/representationMeasures";
import { entriesOfBlocks, setLayerIndexing, blockNumbers, defaultLayerEntries } from "../../runs/layerIndexing";
import type { RunSet } from "../../runs/runFolder";
import { failureLabels, type FailureSource } from "../store/failureLabels";

export interface RunMap {
  measure: string;
  /** Block number of a representation measure's layer. */
  block?: number;
  runs: string[];
  /** Whether each run failed (metrics.json, else the majority-class rule: analysis/store/failureLabels). */
  failed: boolean[];
  failedFrom: FailureSource;
  /** R × R distances (NaN: undefined pair). */
  distances: number[][];
  /** 2-D classical MDS coordinates per run. */
  x: number[];
  y: number[];
  /** Share of B's positive eigenvalue mass the two axes hold. */
  explained: number;
  notes: string[];
}

/** Classical MDS of a symmetric distance matrix into `dims` coordinates per point. */
export function classicalMds(d: number[][], dims = 2): { coords: number[][]; explained: number } {
  const n = d.length;
  const sq = d.map((row) => row.map((v) => v * v));
  const rowMean = sq.map((row) => row.reduce((s, v) => s + v, 0) / n);
  const all = rowMean.reduce((s, v) => s + v, 0) / n;
  const b = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i * n + j] = -0.5 * (sq[i][j] - rowMean[i] - rowMean[j] + all);
  const { values, vectors } = symmetricEigen(b, n);
  const positive = Array.from(values).filter((v) => v > 0).reduce((s, v) => s + v, 0);
  const coords = Array.from({ length: n }, (_, i) => Array.from({ length: dims }, (_, k) => (k < n && values[k] > 0 ? Math.sqrt(values[k]) * vectors[k * n + i] : 0)));
  const kept = Array.from(values.subarray(0, dims)).filter((v) => v > 0).reduce((s, v) => s + v, 0);
  return { coords, explained: positive > 0 ? kept / positive : 0 };
}

export interface RunMapOptions {
  /** "pwd" or "jsd" (prediction measures), or a representation measure (default "cka"). */
  measure?: string;
  /** Block number for a representation measure (default the top block). */
  block?: number;
  knn?: number;
}

export function computeRunMap(set: RunSet, o: RunMapOptions = {}): RunMap {
  const measure = o.measure ?? (set.layers !== undefined ? "cka" : "pwd");
  let matrix: Float64Array;
  let block: number | undefined;
  if (measure === "pwd" || measure === "jsd") {
    matrix = measureRunsDetailed(set, { representation: false }).pairs[measure];
  } else {
    if (!isRepresentationMeasure(measure)) throw new RangeError(`run map measure '${measure}': use pwd, jsd or a representation measure (svcca, op, cka, …)`);
    if (set.layers === undefined) throw new RangeError(`run map with '${measure}': the runs in ${set.dir} have no hidden.npy; use measure "pwd" or "jsd"`);
    const info = setLayerIndexing(set)!;
    const entry = o.block !== undefined ? entriesOfBlocks(info.indexing, set.layers, [o.block])[0] : defaultLayerEntries(info.indexing, set.layers).pop()!;
    block = blockNumbers(info.indexing, set.layers)[entry];
    matrix = measureRunsDetailed(set, { measures: [measure as RepresentationMeasure], layers: [entry], knn: o.knn }).pairs.representation!.matrices[measure as RepresentationMeasure][0];
  }
  const { failed, source } = failureLabels(set);
  return runMapOf({ measure, block, runs: set.runs.map((r) => r.name), failed, failedFrom: source, matrix });
}

/** The map of runs whose R × R distance matrix (row-major, NaN: undefined pair) is already measured. */
export function runMapOf(o: { measure: string; block?: number; runs: string[]; failed: boolean[]; failedFrom: FailureSource; matrix: Float64Array; notes?: string[] }): RunMap {
  const { measure, block, matrix } = o;
  const R = o.runs.length;
  const notes = [...(o.notes ?? [])];
  const distances = Array.from({ length: R }, (_, a) => Array.from({ length: R }, (_, b) => matrix[a * R + b]));
  const defined = distances.flat().filter(Number.isFinite);
  const largest = defined.length ? Math.max(...defined) : 0;
  const undefinedPairs = distances.flat().filter((v) => !Number.isFinite(v)).length / 2;
  if (undefinedPairs) notes.push(`${undefinedPairs} undefined pair(s) (a degenerate run) placed at the largest defined distance, ${largest.toFixed(4)}, in the map`);
  const { coords, explained } = classicalMds(distances.map((row) => row.map((v) => (Number.isFinite(v) ? v : largest))));
  return { measure, ...(block !== undefined ? { block } : {}), runs: o.runs, failed: o.failed, failedFrom: o.failedFrom, distances, x: coords.map((c) => c[0]), y: coords.map((c) => c[1]), explained, notes };
}
