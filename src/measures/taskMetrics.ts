// Task metrics of GLUE (accuracy, F1 of class 1, Matthews correlation) and the argmax/softmax of
// logits they start from. With 3 or more classes, F1 is macro-averaged over the classes and MCC is
// the multiclass R_K of Gorodkin (2004), both as scikit-learn computes them. Degenerate cases get defined values rather than NaN, as scikit-learn
// does, because a failed run that predicts one class everywhere is a normal outcome here:
//   F1 = 0 when there are no positive predictions or no positive labels (precision or recall
//   undefined); MCC = 0 when either the predictions or the labels are all one class.

export type TaskMetric = "accuracy" | "f1" | "mcc";
export const TASK_METRICS: readonly TaskMetric[] = ["accuracy", "f1", "mcc"];

/** Argmax of each row of logits [n, C] (the first maximum wins ties, as numpy.argmax). */
export function predictions(logits: Float64Array, n: number, numClasses: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = logits[i * numClasses];
    for (let c = 1; c < numClasses; c++) {
      const v = logits[i * numClasses + c];
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Row-wise softmax of logits [n, C], stabilised by subtracting each row's maximum. */
export function softmax(logits: Float64Array, n: number, numClasses: number): Float64Array {
  const out = new Float64Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const o = i * numClasses;
    let max = -Infinity;
    for (let c = 0; c < numClasses; c++) max = Math.max(max, logits[o + c]);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) {
      out[o + c] = Math.exp(logits[o + c] - max);
      sum += out[o + c];
    }
    for (let c = 0; c < numClasses; c++) out[o + c] /= sum;
  }
  return out;
}

/** 0..n−1, the default example list of every measure that accepts a subset of examples. */
export function allExamples(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

function indexList(n: number, examples?: ArrayLike<number>): ArrayLike<number> {
  if (examples && examples.length === 0) throw new RangeError("the example subset is empty");
  return examples ?? allExamples(n);
}

function check(pred: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (pred.length !== labels.length) throw new RangeError(`predictions (${pred.length}) and labels (${labels.length}) differ in length`);
  if (pred.length === 0) throw new RangeError("a task metric needs at least one example");
}

/** Fraction of examples whose prediction equals the label. */
export function accuracy(pred: ArrayLike<number>, labels: ArrayLike<number>, examples?: ArrayLike<number>): number {
  check(pred, labels);
  const idx = indexList(pred.length, examples);
  let hit = 0;
  for (let t = 0; t < idx.length; t++) if (pred[idx[t]] === labels[idx[t]]) hit++;
  return hit / idx.length;
}

interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function confusion(pred: ArrayLike<number>, labels: ArrayLike<number>, examples?: ArrayLike<number>): Confusion {
  check(pred, labels);
  const idx = indexList(pred.length, examples);
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let t = 0; t < idx.length; t++) {
    const p = pred[idx[t]] === 1;
    const y = labels[idx[t]] === 1;
    if (p && y) c.tp++;
    else if (p) c.fp++;
    else if (y) c.fn++;
    else c.tn++;
  }
  return c;
}

/** K×K confusion counts, [true label][prediction], of the given examples. */
function confusionMatrix(pred: ArrayLike<number>, labels: ArrayLike<number>, K: number, examples?: ArrayLike<number>): Float64Array {
  check(pred, labels);
  const idx = indexList(pred.length, examples);
  const m = new Float64Array(K * K);
  for (let t = 0; t < idx.length; t++) {
    const y = labels[idx[t]], p = pred[idx[t]];
    if (!(y >= 0 && y < K && p >= 0 && p < K)) throw new RangeError(`class ${y < 0 || y >= K ? y : p} at example ${idx[t]} is outside 0..${K - 1}`);
    m[y * K + p]++;
  }
  return m;
}

/** Number of classes: the given one, else one more than the largest label or prediction. */
function classCount(pred: ArrayLike<number>, labels: ArrayLike<number>, numClasses?: number): number {
  if (numClasses !== undefined) return numClasses;
  let k = 2;
  for (let i = 0; i < pred.length; i++) k = Math.max(k, pred[i] + 1, labels[i] + 1);
  return k;
}

