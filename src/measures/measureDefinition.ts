// What a measure is, as one small object: its id, how the paper writes it and, for a
// representation measure, how one run's layer is prepared and how a pair's distance follows.
// The objects live beside the numeric code they wrap (linearCka.ts, pwcca.ts, …) and are listed
// once in measures/registry.ts; every list of measures in the CLI, the report, the notebooks and
// the analyses is read from there.

/** A measure's spelling in figures and HTML tables (html) and in CSV headers and the console (plain). */
export interface MeasureLabel {
  html: string;
  plain: string;
}

/** Settings a preparation reads; a measure with a setting of its own adds it under its option's key. */
export interface MeasureSettings {
  /** The SVD reduction's threshold, for SVCCA and PWCCA (svcca.ts's SvccaOptions). */
  svcca?: { threshold?: number };
  /** The RBF bandwidth of cka-rbf (kernelCka.ts's RbfOptions). */
  rbf?: { threshold?: number };
  /** Neighbours k of mknn and cknna (default 10). */
  knn?: number;
  [option: string]: unknown;
}

/** One run's hidden states at one layer, as every preparation sees them. */
export interface LayerInput {
  /** X, [n, d] row-major float64. */
  x: Float64Array;
  n: number;
  d: number;
  /** K = X·Xᵀ [n, n], computed once for all measures of the layer. */
  gram: Float64Array;
  settings: MeasureSettings;
  /** For error messages, e.g. "run seed-3, layer 24". */
  what: string;
}

/**
 * The per-run work of one or more measures. Measures naming the same preparation (same key) share
 * one per run, e.g. I_OP and θ_OP. It throws DegenerateRepresentation (degenerate.ts) for a layer
 * the measure is undefined on.
 */
export interface Preparation<P = unknown> {
  key: string;
  prepare(layer: LayerInput): P;
}

/** How a representation measure is computed: prepare each run once, then a distance per pair. */
export interface RepresentationKernel<P = unknown> {
  preparation: Preparation<P>;
  /** The distance of a pair of prepared runs; 0 = identical. */
  distance(a: P, b: P): number;
  /** Why this measure is undefined on a prepared run although the preparation succeeded. */
  undefinedReason?(p: P): string | undefined;
}

/**
 * A setting a user gives on the command line (`--NAME VALUE`) or as a notebook option, read into
 * MeasureSettings[name]. Measures that share it list the same object.
 */
export interface MeasureOption {
  name: string;
  /** The value's placeholder in usage text, e.g. "K". */
  value: string;
  /** One line for usage text, e.g. "neighbours k of mknn and cknna (default 10)". */
  help: string;
  /** The value from its text; throws RangeError with what to use instead. */
  parse(text: string): unknown;
}

export interface MeasureDefinition {
  /** The id users type (`--measures cka,pwcca`) and results are keyed by. */
  id: string;
  label: MeasureLabel;
  /** Other spellings the analyses or users may use for it (folded as runs/names.ts folds). */
  aliases?: readonly string[];
  /** One of the paper's seven (method.md §5): its name there and its place, coarse (1) to fine (7). */
  paper?: { name: string; rank: number };
  /** What it is, for usage texts, e.g. "projection-weighted CCA". */
  help: string;
  /** Absent for the prediction-level measures (SD, I_pwd, I_κ, I_JSD, measured in runMeasures.ts). */
  representation?: RepresentationKernel<any>; // any: each measure prepares its own type
  options?: readonly MeasureOption[];
  /**
   * A module that registers this measure when loaded, for the worker threads of parallelLayers.ts
   * (they start with the built-in measures only). Without it, the measure is computed in the
   * calling thread.
   */
  module?: string;
}
