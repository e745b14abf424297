// Small synthetic inputs for the teaching notebooks (NB1, NB2): random matrices, rotations, and
// toy run sets whose accuracy is fixed by construction. Deterministic from a seed, so a notebook
// shows the same numbers every time it runs. Nothing here pretends to be a fine-tuned model.
import type { RunContents } from "../runs";
import { Random } from "../util/random";

/** An n×d matrix (row-major) of independent standard normal values. */
export function gaussianMatrix(n: number, d: number, seed: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: n * d }, () => rng.normal());
}

/**
 * X·Q·scale for a random orthogonal Q (a product of `reflections` Householder reflections, each
 * orthogonal, so the product is too). What CKA and OP must not see: the same representation in
 * other coordinates and units.
 */
export function rotateAndScale(x: Float64Array, n: number, d: number, scale: number, seed: number, reflections = 16): Float64Array {
  const rng = new Random(seed);
  const out = Float64Array.from(x, (v) => v * scale);
  const v = new Float64Array(d);
  for (let k = 0; k < reflections; k++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      v[j] = rng.normal();
      norm += v[j] * v[j];
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < d; j++) v[j] *= inv;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += out[i * d + j] * v[j];
      for (let j = 0; j < d; j++) out[i * d + j] -= 2 * s * v[j];
    }
  }
  return out;
}

/** Each column of X multiplied by its own factor in [lo, hi]: an invertible map that is not a rotation. */
export function scaleColumns(x: Float64Array, n: number, d: number, seed: number, lo = 0.2, hi = 5): Float64Array {
  if (x.length !== n * d) throw new Error(`scaleColumns: x has ${x.length} entries, expected n·d = ${n}·${d}; pass X's own shape`);
  const rng = new Random(seed);
  const f = Float64Array.from({ length: d }, () => lo * Math.pow(hi / lo, rng.next()));
  return Float64Array.from(x, (v, idx) => v * f[idx % d]);
}

/** A rank-`rank` signal S (n×d) plus `noise`·(independent normal noise): a structured representation. */
export function lowRankPlusNoise(n: number, d: number, rank: number, noise: number, seed: number): Float64Array {
  const a = gaussianMatrix(n, rank, seed);
  const b = gaussianMatrix(rank, d, seed + 1);
  const rng = new Random(seed + 2);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let t = 0; t < rank; t++) s += a[i * rank + t] * b[t * d + j];
      out[i * d + j] = s / Math.sqrt(rank) + noise * rng.normal();
    }
  }
  return out;
}

export interface ToyRunsOptions {
  /**
   * true: every run makes the same mistakes with the same logits, and its hidden states are the
   * shared ones rotated and rescaled (the same representation in other coordinates).
   * false: every run makes as many mistakes, but on its own examples, with its own confidence,
   * and its hidden states add a run-specific part that grows with depth, as after fine-tuning.
   */
  identical: boolean;
  /** Test examples (default 100). */
  n?: number;
  /** Runs, i.e. seeds (default 5). */
  runs?: number;
  /** Examples every run gets right (default 80): the same for all runs, so SD = 0. */
  correct?: number;
  /** Transformer blocks (default 4); hidden.npy gets layers + 1 entries, index 0 = embeddings. */
  layers?: number;
  /** Width d (default 128). Keep d ≥ n: the representation measures then see full-rank states. */
  width?: number;
  /** The shared data (labels, base hidden states) come from this seed (default 1). */
  seed?: number;
}

/** A toy run set as run-store contents (pass each to runs.writeRun). */
export function toyRuns(o: ToyRunsOptions): RunContents[] {
  const n = o.n ?? 100;
  const R = o.runs ?? 5;
  const correct = o.correct ?? 80;
  const L = o.layers ?? 4;
  const d = o.width ?? 128;
  const seed = o.seed ?? 1;
  if (!(correct >= 0 && correct <= n)) throw new RangeError(`toyRuns: correct must be in [0, ${n}], got ${correct}`);
  const base = new Random(seed);
  const labels = Int32Array.from({ length: n }, () => (base.next() < 0.5 ? 0 : 1));
  const confidence = Float64Array.from({ length: n }, () => 1 + 3 * base.next());
  // Base hidden states: each layer mixes the one below with fresh directions, as a residual stream does.
  const shared: Float64Array[] = [gaussianMatrix(n, d, seed + 100)];
  for (let l = 1; l <= L; l++) {
    const fresh = gaussianMatrix(n, d, seed + 100 + l);
    shared.push(Float64Array.from(shared[l - 1], (v, i) => 0.8 * v + 0.6 * fresh[i]));
  }
  const sharedMistakes = mistakeSet(new Random(seed).fork("mistakes"), n, n - correct);
  const runs: RunContents[] = [];
  for (let r = 0; r < R; r++) {
    const rng = new Random(seed).fork(`run-${r}`);
    const mistakes = o.identical ? sharedMistakes : mistakeSet(rng.fork("mistakes"), n, n - correct);
    const logits = new Float32Array(n * 2);
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const predicted = mistakes.has(i) ? 1 - labels[i] : labels[i];
      if (predicted === labels[i]) hits++;
      const margin = o.identical ? confidence[i] : confidence[i] * (0.4 + 1.2 * rng.next());
      logits[i * 2 + predicted] = margin / 2;
      logits[i * 2 + 1 - predicted] = -margin / 2;
    }
    const hidden = new Float32Array((L + 1) * n * d);
    for (let l = 0; l <= L; l++) {
      let h: Float64Array;
      if (o.identical) {
        h = rotateAndScale(shared[l], n, d, 0.5 + rng.next(), rng.nextUint32());
      } else {
        const spread = 0.05 + 0.3 * l; // fine-tuning moves upper layers more than lower ones
        h = Float64Array.from(shared[l], (v) => v + spread * rng.normal());
      }
      hidden.set(h, l * n * d);
    }
    runs.push({
      logits: { data: logits, shape: [n, 2] },
      labels: { data: labels, shape: [n] },
      hidden: { data: hidden, shape: [L + 1, n, d] },
      metrics: { accuracy: hits / n },
      config: { toy: true, identical: o.identical, seed: r, dataSeed: seed },
    });
  }
  return runs;
}

function mistakeSet(rng: Random, n: number, count: number): Set<number> {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return new Set(idx.slice(0, count));
}

/**
 * Predicted labels of `runs` runs on `n` examples: a shared answer (class 1 with probability
 * `positiveRate`), which each run flips on each example with probability `flip`.
 */
export function toyPredictions(o: { runs: number; n: number; flip: number; positiveRate?: number; seed: number }): Int32Array[] {
  const rng = new Random(o.seed);
  const shared = Int32Array.from({ length: o.n }, () => (rng.next() < (o.positiveRate ?? 0.5) ? 1 : 0));
  return Array.from({ length: o.runs }, () => Int32Array.from(shared, (y) => (rng.next() < o.flip ? 1 - y : y)));
}
