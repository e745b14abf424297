// `instability sweep-task`: one array task of a sweep submitted to Slurm (the generated job.sh
// runs it); trains entry N of the submission's task list unless it is finished or claimed.
import { CliError, parseCliArgs } from "../command";
import { readTaskList, runSweepTask } from "../../train/sweep/sweepTask";

const USAGE = `usage: instability sweep-task --tasks FILE --index N

Trains entry N of a Slurm submission's task list (tasks.json, written by \`instability sweep
--submit slurm\`); the job-array script runs this, one array task per run.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCliArgs("sweep-task", {
    args: argv,
    options: { tasks: { type: "string" }, index: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (!values.tasks || values.index === undefined) throw new CliError("--tasks FILE and --index N are required");
  const index = Number(values.index);
  try {
    const list = readTaskList(values.tasks);
    return await runSweepTask(list, index, (line) => process.stdout.write(`sweep-task: ${line}\n`));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}
