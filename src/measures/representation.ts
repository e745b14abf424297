// The representation measures over a set of runs, layer by layer. Each run's layer is
// prepared once (one Gram matrix, then the per-measure reductions) and every pair reuses it;
// layers are processed one at a time so only one layer's preparations are in memory.
import { KernelCkaPrepared, kernelCkaFromPrepared, prepareKernelCka, RbfOptions } from "./kernelCka";
import { gram } from "./linalg";
import { CkaPrepared, linearCkaFromPrepared, prepareLinearCka } from "./linearCka";
import { orthogonalProcrustesFromPrepared, prepareOrthogonalProcrustes, ProcrustesPrepared } from "./orthogonalProcrustes";
import { pairMatrix, pairMean } from "./pairs";
import { procrustesAngleFromPrepared } from "./procrustesAngle";
import { preparePwcca, pwccaFromPrepared, PwccaPrepared } from "./pwcca";
import { prepareRsa, rowSums, rsaFromPrepared, RsaPrepared } from "./rsa";
import { prepareSvcca, SvccaOptions, svccaFromPrepared, SvccaPrepared } from "./svcca";

/**
 * svcca, op, cka: the paper's three (the default). The others are optional: pwcca (pwcca.ts),
 * cka-rbf and cka-biased (kernelCka.ts: biased-HSIC CKA, RBF or linear kernel), op-angular
 * (procrustesAngle.ts: θ in radians) and rsa (rsa.ts). All are distances, 0 = identical.
 */
export type RepresentationMeasure = "svcca" | "op" | "cka" | "pwcca" | "cka-rbf" | "cka-biased" | "op-angular" | "rsa";
export const REPRESENTATION_MEASURES: readonly RepresentationMeasure[] = ["svcca", "op", "cka"];
export const EXTRA_REPRESENTATION_MEASURES: readonly RepresentationMeasure[] = ["pwcca", "cka-rbf", "cka-biased", "op-angular", "rsa"];
export const ALL_REPRESENTATION_MEASURES: readonly RepresentationMeasure[] = [...REPRESENTATION_MEASURES, ...EXTRA_REPRESENTATION_MEASURES];

export function isRepresentationMeasure(name: string): name is RepresentationMeasure {
  return (ALL_REPRESENTATION_MEASURES as readonly string[]).includes(name);
}

/** One run's hidden states at one layer, reduced once for every measure asked for. */
export interface PreparedLayer {
  n: number;
  svcca?: SvccaPrepared;
  /** Shared by op and op-angular. */
  op?: ProcrustesPrepared;
  cka?: CkaPrepared;
  pwcca?: PwccaPrepared;
  ckaRbf?: KernelCkaPrepared;
  ckaBiased?: KernelCkaPrepared;
  rsa?: RsaPrepared;
}

export interface PrepareOptions {
  measures?: readonly RepresentationMeasure[];
  /** The SVD reduction's threshold, for SVCCA and PWCCA. */
  svcca?: SvccaOptions;
  /** The RBF bandwidth of cka-rbf. */
  rbf?: RbfOptions;
  /** Used in error messages, e.g. "run seed-3, layer 24". */
  what?: string;
}

/** Prepares hidden states X ([n, d] row-major, float64) of one run at one layer. */
export function prepareLayer(x: Float64Array, n: number, d: number, opts: PrepareOptions = {}): PreparedLayer {
  if (x.length !== n * d) throw new RangeError(`hidden states have ${x.length} values, expected ${n}×${d}`);
  const measures = opts.measures ?? REPRESENTATION_MEASURES;
  const what = opts.what ?? "representation";
  const k = gram(x, n, d);
  const p: PreparedLayer = { n };
  for (const m of measures) if (!isRepresentationMeasure(m)) throw new RangeError(`unknown representation measure '${m}': use ${ALL_REPRESENTATION_MEASURES.join(", ")}`);
  if (measures.includes("cka")) p.cka = prepareLinearCka(k, n, what);
  if (measures.includes("op") || measures.includes("op-angular")) p.op = prepareOrthogonalProcrustes(k, n, what);
  if (measures.includes("svcca")) p.svcca = prepareSvcca(k, n, opts.svcca, what);
  if (measures.includes("pwcca")) p.pwcca = preparePwcca(k, n, opts.svcca, what);
  if (measures.includes("cka-rbf")) p.ckaRbf = prepareKernelCka(k, n, "rbf", opts.rbf, what);
  if (measures.includes("cka-biased")) p.ckaBiased = prepareKernelCka(k, n, "linear", {}, what);
  if (measures.includes("rsa")) p.rsa = prepareRsa(k, rowSums(x, n, d), n, d, what);
  return p;
}

