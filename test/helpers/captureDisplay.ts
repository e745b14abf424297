// What a notebook call shows and prints: the display bundles it publishes and its console lines.
import { setDisplaySink, type MimeBundle } from "../../src/notebook/display";

export function captureDisplay<T>(fn: () => T): { value: T; bundles: MimeBundle[]; lines: string[] } {
  const bundles: MimeBundle[] = [];
  const lines: string[] = [];
  const previous = setDisplaySink((b) => bundles.push(b));
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    return { value: fn(), bundles, lines };
  } finally {
    console.log = log;
    setDisplaySink(previous);
  }
}
