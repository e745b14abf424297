// The one way to find this package on disk: the nearest folder above a file whose package.json is
// named instability-lab. Walking up (rather than a fixed "../..") finds it from src/ (tslab,
// ts-node) and from dist/src/ (the compiled CLI) alike, in a checkout or in node_modules.
import * as fs from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "instability-lab";

function ownPackageJson(dir: string): { name?: string; version?: string } | undefined {
  const file = path.join(dir, "package.json");
  if (!fs.existsSync(file)) return undefined;
  try {
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    return pkg.name === PACKAGE_NAME ? pkg : undefined;
  } catch {
    return undefined; // not ours: keep walking
  }
}

/** The package root above `from` (default: this file). */
export function packageRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (ownPackageJson(dir)) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${from} (no package.json named ${PACKAGE_NAME})`);
  }
}

/** This package's version from its package.json ("unknown" when it has none). */
export function packageVersion(): string {
  return ownPackageJson(packageRoot())?.version ?? "unknown";
}

/**
 * Where this package keeps what it makes (out/): its own folder, or for an installed copy
 * (…/node_modules/instability-lab) the project folder that holds node_modules, since a reinstall
 * replaces the package folder.
 */
export function projectHome(root: string = packageRoot()): string {
  const parts = path.resolve(root).split(path.sep);
  const at = parts.lastIndexOf("node_modules");
  return at > 0 ? parts.slice(0, at).join(path.sep) || path.sep : root;
}
