// Which code wrote a result: the package version and, in a git checkout, the commit (with a mark
// when the working tree differs from it), so a findings.md names what produced it.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "./packageRoot";

/** "commit 650db61" / "commit 650db61 with uncommitted changes" / "package 0.1.0 (not a git checkout)". */
export function codeProvenance(): string {
  const root = packageRoot();
  const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version?: string }).version ?? "?";
  try {
    const git = (...args: string[]) => execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const commit = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src", "package.json") !== "";
    return `commit ${commit}${dirty ? " with uncommitted changes to src/" : ""} (package ${version})`;
  } catch {
    return `package ${version} (not a git checkout)`;
  }
}
