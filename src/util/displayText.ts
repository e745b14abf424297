// Untrusted text (folder names, task and model names, a user's command line) made safe to show:
// control characters and bidirectional overrides are written as visible "\u202E" marks, so a
// name can neither retitle or clear a terminal, add lines, nor reverse the rest of a sentence; and
// in Markdown, nothing in a name becomes an HTML tag, an entity or a link. Plain names (letters,
// digits, "-", "_", ".", spaces) come back unchanged, so the default outputs do not move.

// C0 and C1 controls, DEL, and the bidirectional marks, embeddings, overrides and isolates.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function mark(c: string): string {
  // Plain ASCII, so that HTML, Markdown, plotly and terminals all show it as it is.
  return `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Every control character shown, never obeyed (escapeHtml and the Markdown writers apply it too). */
export function visibleControls(s: string): string {
  return s.replace(CONTROLS, mark);
}

/** A name or message for a terminal line. */
export const terminalText = visibleControls;

/**
 * Text for a Markdown paragraph, list item or table cell: no raw HTML tag or entity, no inline
 * link, no new line; "N < d" and "[0.1, 0.3]" stay as they are. In a table cell, also escape "|".
 */
export function markdownText(s: string): string {
  return visibleControls(s)
    .replace(/&(?=#?\w+;)/g, "&amp;")
    .replace(/<(?=[A-Za-z/!?])/g, "&lt;")
    .replace(/\]\(/g, "]\\(")
    .replace(/`/g, "\\`");
}

/** Text as a Markdown code span, fenced with more backticks than it holds. */
export function markdownCode(s: string): string {
  const text = visibleControls(s);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}
