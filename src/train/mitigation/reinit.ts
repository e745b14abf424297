// Re-initialising the top encoder blocks and the pooler (method.md §4.3): linear weights
// ~ N(0, 0.02²), linear biases 0, LayerNorm weight 1 and bias 0. The "pooler" is BERT's
// `bert.pooler.dense`; RoBERTa has none, and its head's inner `classifier.dense` takes its place.
// Every parameter draws from its own stream (rng.fork(name)), so the values do not depend on
// the order of the parameter map.
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random";
import { countEncoderLayers, encoderLayerIndex } from "../parameterGroups";
import type { MitigationContext, MitigationHyperParameters, MitigationSetup } from "./method";
import { defaultOf } from "./methods/defaultOf";
import { REINIT } from "./methods/reinit";

export interface ReinitOptions {
  /** Number of top blocks (5 in the paper). */
  layers?: number;
  /** Standard deviation of re-initialised linear weights (HF initializer_range, 0.02). */
  std?: number;
  /** Seeded generator; give it a fork of the run's seed (e.g. rng.fork("reinit")). */
  rng: Random;
}

const BERT_POOLER = /(^|\.)pooler\.dense\.(weight|bias)$/;
const ROBERTA_POOLER = /^classifier\.dense\.(weight|bias)$/;

/** The names reinitTopLayers would re-initialise, in the parameter map's order. */
export function reinitNames(names: Iterable<string>, layers = defaultOf(REINIT, "reinitLayers")): string[] {
  const list = [...names];
  const L = countEncoderLayers(list);
  if (!Number.isInteger(layers) || layers < 0 || layers > L) {
    throw new Error(`re-init layers must be an integer in [0, ${L}] (the model has ${L} encoder blocks), got ${layers}`);
  }
  const hasBertPooler = list.some((n) => BERT_POOLER.test(n));
  const pooler = hasBertPooler ? BERT_POOLER : ROBERTA_POOLER;
  if (!list.some((n) => pooler.test(n))) {
    throw new Error("re-init found no pooler: expected `bert.pooler.dense.*` (BERT) or `classifier.dense.*` (RoBERTa) among the parameter names");
  }
  return list.filter((n) => {
    const i = encoderLayerIndex(n);
    return (i !== null && i >= L - layers) || pooler.test(n);
  });
}

type InitKind = "normal" | "zeros" | "ones";

function initKind(name: string, shape: readonly number[]): InitKind {
  if (name.includes("LayerNorm.")) {
    if (name.endsWith(".weight")) return "ones";
    if (name.endsWith(".bias")) return "zeros";
  } else if (name.endsWith(".bias")) {
    return "zeros";
  } else if (name.endsWith(".weight") && shape.length === 2) {
    return "normal";
  }
  throw new Error(`re-init does not know how to initialise ${name} (shape [${shape}]): expected a linear weight/bias or a LayerNorm weight/bias`);
}

/** Re-initialises in place and returns the exact list of re-initialised parameter names. */
export function reinitTopLayers(params: Map<string, tf.Variable>, options: ReinitOptions): string[] {
  const std = options.std ?? defaultOf(REINIT, "reinitStd");
  const names = reinitNames(params.keys(), options.layers ?? defaultOf(REINIT, "reinitLayers"));
  // Classify every name before assigning any, so a bad name leaves the model untouched.
  const kinds = names.map((n) => initKind(n, params.get(n)!.shape));
  names.forEach((n, i) => {
    const v = params.get(n)!;
    const values = new Float32Array(v.size);
    if (kinds[i] === "ones") values.fill(1);
    if (kinds[i] === "normal") {
      const r = options.rng.fork(n);
      for (let j = 0; j < values.length; j++) values[j] = r.normal() * std;
    }
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, "float32")));
  });
  return names;
}

/** The registry's configure of Re-init: the top blocks re-initialised now, before θ₀ or u are captured. */
export function configureReinit(base: MitigationSetup, ctx: MitigationContext, hp: MitigationHyperParameters): MitigationSetup {
  const reinitialized = reinitTopLayers(ctx.params, { layers: hp.reinitLayers, std: hp.reinitStd, rng: ctx.rng.fork("reinit") });
  return { ...base, reinitialized };
}
