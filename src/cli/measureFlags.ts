// The measure flags of `measure` and `seeds` (--measures and each measure's own settings, such as
// --knn), their usage text and their checks, all read from the measure registry
// (measures/registry.ts): a registered measure is a valid choice without a change here.
import type { MeasureSettings } from "../measures/measureDefinition";
import { measureDefinition, measureOptions } from "../measures/registry";
import { allRepresentationMeasures, describeExtraMeasures, measureNamesProblem, type RepresentationMeasure } from "../measures/representationMeasures";
import { CliError } from "./command";

/** `text` as lines of at most `width` characters, each after `indent` spaces. */
export function wrapUsage(text: string, indent: number, width = 100): string {
  const lines: string[] = [];
  let line = "";
  // "1 − CKNNA" stays on one line.
  const words = text.split(" ").reduce<string[]>((out, w, i, all) => (w === "−" || all[i - 1] === "−" ? [...out.slice(0, -1), `${out[out.length - 1]} ${w}`] : [...out, w]), []);
  for (const word of words) {
    if (line && indent + line.length + 1 + word.length > width) (lines.push(line), (line = word));
    else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => " ".repeat(indent) + l).join("\n");
}

/** "also pwcca (projection-weighted CCA), …", wrapped under a flag's help at column `indent`. */
export function extraMeasuresUsage(indent: number): string {
  return wrapUsage(`also ${describeExtraMeasures()}`, indent);
}

/** `--NAME VALUE` of every measure's own setting, for a synopsis, e.g. "[--knn K] ". */
export function measureOptionsSynopsis(): string {
  return measureOptions().map((o) => `[--${o.name} ${o.value}] `).join("");
}

/** One usage line per measure setting, e.g. "  --knn      neighbours k of mknn and cknna (default 10)". */
export function measureOptionsUsage(): string[] {
  return measureOptions().map((o) => `  ${`--${o.name}`.padEnd(10)} ${o.help}`);
}

/** parseArgs options for the measure settings (each a string flag). */
export function measureOptionFlags(): Record<string, { type: "string" }> {
  return Object.fromEntries(measureOptions().map((o) => [o.name, { type: "string" as const }]));
}

/** --measures' text as measure ids; an unknown or repeated one is a one-line error listing the valid ones. */
export function parseMeasureList(text: string, noneAllowed = false): RepresentationMeasure[] {
  if (noneAllowed && text === "none") return [];
  const names = text.split(",").map((s) => s.trim());
  const problem = measureNamesProblem(names);
  if (problem) throw new CliError(`--measures '${text}': ${problem}; use ${noneAllowed ? "none or " : ""}a comma-separated list of ${allRepresentationMeasures().join(", ")}`);
  return names;
}

/** "neither a nor b", "not a", "none of a, b, c". */
function noneOf(ids: string[]): string {
  if (ids.length === 1) return `not ${ids[0]}`;
  if (ids.length === 2) return `neither ${ids[0]} nor ${ids[1]}`;
  return `none of ${ids.join(", ")}`;
}

/**
 * The measure settings given as flags, read by their options; a bad value, or a setting that none
 * of `measures` reads, is a one-line error with the fix.
 */
export function readMeasureSettings(values: Record<string, unknown>, measures: readonly RepresentationMeasure[]): MeasureSettings {
  const settings: MeasureSettings = {};
  for (const option of measureOptions()) {
    const text = values[option.name];
    if (typeof text !== "string") continue;
    try {
      settings[option.name] = option.parse(text);
    } catch (err) {
      throw new CliError(`--${option.name} '${text}': ${(err as Error).message}`);
    }
    const readers = allRepresentationMeasures().filter((id) => measureDefinition(id)!.options?.includes(option));
    if (!measures.some((m) => readers.includes(m))) {
      throw new CliError(`--${option.name} given but --measures has ${noneOf(readers)}; add them, e.g. --measures cka,${readers.join(",")}`);
    }
  }
  return settings;
}