/** The distance `measure` between two prepared layers (both must have been prepared for it). */
export function preparedDistance(a: PreparedLayer, b: PreparedLayer, measure: RepresentationMeasure): number {
  switch (measure) {
    case "cka":
      return linearCkaFromPrepared(need(a.cka, measure), need(b.cka, measure));
    case "op":
      return orthogonalProcrustesFromPrepared(need(a.op, measure), need(b.op, measure));
    case "svcca":
      return svccaFromPrepared(need(a.svcca, measure), need(b.svcca, measure));
    case "pwcca":
      return pwccaFromPrepared(need(a.pwcca, measure), need(b.pwcca, measure));
    case "cka-rbf":
      return kernelCkaFromPrepared(need(a.ckaRbf, measure), need(b.ckaRbf, measure));
    case "cka-biased":
      return kernelCkaFromPrepared(need(a.ckaBiased, measure), need(b.ckaBiased, measure));
    case "op-angular":
      return procrustesAngleFromPrepared(need(a.op, measure), need(b.op, measure));
    case "rsa":
      return rsaFromPrepared(need(a.rsa, measure), need(b.rsa, measure));
  }
}

function need<T>(v: T | undefined, measure: string): T {
  if (v === undefined) throw new RangeError(`layer was not prepared for '${measure}'`);
  return v;
}

export interface RepresentationMatrices {
  runs: number;
  layers: number[];
  measures: RepresentationMeasure[];
  /** matrices[measure][t]: R×R pair matrix (row-major, zero diagonal) of layers[t]. */
  matrices: Record<RepresentationMeasure, Float64Array[]>;
}

/** The rows `examples` of X [n, d] (sub-sampling analyses use one subset for every run and pair). */
export function selectRows(x: Float64Array, d: number, examples: ArrayLike<number>): Float64Array {
  const out = new Float64Array(examples.length * d);
  for (let t = 0; t < examples.length; t++) {
    const i = examples[t];
    if (!Number.isInteger(i) || i < 0 || (i + 1) * d > x.length) throw new RangeError(`example index ${i} is out of range`);
    out.set(x.subarray(i * d, (i + 1) * d), t * d);
  }
  return out;
}

export interface RepresentationOptions extends PrepareOptions {
  /** Use only these examples (rows) of every run; default all n. */
  examples?: ArrayLike<number>;
  /** Run names for error messages (default "run <index>"). */
  runNames?: string[];
  /** Called after each layer with its position in `layers` (progress reporting). */
  onLayer?: (done: number, total: number) => void;
}

/**
 * Pair matrices of every measure at every layer in `layers`. `hiddenAt(run, layer)` returns that
 * run's [n, d] float64 hidden states; runs are numbered 0..runs−1.
 */
export function representationMatrices(
  hiddenAt: (run: number, layer: number) => Float64Array,
  runs: number,
  n: number,
  d: number,
  layers: number[],
  opts: RepresentationOptions = {},
): RepresentationMatrices {
  const measures = [...(opts.measures ?? REPRESENTATION_MEASURES)];
  const matrices = emptyMatrices(measures);
  const rows = opts.examples ? opts.examples.length : n;
  layers.forEach((layer, t) => {
    const prepared: PreparedLayer[] = [];
    for (let r = 0; r < runs; r++) {
      const what = `run ${opts.runNames?.[r] ?? r}, layer ${layer}`;
      const x = opts.examples ? selectRows(hiddenAt(r, layer), d, opts.examples) : hiddenAt(r, layer);
      prepared.push(prepareLayer(x, rows, d, { ...opts, measures, what }));
    }
    for (const m of measures) matrices[m].push(pairMatrix(runs, (a, b) => preparedDistance(prepared[a], prepared[b], m)));
    opts.onLayer?.(t + 1, layers.length);
  });
  return { runs, layers: [...layers], measures, matrices };
}

/** { measure: [] } for each measure asked for (only those keys are present). */
export function emptyMatrices(measures: readonly RepresentationMeasure[]): Record<RepresentationMeasure, Float64Array[]> {
  return Object.fromEntries(measures.map((m) => [m, []])) as unknown as Record<RepresentationMeasure, Float64Array[]>;
}

/** Per-layer pair means (one value per layer) of each measure, over `runIndices` (default all). */
export function layerCurves(result: RepresentationMatrices, runIndices?: ArrayLike<number>): Record<RepresentationMeasure, number[]> {
  const out = {} as Record<RepresentationMeasure, number[]>;
  for (const m of result.measures) out[m] = result.matrices[m].map((mat) => pairMean(mat, result.runs, runIndices));
  return out;
}
