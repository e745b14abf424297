// Which task metric a configuration is scored with.
import { glueTaskName, GLUE_SPECS } from "../../data/glue";
import { TASK_METRICS, TaskMetric } from "../../measures/taskMetrics";

/** The task's metric: metrics.json's "metric" when it names one, else GLUE's, else accuracy. */
export function taskMetricFor(task: string, metrics?: Record<string, unknown>): TaskMetric {
  const named = metrics?.metric;
  if (typeof named === "string" && (TASK_METRICS as readonly string[]).includes(named)) return named as TaskMetric;
  const glue = glueTaskName(task);
  return glue ? (GLUE_SPECS[glue].metric as TaskMetric) : "accuracy";
}
