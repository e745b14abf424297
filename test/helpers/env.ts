// Runs f with an environment variable set (the switches the kernels read: INSTABILITY_FUSED,
// INSTABILITY_BLAS), restoring it after, also when f throws or its promise rejects; the process's
// remembered switches (src/util/envSwitch.ts) are refreshed both times.
import { refreshEnvSwitches } from "../../src/util/envSwitch";

export function withEnv<T>(name: string, value: string, f: () => T): T {
  const old = process.env[name];
  process.env[name] = value;
  refreshEnvSwitches();
  const restore = () => {
    if (old === undefined) delete process.env[name];
    else process.env[name] = old;
    refreshEnvSwitches();
  };
  let out: T;
  try {
    out = f();
  } catch (err) {
    restore();
    throw err;
  }
  if (out instanceof Promise) return out.finally(restore) as T;
  restore();
  return out;
}
