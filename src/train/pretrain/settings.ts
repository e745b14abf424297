// The settings that define a pre-training run: saved in its checkpoint, and a resume must use the same values.
import * as path from "node:path";

export interface PretrainSettings {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  maxLength: number;
  vocabSize: number;
  batchSize: number;
  /** Peak learning rate. */
  lr: number;
  /** Linear warm-up length in updates; then linear decay to 0 at maxSteps. */
  warmupSteps: number;
  /** Total updates of the schedule. */
  maxSteps: number;
  seed: number;
  weightDecay: number;
  maxGradNorm: number;
  beta2: number;
  /** Dropout during pre-training (the saved config keeps BERT's 0.1 for fine-tuning). */
  dropout: number;
  /**
   * Continued pre-training: start from this checkpoint's weights and tokenizer (a fresh
   * optimizer and schedule) instead of a random initialisation.
   */
  initFrom?: string;
  /**
   * Train on sentence pairs with BERT's next-sentence objective besides MLM (trains segment 1,
   * the pooler and the `cls.seq_relationship` head); single pieces with MLM alone otherwise.
   */
  nextSentence?: boolean;
}

/** The settings part of `o` (options that only steer a session, such as outDir, are left out). */
export function settingsOf(o: PretrainSettings): PretrainSettings {
  const { layers, hidden, heads, ffn, maxLength, vocabSize, batchSize, lr, warmupSteps, maxSteps, seed, weightDecay, maxGradNorm, beta2, dropout } = o;
  const s: PretrainSettings = { layers, hidden, heads, ffn, maxLength, vocabSize, batchSize, lr, warmupSteps, maxSteps, seed, weightDecay, maxGradNorm, beta2, dropout };
  if (o.initFrom !== undefined) s.initFrom = path.resolve(o.initFrom);
  // Absent rather than false, so runs written before the option existed still resume.
  if (o.nextSentence) s.nextSentence = true;
  return s;
}

/** Refuses to resume the checkpoint in `dir` with settings other than those it was written with. */
export function checkSameSettings(saved: Record<string, unknown>, now: PretrainSettings, dir: string): void {
  const keys = new Set([...Object.keys(now), ...Object.keys(saved)]);
  for (const key of keys) {
    const value = (now as unknown as Record<string, unknown>)[key];
    if (saved[key] !== value) {
      throw new Error(
        `${dir} was written with ${key} = ${JSON.stringify(saved[key])}, but this run has ${key} = ${JSON.stringify(value)}; ` +
          `rerun with the same settings to resume, or choose another --out to start a new run`,
      );
    }
  }
}
