// Measuring one configuration once: everything the analyses need from it (scores, predictions,
// the R×R pair matrices, layer curves, failure labels). Per-run preparation of hidden states is by
// far the most expensive step, so every analysis (bootstrap and sub-sampling included) starts
// from these pair matrices instead of recomputing distances, and the matrices are cached beside
// the runs (representationCache.ts), so a store is measured once, and read without hidden states.
import { KappaChance } from "../../measures/fleissKappa";
import { REPRESENTATION_MEASURES, RepresentationMatrices, RepresentationMeasure } from "../../measures/representation";
import { measureRunsDetailed, predictionInputs, withRepresentation, type InstabilityDetails } from "../../measures/runMeasures";
import { TaskMetric } from "../../measures/taskMetrics";
import { defaultLayerEntries, setLayerIndexing } from "../../runs/layerIndexing";
import { configurationName, type Configuration, type Variant } from "./configurations";
import { failureLabels, type FailureSource } from "./failureLabels";
import { LoadedRuns } from "./loadedRuns";
import { cachedMatrices, storeMatrices } from "./representationCache";
import { taskMetricFor } from "./taskMetric";

/** Everything the analyses need from one configuration, computed once. */
export interface ConfigMeasures {
  config: Configuration;
  variant: Variant;
  runs: string[];
  seeds: number[];
  n: number;
  numClasses: number;
  metric: TaskMetric;
  scores: number[];
  preds: Int32Array[];
  prediction: { sd: number; pwd: number; kappa: number; jsd: number };
  /** R×R pair matrices. */
  pwd: Float64Array;
  jsd: Float64Array;
  /** The measured hidden.npy entries (runs/layerIndexing: every block, never the embedding output). */
  layers: number[];
  representation?: RepresentationMatrices;
  curves?: Record<RepresentationMeasure, number[]>;
  failed: boolean[];
  failureSource: FailureSource;
  /** Majority-class accuracy of the test half. */
  majority: number;
  /** Test-half labels (the same for every run). */
  labels: ArrayLike<number>;
}

export interface StoreOptions {
  chance?: KappaChance;
  measures?: readonly RepresentationMeasure[];
  /** Progress lines ("measuring …"); default silent. */
  log?: (line: string) => void;
}

/** Measures `c`, reading its runs and cache through `loaded` (a store's: each file read once). */
export function measureConfiguration(c: Configuration, variant: Variant = "best", opts: StoreOptions = {}, loaded = new LoadedRuns(() => false)): ConfigMeasures {
  const measures = opts.measures ?? REPRESENTATION_MEASURES;
  const cache = loaded.representationCache(c, variant);
  let cached = cache && cachedMatrices(cache, measures);
  // With every matrix cached, hidden states are not read at all (evidence folders have none).
  const set = loaded.runs(c, variant, { hidden: !cached });
  // Without hidden states, the measures the cache has are all there is.
  if (!cached && cache && set.layers === undefined) cached = cachedMatrices(cache, measures.filter((k) => cache.matrices[k]));
  const metric = taskMetricFor(c.task, set.runs[0].metrics);
  const started = Date.now();
  let details: InstabilityDetails;
  if (cached && cache) {
    details = withRepresentation(measureRunsDetailed(set, { metric, chance: opts.chance, representation: false }), cached, cache.layerInfo);
  } else {
    const layers = set.layers !== undefined ? defaultLayerEntries(setLayerIndexing(set)!.indexing, set.layers) : [];
    opts.log?.(`measuring ${configurationName(c)}${variant === "final" ? " (final models)" : ""}: ${set.runs.length} runs, ${layers.length} layers`);
    details = measureRunsDetailed(set, { metric, chance: opts.chance, layers: layers.length ? layers : undefined, measures, representation: layers.length > 0 });
    if (details.pairs.representation && details.report.layers) {
      const updated = cache ?? loaded.newRepresentationCache(c, variant, details.layers, details.report.layers);
      storeMatrices(updated, details.pairs.representation);
      loaded.saveRepresentationCache(c, updated);
    }
    opts.log?.(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const f = failureLabels(set);
  return {
    config: c,
    variant,
    runs: details.report.runs,
    seeds: c.seeds,
    n: set.n,
    numClasses: set.numClasses,
    metric,
    scores: details.report.scores,
    preds: predictionInputs(set).preds,
    prediction: details.report.prediction,
    pwd: details.pairs.pwd,
    jsd: details.pairs.jsd,
    layers: details.layers,
    representation: details.pairs.representation,
    curves: details.report.representation as Record<RepresentationMeasure, number[]> | undefined,
    failed: f.failed,
    failureSource: f.source,
    majority: f.majority,
    labels: set.runs[0].labels,
  };
}
