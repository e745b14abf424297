// Public API of src/data: tasks (GLUE and embedded), the paper's dev split, the pre-training
// corpus and the GLUE download. Tokenizers live in ./tokenizers (their own module).
export type { Example, TaskData, TaskMetricName } from "./types";
export { loadTask, taskNames, resolveGlueDir, clearTaskCache, GLUE_TASK_NAMES, type LoadTaskOptions } from "./loadTask";
export { GLUE_SPECS, GLUE_TASKS, GlueFormatError, parseGlueTsv, readGlueSplit, glueTaskName, type GlueTaskName, type GlueTaskSpec } from "./glue";
export { devSplitIndices, applyDevSplit, DEV_SPLIT_SEED, type DevSplit } from "./devSplit";
export { EMBEDDED_TASK_NAMES, EMBEDDED_SIZES, buildEmbeddedTask } from "./embeddedTasks";
export { pretrainingCorpus, pretrainingCorpusStats, type CorpusStats } from "./pretrainingCorpus";
export { sotuAddresses, sotuAddressSplit, SOTU_SPLIT_SEED, type SotuAddress, type SplitName } from "./sotu";
export { downloadGlue, GlueDownloadError, GLUE_SOURCES, GLUE_SHA256, type GlueDownloadOptions, type GlueDownloadResult } from "./glueDownload";
export * as tokenizers from "./tokenizers";
