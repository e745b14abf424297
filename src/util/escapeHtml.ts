// The one HTML escaper (report, viz tables, notebook displays): text for element content and
// attribute values. Control characters and bidirectional overrides in a name become visible marks
// (displayText.ts), so a name cannot reverse the rest of a sentence, numbers included.
import { visibleControls } from "./displayText";

export function escapeHtml(s: string): string {
  return visibleControls(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
