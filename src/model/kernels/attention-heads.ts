// The per-head work of the fused attention (ops/attention-fused.ts), free of tfjs so that kernel
// threads run it too: a range of (example, head) pairs forward or backward. Pairs are independent
// (each writes its own head of ctx, dq, dk, dv and its own probabilities), so threads split the
// pairs and every number is computed as one thread computes it. See attention-fused.ts for the
// layouts; offsets below are in floats unless a name says bytes.

/** A function of the kernels' module (tasks.ts's KernelFunction; not imported, to keep imports one-way). */
type KernelFunction = (...args: number[]) => void;
/** What a kernel thread hands a JS task (tasks.ts's KernelSet). */
type PairTask = (k: { fn: Record<string, KernelFunction>; f32(): Float32Array }, args: ArrayLike<number>) => void;

/** The kernels the head loops call, and a float32 view of the memory. */
export interface HeadKernels {
  gemm: KernelFunction;
  copyRows: KernelFunction;
  transposeRows: KernelFunction;
  softmaxRows: KernelFunction;
  mulRows: KernelFunction;
  softmaxGradRows: KernelFunction;
  f32(): Float32Array;
}

export interface Dims {
  B: number;
  S: number;
  A: number;
  d: number;
  H: number;
  P: number;
  /** Query positions: S, or 1 with firstQueryOnly. */
  Q: number;
  /** Query rows of a head's scores and probabilities: P, or 1 with firstQueryOnly. */
  PQ: number;
  scale: number;
}

/** Float offsets of the tensors of one attention call (dropMask 0 without dropout). */
export interface HeadTensors {
  q: number;
  k: number;
  v: number;
  mask: number;
  probs: number;
  dropped: number;
  dropMask: number;
  /** Forward: ctx. Backward: dy, dq, dk, dv. */
  ctx: number;
  dy: number;
  dq: number;
  dk: number;
  dv: number;
}

/** Floats of scratch one thread needs for a forward or a backward. */
export const forwardScratch = (D: Dims): number => 3 * D.P * D.d + D.PQ * D.P + D.P;
export const backwardScratch = (D: Dims): number => 5 * D.P * D.d + D.PQ * D.P;

/** rows s < S of head (b, h) of x [S·B, H] → dst [P, d], or [d, P] transposed (padding zero). */
function gatherHead(k: HeadKernels, x: number, dst: number, b: number, h: number, D: Dims, transpose: boolean): void {
  const { B, S, d, H, P } = D;
  const src = (x + b * H + h * d) << 2;
  if (transpose) {
    k.transposeRows(src, B * H * 4, dst << 2, P * 4, S, d);
    const f = k.f32();
    for (let t = 0; t < d; t++) f.fill(0, dst + t * P + S, dst + t * P + P);
    return;
  }
  k.copyRows(src, B * H * 4, dst << 2, d * 4, S, d);
  k.f32().fill(0, dst + S * d, dst + P * d);
}

/** rows s < S of src [P, d] → head (b, h) of x [S·B, H]. */
function scatterHead(k: HeadKernels, src: number, x: number, b: number, h: number, D: Dims): void {
  const { B, S, d, H } = D;
  k.copyRows(src << 2, d * 4, (x + b * H + h * d) << 2, B * H * 4, S, d);
}

/**
 * Keys of example b that a product must cover: its last unmasked key + 1, rounded up to the gemm's
 * 8 columns (at most P). Keys after it are padding: their probabilities are exactly 0 (exp of a
 * score near −1e9), so every term they add to a sum (ctx, dv, dk, dq, Σ dP⊙P) is an exact zero and
 * every number of theirs (a probability, dv's and dk's rows) is +0: the products and the softmax
 * stop there, and those numbers are written as zeros — the same bytes as over all P keys, in
 * about length / longest of the work where a batch's examples differ in length (SST-2's batches of
 * 16: 42% of the keys; RTE's 63%; spam's ~80%).
 */
/** An additive mask at or below this is a padded key (the encoder's are −1e9; exp(−1e4) is 0 in float32 many times over). */
const PADDED = -1e4;

function keysOf(f: Float32Array, mask: number, b: number, D: Dims): number {
  if (mask === 0) return D.P; // no mask given: every key
  let last = D.S - 1;
  while (last > 0 && f[mask + b * D.S + last] <= PADDED) last--;
  return Math.min(D.P, Math.ceil((last + 1) / 8) * 8);
}

/** Rows [from, to) of head (b, h) of x [S·B, H], zeroed. */
function zeroHeadRows(f: Float32Array, x: number, b: number, h: number, D: Dims, from: number, to: number): void {
  const { at, row } = headRows(x, b, h, D);
  for (let s = from; s < to; s++) f.fill(0, at + s * row, at + s * row + D.d);
}