/**
 * F1: of the positive class 1 with 2 classes (MRPC); with 3 or more, the macro average over the
 * classes that occur in the labels or predictions (scikit-learn's average="macro"). A class with no
 * positive predictions or labels scores 0.
 */
export function f1Score(pred: ArrayLike<number>, labels: ArrayLike<number>, examples?: ArrayLike<number>, numClasses?: number): number {
  const K = classCount(pred, labels, numClasses);
  if (K <= 2) {
    const { tp, fp, fn } = confusion(pred, labels, examples);
    if (tp === 0) return 0;
    return (2 * tp) / (2 * tp + fp + fn);
  }
  const m = confusionMatrix(pred, labels, K, examples);
  let sum = 0, present = 0;
  for (let k = 0; k < K; k++) {
    let row = 0, col = 0;
    for (let j = 0; j < K; j++) (row += m[k * K + j]), (col += m[j * K + k]);
    if (row === 0 && col === 0) continue;
    present++;
    const tp = m[k * K + k];
    sum += tp === 0 ? 0 : (2 * tp) / (row + col);
  }
  return present ? sum / present : 0;
}

/**
 * Matthews correlation (CoLA): binary with 2 classes; with more, Gorodkin's R_K
 * (c·s − Σ p_k t_k) / √((s² − Σ p_k²)(s² − Σ t_k²)). 0 when a marginal is all one class.
 */
export function matthewsCorrelation(pred: ArrayLike<number>, labels: ArrayLike<number>, examples?: ArrayLike<number>, numClasses?: number): number {
  const K = classCount(pred, labels, numClasses);
  if (K <= 2) {
    const { tp, fp, fn, tn } = confusion(pred, labels, examples);
    const denom = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
    if (denom === 0) return 0;
    return (tp * tn - fp * fn) / denom;
  }
  const m = confusionMatrix(pred, labels, K, examples);
  let c = 0, s = 0, pt = 0, pp = 0, tt = 0;
  for (let k = 0; k < K; k++) {
    let t = 0, p = 0;
    for (let j = 0; j < K; j++) (t += m[k * K + j]), (p += m[j * K + k]);
    c += m[k * K + k];
    s += t;
    pt += p * t;
    pp += p * p;
    tt += t * t;
  }
  const denom = Math.sqrt((s * s - pp) * (s * s - tt));
  return denom === 0 ? 0 : (c * s - pt) / denom;
}

/** What a metric means for `numClasses` classes, for labels: "f1 (class 1)", "f1 (macro, 3 classes)". */
export function describeMetric(metric: TaskMetric, numClasses: number): string {
  if (metric === "f1") return numClasses <= 2 ? "f1 (class 1)" : `f1 (macro, ${numClasses} classes)`;
  if (metric === "mcc") return numClasses <= 2 ? "mcc" : `mcc (multiclass R_K, ${numClasses} classes)`;
  return metric;
}

/** `numClasses` (the logits' width) keeps F1 and MCC the same kind of number for every run of a set. */
export function taskMetric(metric: TaskMetric, pred: ArrayLike<number>, labels: ArrayLike<number>, examples?: ArrayLike<number>, numClasses?: number): number {
  switch (metric) {
    case "accuracy":
      return accuracy(pred, labels, examples);
    case "f1":
      return f1Score(pred, labels, examples, numClasses);
    case "mcc":
      return matthewsCorrelation(pred, labels, examples, numClasses);
    default:
      throw new RangeError(`unknown task metric '${metric as string}' (use accuracy, f1 or mcc)`);
  }
}

/** Accuracy of always predicting the most frequent label of `labels` (method.md §3.1's failure baseline). */
export function majorityClassAccuracy(labels: ArrayLike<number>): number {
  if (labels.length === 0) throw new RangeError("majority-class accuracy of an empty label list");
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  return Math.max(...counts.values()) / labels.length;
}
