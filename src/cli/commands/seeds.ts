// `instability seeds RUNS_DIR`: how many seeds the estimates need — each quantity's bootstrap 95%
// CI half-width against the number of seeds, the seeds a target half-width needs, and with
// --compare the seeds per configuration that tell two run sets apart at 80% power.
import { CliError, parseCliArgs } from "../command";
import { compareSeedPlans, computeSeedPlan, type SeedPlan } from "../../analysis/explore/seedPlan";
import { parseMeasureList } from "../measureFlags";
import { loadRuns, RunFormatError } from "../../runs";
import { label } from "../../runs/names";
import { seedPlanFigure, writeFigurePage } from "../../report/explore";

const USAGE = `usage: instability seeds RUNS_DIR [--json] [--target HALF_WIDTH] [--compare RUNS_DIR_2]
                        [--measures svcca,op,cka] [--resamples B] [--figure FILE.html]

For the mean task metric, SD, I_pwd, I_kappa, I_JSD and the representation measures (at the top
block): the bootstrap 95% CI half-width as a function of the number of seeds. 2 … n seeds are
measured by drawing that many of the n runs with replacement (B resamples each); beyond n the
half-width is extrapolated by the 1/√n rule, and marked so.

  --target H    the seeds each quantity needs for a half-width of at most H (in its own units)
  --compare D2  a second runs folder: the difference of each quantity and the seeds per
                configuration that detect it with 80% power (two-sided α = 0.05)
  --measures    representation measures (default svcca,op,cka; "none" for none)
  --resamples   bootstrap resamples per number of seeds (default 200)
  --json        one JSON object
  --figure F    also write the half-width curves as a standalone HTML page`;

function positive(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!(v > 0) || (integer && !Number.isInteger(v))) throw new CliError(`--${flag} '${text}': use a positive ${integer ? "whole " : ""}number`);
  return v;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs("seeds", {
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      target: { type: "string" },
      compare: { type: "string" },
      measures: { type: "string" },
      resamples: { type: "string" },
      figure: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return process.stdout.write(USAGE + "\n"), 0;
  if (positionals.length !== 1) throw new CliError(`expected one RUNS_DIR argument, got ${positionals.length}; see instability seeds --help`);
  const target = positive("target", values.target, false);
  const resamples = positive("resamples", values.resamples, true);
  const measures = values.measures !== undefined ? parseMeasureList(values.measures, true) : undefined;
  const plan = (dir: string): SeedPlan => {
    try {
      return computeSeedPlan(loadRuns(dir), { target, resamples, measures });
    } catch (err) {
      if (err instanceof RunFormatError || err instanceof RangeError) throw new CliError(err.message);
      throw err;
    }
  };
  const a = plan(positionals[0]);
  const b = values.compare !== undefined ? plan(values.compare) : undefined;
  const comparison = b ? compareSeedPlans(a, b) : undefined;
  if (values.figure) writeFigurePage(values.figure, `Seeds: ${positionals[0]}`, [seedPlanFigure(a), ...(b ? [seedPlanFigure(b)] : [])]);
  if (values.json) return process.stdout.write(JSON.stringify({ ...a, ...(b ? { compare: b, comparison } : {}) }) + "\n"), 0;
  process.stdout.write([...planLines(a), ...(b && comparison ? ["", ...planLines(b), "", ...comparisonLines(a, b, comparison)] : [])].join("\n") + "\n");
  return 0;
}

function name(q: string, metric: string): string {
  return q === "metric" ? `mean ${metric}` : label(q, "plain");
}

function planLines(p: SeedPlan): string[] {
  const shown = [...new Set([2, 3, 5, 10, 20, 50, p.seeds, 2 * p.seeds].filter((m) => m <= p.quantities[0].curve.length + 1))].sort((x, y) => x - y);
  const lines = [
    `${p.dir}: ${p.seeds} seeds${p.block !== undefined ? `; representation measures at block ${p.block}` : ""}`,
    `95% CI half-width by number of seeds (${p.note}; * = extrapolated)`,
    `  ${"quantity".padEnd(14)} ${"value".padStart(8)}${shown.map((m) => `${String(m).padStart(9)}`).join("")}${p.target !== undefined ? `   seeds for ±${p.target}` : ""}`,
  ];
  for (const q of p.quantities) {
    const cells = shown.map((m) => {
      const pt = q.curve[m - 2];
      return `${pt.halfWidth.toFixed(4)}${pt.extrapolated ? "*" : " "}`.padStart(9);
    });
    const need = q.forTarget ? `   ${q.forTarget.seeds}${q.forTarget.extrapolated ? " (1/√n rule)" : ""}` : "";
    lines.push(`  ${name(q.name, p.metric).padEnd(14)} ${q.value.toFixed(4).padStart(8)}${cells.join("")}${need}`);
  }
  return lines;
}

function comparisonLines(a: SeedPlan, b: SeedPlan, rows: ReturnType<typeof compareSeedPlans>): string[] {
  const lines = [`seeds per configuration to tell ${a.dir} (A) from ${b.dir} (B) apart with 80% power (two-sided α = 0.05)`];
  lines.push(`  ${"quantity".padEnd(14)} ${"A".padStart(8)} ${"B".padStart(8)} ${"A − B".padStart(9)}  seeds`);
  for (const r of rows) {
    const seeds = Number.isFinite(r.seeds) ? `${r.seeds}${r.extrapolated ? " (1/√n rule)" : ""}` : "never (no difference)";
    lines.push(`  ${name(r.name, a.metric).padEnd(14)} ${r.a.toFixed(4).padStart(8)} ${r.b.toFixed(4).padStart(8)} ${r.difference.toFixed(4).padStart(9)}  ${seeds}`);
  }
  return lines;
}
