// A finding rendered for people: HTML for the report and notebooks, Markdown for
// docs/findings.md. Rendering only: every word of substance comes from the Finding itself.
import { structuralSentence, type Finding, type Gate, type Verdict } from "../analysis/findings";
import { escapeHtml } from "../runs/names";
import { tableHtml } from "../viz/table";
import { markdownText } from "../util/displayText";

const BADGE: Record<Verdict, { color: string; text: string }> = {
  holds: { color: "#1b7f3b", text: "holds" },
  "does not hold": { color: "#b3261e", text: "does not hold" },
  "not enough evidence": { color: "#8a6d00", text: "not enough evidence" },
};

export function verdictBadge(v: Verdict): string {
  const b = BADGE[v];
  return `<span class="verdict" style="display:inline-block;padding:.1em .55em;border-radius:1em;color:#fff;background:${b.color};font-weight:600;font-size:.9em">${b.text}</span>`;
}

/** The verdict, its sentence, the preconditions (failed ones first) and the notes. */
export function findingHtml(f: Finding, opts: { observedTable?: boolean } = {}): string {
  const gates = [...f.gates].sort((a, b) => Number(a.ok) - Number(b.ok));
  const gateItems = gates.map((g) => `<li>${g.ok ? "✓" : "✗"} <b>${escapeHtml(g.name)}</b>: ${escapeHtml(g.detail)}${g.structural ? ` <i>(more seeds cannot meet it: ${escapeHtml(g.structural)})</i>` : ""}</li>`).join("");
  return [
    `<p>${verdictBadge(f.verdict)} ${escapeHtml(f.sentence)}</p>`,
    gates.length ? `<details${gates.some((g) => !g.ok) ? " open" : ""}><summary>Preconditions (${gates.filter((g) => g.ok).length} of ${gates.length} met)</summary><ul>${gateItems}</ul></details>` : "",
    opts.observedTable && f.observed.length ? tableHtml(f.observed, { caption: "What these runs show" }) : "",
    f.notes.length ? `<p class="note" style="color:#5b6475;font-size:.9em">${f.notes.map(escapeHtml).join(" ")}</p>` : "",
  ].join("");
}

const structuralNote = (g: Gate) => (g.structural ? ` (more seeds cannot meet it: ${g.structural})` : "");

/** docs/findings.md: one section per finding, generated from the findings, never typed. */
// Every text is escaped (util/displayText): the sentences and preconditions carry store folder names.
export function findingsMarkdown(findings: Finding[], header: string): string {
  const md = markdownText;
  const cell = (s: string) => md(s).replace(/\|/g, "\\|");
  const lines = [header, ""];
  lines.push("| finding | method.md | verdict |", "|---|---|---|");
  for (const f of findings) lines.push(`| [${cell(f.title)}](#${f.id}) | ${cell(f.section)} | **${f.verdict}** |`);
  const gaps = structuralSentence(findings);
  if (gaps) lines.push("", `**Undecidable here.** ${md(gaps)}`);
  for (const f of findings) {
    lines.push("", `<a id="${f.id}"></a>`, `## ${md(f.title)}`, "", `**Verdict: ${f.verdict}.** ${md(f.sentence)}`, "", `*The paper:* ${md(f.paper)}`, "");
    lines.push("Preconditions:", ...f.gates.map((g) => `- ${g.ok ? "✓" : "✗"} ${md(g.name)}: ${md(g.detail)}${md(structuralNote(g))}`));
    if (f.notes.length) lines.push("", ...f.notes.map((n) => `> ${md(n)}`));
  }
  return lines.join("\n") + "\n";
}
