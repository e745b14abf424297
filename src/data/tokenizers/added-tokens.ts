// Special tokens written literally in the input ("[MASK]", "<mask>") are matched on the raw text
// before any normalisation, as HF does for added tokens, and never cut by the model.
import type { AddedToken } from "./types";

export type Segment = { text: string } | { id: number };

const isSpace = (c: string): boolean => /\s/.test(c);

/** Splits `text` around occurrences of the added tokens (longest match first). */
export function splitOnAddedTokens(text: string, added: readonly AddedToken[]): Segment[] {
  if (added.length === 0) return [{ text }];
  const sorted = [...added].sort((a, b) => b.content.length - a.content.length);
  const firsts = new Set(sorted.map((t) => t.content[0]));
  const out: Segment[] = [];
  let start = 0; // start of the plain text not yet emitted
  let i = 0;
  while (i < text.length) {
    const tok = firsts.has(text[i]) ? sorted.find((t) => text.startsWith(t.content, i)) : undefined;
    if (!tok || (tok.single_word && !isWordBoundary(text, i, tok.content.length))) {
      i++;
      continue;
    }
    let pending = text.slice(start, i);
    if (tok.lstrip) pending = pending.replace(/\s+$/, "");
    if (pending) out.push({ text: pending });
    out.push({ id: tok.id });
    i += tok.content.length;
    if (tok.rstrip) while (i < text.length && isSpace(text[i])) i++;
    start = i;
  }
  if (start < text.length) out.push({ text: text.slice(start) });
  return out;
}

function isWordBoundary(text: string, at: number, len: number): boolean {
  const before = at === 0 || !/\w/.test(text[at - 1]);
  const after = at + len >= text.length || !/\w/.test(text[at + len]);
  return before && after;
}
