// Representation measures at the paper's scale: 20 runs × 24 layers × 277 examples × 1024 width
// (synthetic), with per-run preparation reused across the 190 pairs, against a straightforward
// implementation that prepares both runs again for every pair. The machine is shared, so by
// default only BENCH_LAYERS layers (default 2) are timed and the figures are extrapolated to 24
// layers, and the baseline is timed on BENCH_BASELINE_PAIRS pairs (default 3) and extrapolated
// to 190 × 24; the output says so. BENCH_LAYERS=24 times the full workload.
import * as os from "node:os";
import { performance } from "node:perf_hooks";
import {
  linearCkaDistance,
  orthogonalProcrustesDistance,
  prepareLayer,
  preparedDistance,
  REPRESENTATION_MEASURES,
  representationMatrices,
  representationMatricesParallel,
  svccaDistance,
} from "../src/measures";
import { Random } from "../src/util/random";

const R = 20;
const LAYERS = 24;
const N = 277;
const D = 1024;
const timedLayers = Math.min(LAYERS, Math.max(1, Number(process.env.BENCH_LAYERS ?? 2)));
const baselinePairs = Math.max(1, Number(process.env.BENCH_BASELINE_PAIRS ?? 3));
const PAIRS = (R * (R - 1)) / 2;

// Synthetic hidden states: a shared low-rank signal plus run- and layer-specific noise, so the
// spectra look like real [CLS] states (a few strong directions over a noise floor).
const rng = new Random(2023);
const signalRank = 32;
const shared = Float64Array.from({ length: N * signalRank }, () => rng.normal());
function hidden(run: number, layer: number): Float64Array {
  const r = new Random(1000 * run + layer);
  const map = Float64Array.from({ length: signalRank * D }, () => r.normal() / Math.sqrt(signalRank));
  const x = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < signalRank; t++) {
      const z = shared[i * signalRank + t];
      for (let j = 0; j < D; j++) x[i * D + j] += z * map[t * D + j];
    }
    for (let j = 0; j < D; j++) x[i * D + j] += (0.3 + 0.05 * layer) * r.normal();
  }
  return x;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

const load0 = os.loadavg()[0];
process.stdout.write(
  `representation measures (SVCCA, OP, CKA): ${R} runs × ${LAYERS} layers × ${N} examples × ${D} width, float64\n` +
    `cpus: ${os.cpus().length}, load average at start: ${load0.toFixed(1)} (shared machine: timings scale with load)\n`,
);

// Generate the data of the timed layers up front, outside the timings.
const layers = Array.from({ length: timedLayers }, (_, l) => l);
const data = layers.map((l) => Array.from({ length: R }, (_, r) => hidden(r, l)));

// Optimised: prepare each run once per layer, reuse across all pairs.
const t0 = performance.now();
const result = representationMatrices((r, l) => data[l][r], R, N, D, layers);
const optimisedMs = performance.now() - t0;
const optimisedFull = (optimisedMs / timedLayers) * LAYERS;

async function main(): Promise<void> {
  // The same work with the layers spread over one worker thread per CPU.
  const workers = os.cpus().length;
  const tw = performance.now();
  const par = await representationMatricesParallel((r, l) => data[l][r], R, N, D, layers, { workers });
  const parallelMs = performance.now() - tw;
  const parallelFull = (parallelMs / timedLayers) * LAYERS;
  for (const m of REPRESENTATION_MEASURES) {
    for (let l = 0; l < timedLayers; l++) {
      if (par.matrices[m][l].some((v, i) => v !== result.matrices[m][l][i])) throw new Error(`parallel ${m} differs at layer ${l}`);
    }
  }

  // Where the optimised time goes (one run's preparation, one pair), for the report.
  const tp = performance.now();
  const p0 = prepareLayer(data[0][0], N, D);
  const prepMs = performance.now() - tp;
  const p1 = prepareLayer(data[0][1], N, D);
  const pairMs: Record<string, number> = {};
  for (const m of REPRESENTATION_MEASURES) {
    const t = performance.now();
    preparedDistance(p0, p1, m);
    pairMs[m] = performance.now() - t;
  }

  // Baseline: the straightforward way, each measure's pairwise function f(X, Y) called for every
  // pair and layer; each call recomputes both runs' Gram matrices and reductions from scratch.
  const tb = performance.now();
  let check = 0;
  for (let k = 0; k < baselinePairs; k++) {
    const a = k % R;
    const b = (k + 1 + Math.floor(k / R)) % R;
    const x = data[0][a];
    const y = data[0][b];
    const values = { svcca: svccaDistance(x, y, N, D), op: orthogonalProcrustesDistance(x, y, N, D), cka: linearCkaDistance(x, y, N, D) };
    for (const m of REPRESENTATION_MEASURES) check = Math.max(check, Math.abs(values[m] - result.matrices[m][0][a * R + b]));
  }
  const baselineMs = performance.now() - tb;
  const baselineFull = (baselineMs / baselinePairs) * PAIRS * LAYERS;

  const load1 = os.loadavg()[0];
  const extrapolated = timedLayers < LAYERS ? ` (timed ${timedLayers} of ${LAYERS} layers, extrapolated ×${(LAYERS / timedLayers).toFixed(0)})` : "";
  process.stdout.write(
    [
      `per run-layer preparation (Gram + CKA centring + OP factor + SVCCA eigenbasis): ${prepMs.toFixed(0)} ms`,
      `per pair: SVCCA ${pairMs.svcca.toFixed(1)} ms, OP ${pairMs.op.toFixed(1)} ms, CKA ${pairMs.cka.toFixed(2)} ms`,
      `prepared once per run:  ${seconds(optimisedFull)} for ${PAIRS} pairs × ${LAYERS} layers${extrapolated}`,
      `same, ${workers} worker threads: ${seconds(parallelFull)}${extrapolated}`,
      `per-pair f(X, Y) calls: ${seconds(baselineFull)} (timed ${baselinePairs} pairs, extrapolated to ${PAIRS * LAYERS})`,
      `speed-up: ${(baselineFull / optimisedFull).toFixed(1)}× single-threaded, ${(baselineFull / parallelFull).toFixed(1)}× with ${workers} threads (target ≥ 5×); same values: max |difference| ${check.toExponential(1)}`,
      `load average at end: ${load1.toFixed(1)}`,
    ].join("\n") + "\n",
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
