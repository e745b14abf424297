// The representation measures over a set of runs, layer by layer. Each run's layer is
// prepared once (one Gram matrix, then the per-measure reductions) and every pair reuses it;
// layers are processed one at a time so only one layer's preparations are in memory.
import { DegenerateRepresentation, type DegenerateLayer } from "./degenerate";
import { FEATURE_FORM_MEASURES, featureCross, featureDistance, type LayerFeatures, prepareFeatures } from "./featureForms";
import type { RbfOptions } from "./kernelCka";
import { gram } from "./linalg";
import type { LayerInput, MeasureSettings, RepresentationKernel } from "./measureDefinition";
import { pairMean } from "./pairs";
import { REPRESENTATION_MEASURES, representationKernel, type RepresentationMeasure } from "./representationMeasures";
import type { SvccaOptions } from "./svcca";

export * from "./representationMeasures";

/** One run's hidden states at one layer, reduced once for every measure asked for. */
export interface PreparedLayer {
  n: number;
  /** Measures this layer is degenerate for (constant across examples), with the reason: their pairs are NaN. */
  degenerate?: Partial<Record<RepresentationMeasure, string>>;
  /** Each measure's preparation, by its key (measures sharing one, like op and op-angular, share the entry). */
  prepared?: Record<string, unknown>;
  /** Instead of `prepared`: the d×d forms of every measure asked for (featureForms.ts). */
  features?: LayerFeatures;
}

/**
 * "auto" (default): the d×d forms when d < n (the Gram forms of SVCCA and OP are O(n³)), except for
 * CKA alone with d² > n, whose Gram form costs n² per pair against the d×d form's n·d².
 * "gram" and "features" force one (tests and benchmarks compare them).
 */
export type MeasureForms = "auto" | "gram" | "features";

export interface PrepareOptions {
  measures?: readonly RepresentationMeasure[];
  /** The SVD reduction's threshold, for SVCCA and PWCCA. */
  svcca?: SvccaOptions;
  /** The RBF bandwidth of cka-rbf. */
  rbf?: RbfOptions;
  /** Neighbours k of mknn and cknna (default 10). */
  knn?: number;
  /** Settings of other measures, by their option's name (MeasureDefinition.options). */
  settings?: MeasureSettings;
  /** Used in error messages, e.g. "run seed-3, layer 24". */
  what?: string;
  forms?: MeasureForms;
}

/** The settings the preparations read, as plain data (they travel to worker threads). */
export function measureSettings(opts: PrepareOptions): MeasureSettings {
  const named = Object.entries({ svcca: opts.svcca, rbf: opts.rbf, knn: opts.knn }).filter(([, v]) => v !== undefined);
  return { ...opts.settings, ...Object.fromEntries(named) };
}

/** Prepares hidden states X ([n, d] row-major, float64) of one run at one layer. */
export function prepareLayer(x: Float64Array, n: number, d: number, opts: PrepareOptions = {}): PreparedLayer {
  if (x.length !== n * d) throw new RangeError(`hidden states have ${x.length} values, expected ${n}×${d}`);
  const measures = opts.measures ?? REPRESENTATION_MEASURES;
  const what = opts.what ?? "representation";
  const kernels = measures.map((m) => representationKernel(m)); // an unknown id fails here, before any work
  const settings = measureSettings(opts);
  const forms = opts.forms ?? "auto";
  // The d×d forms cover the paper's three measures; the others use the Gram forms.
  const featureForms = measures.every((m) => FEATURE_FORM_MEASURES.includes(m));
  if (forms === "features" && !featureForms) throw new RangeError(`the d×d forms cover ${FEATURE_FORM_MEASURES.join(", ")} only, not ${measures.join(", ")}`);
  const cheaper = featureForms && d < n && (measures.some((m) => m !== "cka") || d * d <= n);
  if (forms === "features" || (forms === "auto" && cheaper)) {
    const features = prepareFeatures(x, n, d, measures, settings.svcca, what);
    return { n, features, ...(features.degenerate ? { degenerate: features.degenerate } : {}) };
  }
  const layer: LayerInput = { x, n, d, gram: gram(x, n, d), settings, what };
  return prepareGramForms(layer, measures, kernels);
}