/** Head (b, h) of x [S·B, H] in place: its first float and its row stride (floats). */
function headRows(x: number, b: number, h: number, D: Dims): { at: number; row: number } {
  return { at: x + b * D.H + h * D.d, row: D.B * D.H };
}

/**
 * Head (b, h) of x [S·B, H] (or the first-position rows [B, H] when M = 1) = alpha · A · src for
 * A [M, K] (byte address a, strides sam, sak, sap) and src [K, d] (rows d apart): written in
 * place when direct, else through the scratch `out`; only its first `rows` rows computed, the
 * rest of its M rows zeroed.
 */
function gemmToHead(
  k: HeadKernels, a: number, sam: number, sak: number, sap: number, src: number, out: number, x: number,
  b: number, h: number, D: Dims, M: number, K: number, alpha: number, direct: boolean, rows = M,
): void {
  const { d } = D;
  const dst = direct ? headRows(x, b, h, D) : { at: out, row: d };
  k.gemm(a, sam, sak, sap, src << 2, d * 4, 32, dst.at << 2, dst.row * 4, 0, 0, rows, d, K, alpha);
  if (!direct) {
    k.f32().fill(0, out + rows * d, out + M * d);
    scatterHead(k, out, x, b, h, D);
  } else if (rows < M) zeroHeadRows(k.f32(), x, b, h, D, rows, Math.min(M, D.S));
}

/** The forward of pairs c0 ≤ c < c1 (c = b·A + h), with `scratch` floats of forwardScratch(D). */
export function forwardPairs(k: HeadKernels, T: HeadTensors, D: Dims, scratch: number, c0: number, c1: number): void {
  const { B, S, A, d, P, Q, PQ, scale } = D;
  const n = B * A;
  const qs = scratch, kt = qs + P * d, vs = kt + P * d, cs = qs; // ctx of a head reuses q's scratch
  const sc = vs + P * d, mrow = sc + PQ * P;
  // Without padding (S = P), or with one query row, q is read and ctx written in place, rows B·H apart.
  const direct = S === P || Q === 1;
  let maskOf = -1;
  let K = P; // keys after K: padding (keysOf)
  for (let c = c0; c < c1; c++) {
    const [b, h] = [Math.floor(c / A), c % A];
    const f = k.f32();
    if (b !== maskOf) {
      // This example's additive mask, padded keys masked out, and its keys.
      for (let j = 0; j < S; j++) f[mrow + j] = f[T.mask + b * S + j];
      f.fill(-1e9, mrow + S, mrow + P);
      K = keysOf(f, T.mask, b, D);
      maskOf = b;
    }
    const qh = direct ? headRows(T.q, b, h, D) : { at: qs, row: d };
    if (!direct) gatherHead(k, T.q, qs, b, h, D, false);
    gatherHead(k, T.k, kt, b, h, D, true);
    gatherHead(k, T.v, vs, b, h, D, false);
    // scores [Q, K] = scale · q · kt (rows ≥ Q, padding, are not read)
    k.gemm(qh.at << 2, qh.row * 4, 4, qh.row * 16, kt << 2, P * 4, 32, sc << 2, P * 4, 0, 0, Q, K, d, scale);
    const base = c * PQ * P;
    // probs rows < Q = softmax(scores + mask) (padded keys masked too), columns ≥ K and rows ≥ Q zero
    k.softmaxRows(sc << 2, P * 4, mrow << 2, (T.probs + base) << 2, Q, K);
    for (let i = 0; i < Q && K < P; i++) f.fill(0, T.probs + base + i * P + K, T.probs + base + i * P + P);
    f.fill(0, T.probs + base + Q * P, T.probs + base + PQ * P);
    if (T.dropMask) {
      // dropped = probs ⊙ mask on the Q × seq block (the mask's row (i, c) is at (i·n + c)·S)
      const cols = Math.min(S, K);
      k.mulRows((T.probs + base) << 2, P * 4, (T.dropMask + c * S) << 2, n * S * 4, (T.dropped + base) << 2, P * 4, Q, cols);
      for (let i = 0; i < Q; i++) f.fill(0, T.dropped + base + i * P + cols, T.dropped + base + i * P + P);
      f.fill(0, T.dropped + base + Q * P, T.dropped + base + PQ * P);
    }
    // ctx head [Q, d] = dropped · vs (Q rows: in place a head has no more, though PQ = 8 where S = 1)
    const ch = direct ? headRows(T.ctx, b, h, D) : { at: cs, row: d };
    k.gemm((T.dropped + base) << 2, P * 4, 4, P * 16, vs << 2, d * 4, 32, ch.at << 2, ch.row * 4, 0, 0, Q, d, K, 1);
    if (!direct) scatterHead(k, cs, T.ctx, b, h, D);
  }
}

