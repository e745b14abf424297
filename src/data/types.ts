// The shapes every layer codes against: a task is three lists of labelled examples plus what
// is needed to score them (the metric name; the metric functions live in src/measures).
export type TaskMetricName = "accuracy" | "f1" | "mcc";

export interface Example {
  text: string;
  textPair?: string;
  label: number;
}

export interface TaskData {
  name: string; // "rte" | "mrpc" | "cola" | "sst2" | embedded names
  metric: TaskMetricName; // the task's metric (method.md §2)
  numLabels: number; // 2 for all of these
  labelNames: string[];
  isPair: boolean;
  train: Example[];
  validation: Example[];
  test: Example[];
  source: string; // "glue:DIR" or "embedded"
}
