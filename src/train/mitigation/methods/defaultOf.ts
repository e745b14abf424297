// A method's default of one hyper-parameter, for its tfjs file's optional arguments.
import type { MitigationMethodData } from "../method";

export function defaultOf(method: MitigationMethodData, key: string): number {
  const hp = method.hyperParameters.find((h) => h.key === key);
  if (!hp) throw new Error(`${method.store} has no hyper-parameter ${key}`);
  return hp.default;
}
