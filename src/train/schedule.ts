// Learning-rate schedule of the paper's protocol (method.md §3): linear warm-up over the first
// 10% of the updates, then linear decay to 0. The warm-up length is deliberately NOT rounded
// (HF's get_linear_schedule_with_warmup receives a float there in the released code), and the
// k-th update uses the factor of t = k − 1 finished updates, so the very first update has LR 0.

export interface ScheduleConfig {
  /** Number of training examples n. */
  trainExamples: number;
  /** Training batch size (16 in the paper). */
  batchSize?: number;
  /** Number of epochs (5 in the paper's text, 1 in its launcher: method.md §9). */
  epochs: number;
  /** Fraction of all updates used for warm-up (0.1 in the paper). */
  warmupRatio?: number;
}

/** S = ceil(n / batch): the last partial batch is kept. */
export function stepsPerEpoch(trainExamples: number, batchSize = 16): number {
  if (!Number.isInteger(trainExamples) || trainExamples < 1) {
    throw new Error(`trainExamples must be a positive integer, got ${trainExamples}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  }
  return Math.ceil(trainExamples / batchSize);
}

/**
 * f(t) = t/W for t < W, else max(0, (T − t)/(T − W)), with t the number of finished updates.
 * W may be fractional.
 */
export function linearWarmupDecayFactor(t: number, totalSteps: number, warmupSteps: number): number {
  if (t < warmupSteps) return t / warmupSteps;
  // t ≥ W ≥ T can only happen when the warm-up covers the whole run: there is nothing left to decay.
  if (totalSteps <= warmupSteps) return 0;
  return Math.max(0, (totalSteps - t) / (totalSteps - warmupSteps));
}

/** What an update needs of a schedule (train/update.ts): the LR factor of the k-th update. */
export interface UpdateSchedule {
  factorForUpdate(k: number): number;
}

/** Warm-up over `warmupSteps` updates, then decay to 0 at `totalSteps` (pre-training gives both). */
export class StepsSchedule implements UpdateSchedule {
  constructor(
    /** T. */
    readonly totalSteps: number,
    /** W, may be fractional. */
    readonly warmupSteps: number,
  ) {}

  /** f(t) for t finished updates. */
  factor(t: number): number {
    return linearWarmupDecayFactor(t, this.totalSteps, this.warmupSteps);
  }

  /** The LR factor of the k-th update (k = 1, 2, …): f(k − 1). */
  factorForUpdate(k: number): number {
    if (!Number.isInteger(k) || k < 1) throw new Error(`update number k must be an integer ≥ 1, got ${k}`);
    return this.factor(k - 1);
  }
}

/** The paper's schedule: T = epochs · S updates, W = warmupRatio · T (not rounded). */
export class LinearWarmupSchedule extends StepsSchedule {
  readonly stepsPerEpoch: number;

  constructor(config: ScheduleConfig) {
    const batchSize = config.batchSize ?? 16;
    const warmupRatio = config.warmupRatio ?? 0.1;
    if (!Number.isInteger(config.epochs) || config.epochs < 1) {
      throw new Error(`epochs must be a positive integer, got ${config.epochs}`);
    }
    if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
      throw new Error(`warmupRatio must lie in [0, 1], got ${warmupRatio}`);
    }
    const perEpoch = stepsPerEpoch(config.trainExamples, batchSize);
    const totalSteps = config.epochs * perEpoch;
    super(totalSteps, warmupRatio * totalSteps);
    this.stepsPerEpoch = perEpoch;
  }
}
