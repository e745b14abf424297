// The six measures of one configuration (SD, I_JSD, I_κ, I_pwd, I_CKA and I_OP at the top
// layer, method.md §7.1) on bootstrap resamples of its seeds, for CIs of the benchmark table and
// of anything computed from it (rankings, Kendall's τ). Pair measures use pairs of distinct runs;
// I_κ uses the distinct runs drawn as raters.
import { fleissKappa, type KappaChance } from "../../measures/fleissKappa";
import { standardDeviation } from "../../measures/standardDeviation";
import { Random } from "../../util/random";
import { SIX_MEASURES, sixMeasures, type SixMeasure } from "../benchmark";
import { configurationName, type ConfigMeasures } from "../store";
import { CI_RESAMPLES, distinctPairMean, percentileInterval, resampleRuns, type Ci } from "./ci";

export type SixValues = Record<SixMeasure, number>;

export interface MethodResamples {
  m: ConfigMeasures;
  /** On all runs. */
  values: SixValues;
  /** One entry per resample. */
  samples: SixValues[];
  ci: Record<SixMeasure, Ci>;
}

export function resampleSix(m: ConfigMeasures, chance: KappaChance | undefined, resamples = CI_RESAMPLES): MethodResamples {
  const R = m.runs.length;
  const top = (k: "cka" | "op") => m.representation?.matrices[k]?.at(-1);
  const cka = top("cka");
  const op = top("op");
  const rng = new Random(0).fork(`six:${configurationName(m.config)}:${m.variant}`);
  const samples = resampleRuns(m.runs.map((_, i) => i), resamples, rng).map((drawn): SixValues => {
    const distinct = [...new Set(drawn)];
    return {
      sd: standardDeviation(m.scores, drawn),
      jsd: distinctPairMean(m.jsd, R, drawn),
      kappa: distinct.length >= 2 ? 1 - fleissKappa(distinct.map((i) => m.preds[i]), m.numClasses, { chance }) : NaN,
      pwd: distinctPairMean(m.pwd, R, drawn),
      cka: cka ? distinctPairMean(cka, R, drawn) : NaN,
      op: op ? distinctPairMean(op, R, drawn) : NaN,
    };
  });
  const values = sixMeasures(m);
  const ci = Object.fromEntries(SIX_MEASURES.map((k) => [k, { value: values[k], ...percentileInterval(samples.map((s) => s[k])), runs: R }])) as Record<SixMeasure, Ci>;
  return { m, values, samples, ci };
}
