// `npm run kernel:install [-- --user | --prefix DIR | --sys-prefix]`: registers the
// "Instability Lab (TypeScript)" Jupyter kernel of this checkout. Default: for the current user.
import { parseArgs } from "node:util";
import { installKernel, KERNEL_DISPLAY_NAME } from "../src/notebook/kernelspec";

const USAGE = `usage: npm run kernel:install [-- --user | --prefix DIR | --sys-prefix] [--name NAME]
  --user        install for the current user (default)
  --prefix DIR  install into DIR/share/jupyter/kernels (e.g. "$CONDA_PREFIX")
  --sys-prefix  install into the environment of the \`jupyter\` on PATH
  --name NAME   kernel name (default instability-lab)`;

function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        user: { type: "boolean" },
        prefix: { type: "string" },
        "sys-prefix": { type: "boolean" },
        name: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    console.error(`install-kernel: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const chosen = [values.user, values.prefix !== undefined, values["sys-prefix"]].filter(Boolean).length;
  if (chosen > 1) {
    console.error(`install-kernel: choose one of --user, --prefix, --sys-prefix\n${USAGE}`);
    return 2;
  }
  try {
    const r = installKernel({ prefix: values.prefix, sysPrefix: values["sys-prefix"], name: values.name });
    console.log(`Installed Jupyter kernel "${KERNEL_DISPLAY_NAME}" (${r.name}) in ${r.dir || "Jupyter's kernels folder"}` +
      (r.via === "direct" ? " (Jupyter was not found on PATH; wrote the kernelspec directly)" : ""));
    return 0;
  } catch (e) {
    console.error(`install-kernel: ${(e as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