/** The backward of pairs c0 ≤ c < c1, with `scratch` floats of backwardScratch(D). */
export function backwardPairs(k: HeadKernels, T: HeadTensors, D: Dims, scratch: number, c0: number, c1: number): void {
  const { B, S, A, d, P, Q, PQ, scale } = D;
  const n = B * A;
  const dys = scratch, vt = dys + P * d, ks = vt + P * d, qs = ks + P * d, out = qs + P * d;
  const ds = out + P * d;
  const direct = S === P;
  const oneQuery = PQ === 1; // first query only (not S = 1: its head is P = 8 rows of scratch)
  let [keysOfB, K] = [-1, P]; // keys after K: padding, their dv and dk rows zero (keysOf)
  for (let c = c0; c < c1; c++) {
    const [b, h] = [Math.floor(c / A), c % A];
    if (b !== keysOfB) [keysOfB, K] = [b, keysOf(k.f32(), T.mask, b, D)];
    const base = c * PQ * P;
    // One query row is read in place (a gemm of one row ignores the row stride).
    const dyh = oneQuery ? headRows(T.dy, b, h, D).at : dys;
    const qh = oneQuery ? headRows(T.q, b, h, D).at : qs;
    if (!oneQuery) gatherHead(k, T.dy, dys, b, h, D, false);
    gatherHead(k, T.v, vt, b, h, D, true);
    gatherHead(k, T.k, ks, b, h, D, false);
    if (!oneQuery) gatherHead(k, T.q, qs, b, h, D, false);
    // dv [P, d] = droppedᵀ · dy
    gemmToHead(k, (T.dropped + base) << 2, 4, P * 4, 16, dyh, out, T.dv, b, h, D, P, PQ, 1, direct, K);
    // d(dropped) [PQ, K] = dy · vᵀ
    k.gemm(dyh << 2, d * 4, 4, d * 16, vt << 2, P * 4, 32, ds << 2, P * 4, 0, 0, PQ, K, d, 1);
    // dprobs = d(dropped) ⊙ mask;  dscores = probs ⊙ (dprobs − Σ_j dprobs ⊙ probs)
    // (ds rows ≥ Q are zero: dy is zero-padded; its columns ≥ K are never read)
    if (T.dropMask) k.mulRows(ds << 2, P * 4, (T.dropMask + c * S) << 2, n * S * 4, ds << 2, P * 4, Q, Math.min(S, K));
    k.softmaxGradRows(ds << 2, P * 4, (T.probs + base) << 2, P * 4, Q, K);
    // dq = scale · dscores · k;  dk = scale · dscoresᵀ · q
    gemmToHead(k, ds << 2, P * 4, 4, P * 16, ks, out, T.dq, b, h, D, PQ, K, scale, direct || oneQuery, Q); // ds rows ≥ Q are zero
    gemmToHead(k, ds << 2, 4, P * 4, 16, qh, out, T.dk, b, h, D, P, PQ, scale, direct, K);
  }
}

// A task's arguments: the Dims, the HeadTensors, then scratch, c0, c1 (in these key orders).
const DIM_KEYS = ["B", "S", "A", "d", "H", "P", "Q", "PQ", "scale"] as const;
const TENSOR_KEYS = ["q", "k", "v", "mask", "probs", "dropped", "dropMask", "ctx", "dy", "dq", "dk", "dv"] as const;

/** The numbers of a forwardPairs / backwardPairs task. */
export function pairTaskArgs(D: Dims, T: HeadTensors, scratch: number, c0: number, c1: number): number[] {
  return [...DIM_KEYS.map((key) => D[key]), ...TENSOR_KEYS.map((key) => T[key]), scratch, c0, c1];
}

function fromArgs(args: ArrayLike<number>): [Dims, HeadTensors, number, number, number] {
  const D = Object.fromEntries(DIM_KEYS.map((key, i) => [key, args[i]])) as unknown as Dims;
  const at = DIM_KEYS.length;
  const T = Object.fromEntries(TENSOR_KEYS.map((key, i) => [key, args[at + i]])) as unknown as HeadTensors;
  const rest = at + TENSOR_KEYS.length;
  return [D, T, args[rest], args[rest + 1], args[rest + 2]];
}

const headKernels = (k: Parameters<PairTask>[0]): HeadKernels => ({ ...(k.fn as unknown as Omit<HeadKernels, "f32">), f32: k.f32 });

/** The JS tasks of kernel threads (tasks.ts). */
export const ATTENTION_TASKS: Record<string, PairTask> = {
  attentionForwardPairs: (k, args) => {
    const [D, T, scratch, c0, c1] = fromArgs(args);
    forwardPairs(headKernels(k), T, D, scratch, c0, c1);
  },
  attentionBackwardPairs: (k, args) => {
    const [D, T, scratch, c0, c1] = fromArgs(args);
    backwardPairs(headKernels(k), T, D, scratch, c0, c1);
  },
};