/** Each measure's preparation, once per key; a degenerate layer is data, not a crash (degenerate.ts): its pairs become NaN. */
function prepareGramForms(layer: LayerInput, measures: readonly RepresentationMeasure[], kernels: RepresentationKernel[]): PreparedLayer {
  const p: PreparedLayer = { n: layer.n, prepared: {} };
  const failed: Record<string, string> = {};
  measures.forEach((m, i) => {
    const { preparation, undefinedReason } = kernels[i];
    const key = preparation.key;
    if (!(key in failed) && !(key in p.prepared!)) {
      try {
        p.prepared![key] = preparation.prepare(layer);
      } catch (err) {
        if (!(err instanceof DegenerateRepresentation)) throw err;
        failed[key] = err.reason;
      }
    }
    const reason = failed[key] ?? undefinedReason?.(p.prepared![key]);
    if (reason !== undefined) (p.degenerate ??= {})[m] = reason;
  });
  return p;
}

/** Several measures of one pair: in the d×d forms they share one product of the two runs. */
export function preparedDistances(a: PreparedLayer, b: PreparedLayer, measures: readonly RepresentationMeasure[]): number[] {
  if (a.features && b.features) {
    const c = featureCross(a.features, b.features);
    return measures.map((m) => featureDistance(a.features!, b.features!, c, m));
  }
  return measures.map((m) => preparedDistance(a, b, m));
}

/** The distance `measure` between two prepared layers (both must have been prepared for it). */
export function preparedDistance(a: PreparedLayer, b: PreparedLayer, measure: RepresentationMeasure): number {
  if (a.degenerate?.[measure] || b.degenerate?.[measure]) return NaN;
  if (a.features && b.features) return featureDistance(a.features, b.features, featureCross(a.features, b.features), measure);
  const kernel = representationKernel(measure);
  return kernel.distance(preparedFor(a, kernel, measure), preparedFor(b, kernel, measure));
}

function preparedFor(p: PreparedLayer, kernel: RepresentationKernel, measure: string): unknown {
  const key = kernel.preparation.key;
  if (!p.prepared || !(key in p.prepared)) throw new RangeError(`layer was not prepared for '${measure}'`);
  return p.prepared[key];
}

export interface RepresentationMatrices {
  runs: number;
  layers: number[];
  measures: RepresentationMeasure[];
  /** matrices[measure][t]: R×R pair matrix (row-major, zero diagonal) of layers[t]; NaN where undefined. */
  matrices: Record<RepresentationMeasure, Float64Array[]>;
  /** Runs whose layer is degenerate (their pairs are NaN there). */
  degenerate: DegenerateLayer[];
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
  const degenerate: DegenerateLayer[] = [];
  layers.forEach((layer, t) => {
    const prepared: PreparedLayer[] = [];
    for (let r = 0; r < runs; r++) {
      const what = `run ${opts.runNames?.[r] ?? r}, layer ${layer}`;
      const x = opts.examples ? selectRows(hiddenAt(r, layer), d, opts.examples) : hiddenAt(r, layer);
      const p = prepareLayer(x, rows, d, { ...opts, measures, what });
      if (p.degenerate) {
        const ms = Object.keys(p.degenerate);
        degenerate.push({ layer, run: r, runName: opts.runNames?.[r] ?? `run ${r}`, measures: ms, reason: Object.values(p.degenerate)[0]! });
      }
      prepared.push(p);
    }
    const layerMatrices = measures.map(() => new Float64Array(runs * runs));
    for (let a = 0; a < runs; a++) {
      for (let b = a + 1; b < runs; b++) {
        preparedDistances(prepared[a], prepared[b], measures).forEach((v, i) => {
          layerMatrices[i][a * runs + b] = v;
          layerMatrices[i][b * runs + a] = v;
        });
      }
    }
    measures.forEach((m, i) => matrices[m].push(layerMatrices[i]));
    opts.onLayer?.(t + 1, layers.length);
  });
  return { runs, layers: [...layers], measures, matrices, degenerate };
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
