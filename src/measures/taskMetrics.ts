// Task metrics of GLUE (accuracy, F1 of class 1, Matthews correlation) and the argmax/softmax of
// logits they start from. Degenerate cases get defined values rather than NaN, as scikit-learn
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

/** F1 of the positive class 1 (MRPC). 0 when there are no positive predictions or labels. */
export function f1Score(pred: ArrayLike<number>, labels: ArrayLike<number>, examples?: ArrayLike<number>): number {
  const { tp, fp, fn } = confusion(pred, labels, examples);
  if (tp === 0) return 0;
  return (2 * tp) / (2 * tp + fp + fn);
}

/** Matthews correlation of binary predictions (CoLA). 0 when a marginal is all one class. */
export function matthewsCorrelation(pred: ArrayLike<number>, labels: ArrayLike<number>, examples?: ArrayLike<number>): number {
  const { tp, fp, fn, tn } = confusion(pred, labels, examples);
  const denom = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  if (denom === 0) return 0;
  return (tp * tn - fp * fn) / denom;
}

export function taskMetric(metric: TaskMetric, pred: ArrayLike<number>, labels: ArrayLike<number>, examples?: ArrayLike<number>): number {
  switch (metric) {
    case "accuracy":
      return accuracy(pred, labels, examples);
    case "f1":
      return f1Score(pred, labels, examples);
    case "mcc":
      return matthewsCorrelation(pred, labels, examples);
    default:
      throw new RangeError(`unknown task metric '${metric as string}' (use accuracy, f1 or mcc)`);
  }
}
