// Registering the kernel: the spec points at this checkout's launcher, and Jupyter lists it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageRoot } from "../../src/util/packageRoot";
import { installKernel, kernelSpec, KERNEL_DISPLAY_NAME, KERNEL_NAME } from "../../src/notebook/kernelspec";
import { jupyterWithNbconvert, NO_JUPYTER } from "../helpers/jupyter";

const root = path.resolve(__dirname, "..", "..", "..");

test("the kernelspec runs kernel/launch.js of this checkout with this Node", () => {
  assert.equal(packageRoot(), root);
  const spec = kernelSpec();
  assert.deepEqual(spec.argv, [process.execPath, path.join(root, "kernel", "launch.js"), "{connection_file}"]);
  assert.equal(spec.display_name, KERNEL_DISPLAY_NAME);
  assert.equal(spec.language, "typescript");
  assert.ok(fs.existsSync(spec.argv[1]));
});

test("without jupyter, --prefix writes the kernelspec folder itself", () => {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "instability-prefix-"));
  try {
    const r = installKernel({ prefix, jupyter: path.join(prefix, "no-such-jupyter") });
    assert.equal(r.via, "direct");
    const dir = path.join(prefix, "share", "jupyter", "kernels", KERNEL_NAME);
    assert.equal(r.dir, dir);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8")), kernelSpec());
    assert.throws(() => installKernel({ sysPrefix: true, jupyter: path.join(prefix, "no-such-jupyter") }), /--sys-prefix needs Jupyter/);
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});

test("an existing kernel of the same name that is not ours is refused and left as it was; our own is replaced", () => {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "instability-prefix-"));
  try {
    const dir = path.join(prefix, "share", "jupyter", "kernels", KERNEL_NAME);
    fs.mkdirSync(dir, { recursive: true });
    const foreign = JSON.stringify({ argv: ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], display_name: "Python 3", language: "python" });
    fs.writeFileSync(path.join(dir, "kernel.json"), foreign);
    fs.writeFileSync(path.join(dir, "logo-64x64.png"), "x");
    const noJupyter = path.join(prefix, "no-such-jupyter");
    assert.throws(() => installKernel({ prefix, jupyter: noJupyter }), /already exists in .* and is not an Instability Lab kernel; install under another name \(--name NAME\)/);
    const jupyter = jupyterWithNbconvert();
    if (jupyter) assert.throws(() => installKernel({ prefix, jupyter }), /is not an Instability Lab kernel/);
    assert.equal(fs.readFileSync(path.join(dir, "kernel.json"), "utf8"), foreign);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["kernel.json", "logo-64x64.png"]);
    fs.rmSync(dir, { recursive: true });
    installKernel({ prefix, jupyter: noJupyter });
    const second = installKernel({ prefix, jupyter: noJupyter });
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(second.dir, "kernel.json"), "utf8")), kernelSpec());
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});

test("npm run kernel:install -- --prefix P registers a kernel Jupyter lists", { skip: (!jupyterWithNbconvert() && NO_JUPYTER) || false }, () => {
  const jupyter = jupyterWithNbconvert()!;
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "instability-prefix-"));
  try {
    const script = path.join(root, "dist", "scripts", "install-kernel.js");
    const r = spawnSync(process.execPath, [script, "--prefix", prefix, "--name", "instability-lab-prefix-test"], {
      encoding: "utf8", env: { ...process.env, PATH: `${path.dirname(jupyter)}${path.delimiter}${process.env.PATH}` },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Installed Jupyter kernel "Instability Lab \(TypeScript\)"/);
    const list = spawnSync(jupyter, ["kernelspec", "list", "--json"], {
      encoding: "utf8", env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter") },
    });
    assert.equal(list.status, 0, list.stderr);
    const specs = JSON.parse(list.stdout).kernelspecs as Record<string, { resource_dir: string; spec: { argv: string[]; display_name: string } }>;
    const mine = specs["instability-lab-prefix-test"];
    assert.ok(mine, `not listed: ${Object.keys(specs).join(", ")}`);
    assert.equal(fs.realpathSync(mine.resource_dir), fs.realpathSync(path.join(prefix, "share", "jupyter", "kernels", "instability-lab-prefix-test")));
    assert.equal(mine.spec.display_name, KERNEL_DISPLAY_NAME);
    assert.deepEqual(mine.spec.argv, kernelSpec().argv);
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});

test("install-kernel rejects conflicting targets with usage", () => {
  const r = spawnSync(process.execPath, [path.join(root, "dist", "scripts", "install-kernel.js"), "--user", "--sys-prefix"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /choose one of --user, --prefix, --sys-prefix/);
});
