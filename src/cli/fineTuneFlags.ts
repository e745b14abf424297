// The fine-tuning flags `finetune` and `sweep` share. The mitigation flags all come from the
// method registry (train/mitigation/registry.ts): the method list, one flag per hyper-parameter
// with its usage line, and parsing that names the flag and the range to pass; a registered
// method's flags appear here without any edit.
import type { FineTuneOptions } from "../train/finetune/config";
import { FineTuneOptionError } from "../train/finetune/config";
import type { MitigationHyperParameters } from "../train/mitigation/method";
import { flaggedHyperParameters, hyperParameterUsage, mitigationMethods, mitigationNames, parseHyperParameterFlag } from "../train/mitigation/registry";
import { CliError } from "./command";

/** parseArgs options of every hyper-parameter flag ("mixout-p": { type: "string" }, …). */
export function hyperParameterOptions(): Record<string, { type: "string" }> {
  return Object.fromEntries(flaggedHyperParameters().map(({ hp }) => [hp.flag.slice(2), { type: "string" as const }]));
}

/** The hyper-parameter flags given, as values by key; undefined when none was. */
export function hyperParameterFlags(values: Record<string, unknown>): Partial<MitigationHyperParameters> | undefined {
  const hp: Partial<MitigationHyperParameters> = {};
  for (const { hp: h } of flaggedHyperParameters()) {
    const text = values[h.flag.slice(2)];
    if (text === undefined) continue;
    try {
      hp[h.key] = parseHyperParameterFlag(h, String(text));
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
  return Object.keys(hp).length ? hp : undefined;
}

/** The usage lines of the hyper-parameter flags, aligned at `column`. */
export function hyperParameterUsageText(column: number): string {
  return hyperParameterUsage(column).join("\n");
}

/** One usage line per method, "    mixout     Mixout: mix each weight …", starting at `column`. */
export function methodUsageLines(column: number): string {
  const width = Math.max(...mitigationMethods().map((m) => m.store.length)) + 2;
  return mitigationMethods().map((m) => `${" ".repeat(column)}${m.store.padEnd(width)}${m.paper}: ${m.label}`).join("\n");
}

/** "none|mixout|llrd|reinit|wd_pre" */
export function methodList(separator: string): string {
  return mitigationNames().join(separator);
}

/** Throws a CliError naming `flag` unless `name` is a registered method. */
export function checkMethodName(flag: string, name: string): string {
  if (!mitigationNames().includes(name)) throw new CliError(`${flag}: unknown method '${name}'; valid methods: ${methodList(", ")}`);
  return name;
}

/** The flag of each option the library checks (checkFineTuneOptions), for its errors; `own` overrides a command's spelling. */
export function flagOf(option: keyof FineTuneOptions, own: Partial<Record<keyof FineTuneOptions, string>> = {}): string {
  const flags: Partial<Record<keyof FineTuneOptions, string>> = {
    seed: "--seed", lr: "--lr", epochs: "--epochs", batchSize: "--batch", mitigation: "--mitigation", failedRule: "--failed-rule",
    maxTrainExamples: "--max-train-examples", maxLength: "--max-length",
    mitigationHyperParameters: flaggedHyperParameters().map(({ hp }) => hp.flag).join("/"),
    ...own,
  };
  return flags[option] ?? option;
}

/** Runs `fn`; a FineTuneOptionError becomes a CliError naming the flag. */
export function withFlagNames<T>(fn: () => T, own: Partial<Record<keyof FineTuneOptions, string>> = {}): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FineTuneOptionError) throw new CliError(`${flagOf(err.option, own)}: ${err.message}`);
    throw err;
  }
}
