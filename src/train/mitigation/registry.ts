// The one table of mitigation methods (method.md §4). Each line is a method: its data (names,
// hyper-parameters with flag, default, range and help; methods/<name>.ts) and its configure
// function, which loads the method's tfjs file only when a run sets the method up. So the CLI,
// the notebooks and finetune/config.ts check options from here without loading tfjs. A new
// method is its data file, its tfjs file and one line below.
import type { HyperParameter, MitigationHyperParameters, MitigationMethod } from "./method";
import { LLRD } from "./methods/llrd";
import { MIXOUT } from "./methods/mixout";
import { STANDARD } from "./methods/none";
import { REINIT } from "./methods/reinit";
import { WD_PRE } from "./methods/wdPre";

const BUILT_IN: readonly MitigationMethod[] = [
  { ...STANDARD, configure: (base) => base },
  { ...MIXOUT, configure: (base, ctx, hp) => (require("./mixout") as typeof import("./mixout")).configureMixout(base, ctx, hp) },
  { ...LLRD, configure: (base, ctx, hp) => (require("./llrd") as typeof import("./llrd")).configureLlrd(base, ctx, hp) },
  { ...REINIT, configure: (base, ctx, hp) => (require("./reinit") as typeof import("./reinit")).configureReinit(base, ctx, hp) },
  { ...WD_PRE, configure: (base, ctx, hp) => (require("./wdPre") as typeof import("./wdPre")).configureWdPre(base, ctx, hp) },
];

/** The paper's methods, in the paper's order. */
export const MITIGATIONS: readonly string[] = BUILT_IN.map((m) => m.store);

const registered: MitigationMethod[] = [...BUILT_IN];

/** Every method, the paper's first, then those added with registerMitigationMethod. */
export function mitigationMethods(): readonly MitigationMethod[] {
  return registered;
}

export function mitigationNames(): string[] {
  return registered.map((m) => m.store);
}

/**
 * Adds a method (an extension, or a test's): from then on `finetune` and `sweep` accept it and its
 * flags, their usage lists it, and runs can be made with it. Names and flags must be new.
 */
export function registerMitigationMethod(method: MitigationMethod): void {
  const clash = (what: string, value: string | undefined, taken: (string | undefined)[]) => {
    if (value !== undefined && taken.includes(value)) throw new Error(`registerMitigationMethod: ${what} ${value} is taken by another method; choose a new one`);
  };
  clash("store name", method.store, registered.map((m) => m.store));
  clash("analysis key", method.key, registered.map((m) => m.key));
  for (const hp of method.hyperParameters) {
    clash("hyper-parameter", hp.key, allHyperParameters().map((h) => h.key));
    clash("flag", hp.flag, allHyperParameters().map((h) => h.flag));
    if (!(hp.min <= hp.default && hp.default <= hp.max)) throw new Error(`registerMitigationMethod: ${hp.key}'s default ${hp.default} lies outside its range [${hp.min}, ${hp.max}]`);
  }
  registered.push(method);
}

/** Validates a method name (from a CLI flag or a config file). */
export function mitigationMethod(name: string): MitigationMethod {
  const m = registered.find((r) => r.store === name);
  if (!m) throw new Error(`unknown mitigation method "${name}"; valid methods: ${mitigationNames().join(", ")}`);
  return m;
}

/** Every method's hyper-parameters, in the table's order. */
export function allHyperParameters(): HyperParameter[] {
  return registered.flatMap((m) => m.hyperParameters);
}

/** Those with a command-line flag, with their method. */
export function flaggedHyperParameters(): { method: MitigationMethod; hp: HyperParameter & { flag: string } }[] {
  return registered.flatMap((method) => method.hyperParameters.filter((hp): hp is HyperParameter & { flag: string } => hp.flag !== undefined).map((hp) => ({ method, hp })));
}

/** The method a hyper-parameter belongs to. */
export function ownerOf(key: string): MitigationMethod | undefined {
  return registered.find((m) => m.hyperParameters.some((h) => h.key === key));
}

export function defaultHyperParameters(): MitigationHyperParameters {
  return Object.fromEntries(allHyperParameters().map((h) => [h.key, h.default]));
}

function rangeText(hp: HyperParameter): string {
  return `${hp.integer ? "an integer" : "a number"} in [${hp.min}, ${hp.max}]`;
}

/** `value` checked against the hyper-parameter's range; the error names it as `name` (its key or its flag). */
export function checkHyperParameter(hp: HyperParameter, value: unknown, name: string = hp.key): number {
  const ok = typeof value === "number" && Number.isFinite(value) && value >= hp.min && value <= hp.max && (!hp.integer || Number.isInteger(value));
  if (!ok) throw new Error(`${name} must be ${rangeText(hp)} (${hp.help}; default ${hp.default}), got ${String(value)}`);
  return value;
}

/** A flag's text → its value; the one-line error names the flag and the range to pass. */
export function parseHyperParameterFlag(hp: HyperParameter & { flag: string }, text: string): number {
  const value = text.trim() === "" ? NaN : Number(text);
  if (!(Number.isFinite(value) && value >= hp.min && value <= hp.max && (!hp.integer || Number.isInteger(value)))) {
    throw new Error(`${hp.flag}: '${text}' is not ${rangeText(hp)}; pass ${rangeText(hp)} (default ${hp.default})`);
  }
  return value;
}

/** The defaults with `overrides` on top, each checked against its range; an unknown key is an error. */
export function resolveMitigationHyperParameters(overrides: Partial<MitigationHyperParameters> = {}): MitigationHyperParameters {
  const all = allHyperParameters();
  for (const key of Object.keys(overrides)) {
    if (!all.some((h) => h.key === key)) throw new Error(`unknown mitigation hyper-parameter ${key}; known: ${all.map((h) => h.key).join(", ")}`);
  }
  const hp = defaultHyperParameters();
  for (const h of all) if (overrides[h.key] !== undefined) hp[h.key] = checkHyperParameter(h, overrides[h.key]);
  return hp;
}

/** The usage lines of the flagged hyper-parameters, aligned at `column`. */
export function hyperParameterUsage(column: number): string[] {
  return flaggedHyperParameters().map(({ hp }) => `  ${`${hp.flag} ${hp.metavar ?? "X"}`.padEnd(column - 3)} ${hp.help} (default ${hp.defaultText ?? hp.default})`);
}
