// @ts-check
// Fixes to tslab 1.0.22's side of the Jupyter messaging protocol, applied by kernel/launch.js
// before the kernel starts (patching tslab's classes in memory; node_modules is never edited):
//
// - kernel_info_reply gets `status: "ok"` (the spec requires it; JupyterLab 4 treats a reply
//   without it as failed), and comm_info_request gets a comm_info_reply (tslab answers with a
//   message typed complete_reply).
// - Each execution publishes execute_input with its execution count, as ipykernel does:
//   nbconvert/nbclient take a cell's count from the iopub messages only, so without it every
//   cell of an exported notebook shows `In [ ]:`.
// - A failing cell publishes an `error` output (ename, evalue, traceback) and its execute_reply
//   carries the same fields. tslab only prints the exception to stderr and replies
//   {status: "error"}, so front ends show no error output and nbconvert reports `<Error>: `.
//   The exception tslab's executor prints is taken from that print (console.error called
//   directly by tslab's executor.js) and not printed a second time.
// - Interrupting keeps working after a cell that adds a SIGINT listener in its synchronous part
//   (e.g. a fine-tuning sweep that stops its workers on Ctrl-C). tslab runs that part with
//   vm's breakOnSigint, whose watchdog restores the default SIGINT action when it ends; a
//   listener added meanwhile leaves Node believing its handler is installed, so the next
//   interrupt (the stop button) killed the kernel. The listeners are re-registered after each
//   such run, which reinstalls Node's handler.
"use strict";

const path = require("path");
const util = require("util");

/**
 * @param {string} tslabDist the folder of tslab's compiled modules (…/tslab/dist)
 */
function patchTslab(tslabDist) {
  const jupyter = require(path.join(tslabDist, "jupyter.js"));
  const executorModule = require(path.join(tslabDist, "executor.js"));
  const executorFile = require.resolve(path.join(tslabDist, "executor.js"));
  const Server = jupyter.ZmqServer;
  const Handler = jupyter.JupyterHandlerImpl;
  for (const [name, fn] of [["ZmqServer", Server], ["JupyterHandlerImpl", Handler], ["createExecutor", executorModule.createExecutor]]) {
    if (typeof fn !== "function") throw new Error(`instability-lab kernel: this tslab has no ${name}; kernel/protocol.js supports tslab 1.0.x`);
  }

  // What tslab's executor printed with console.error during the running cell (its exception or
  // compile diagnostics). Cells run one at a time (tslab's task queue), so one list suffices.
  /** @type {unknown[][]} */
  let executorPrints = [];
  const consoleError = console.error;
  console.error = function (...args) {
    if (calledFrom(executorFile)) {
      executorPrints.push(args);
      return;
    }
    return consoleError.apply(this, args);
  };

  rearmSigintAfterBreakableRuns();

  const createExecutor = executorModule.createExecutor;
  executorModule.createExecutor = function (...args) {
    const executor = createExecutor.apply(this, args);
    const execute = executor.execute;
    executor.execute = async function (/** @type {string} */ src) {
      executorPrints = [];
      let ok = false;
      try {
        ok = await execute.call(this, src);
        return ok;
      } finally {
        const prints = executorPrints;
        executorPrints = [];
        if (!ok) lastFailure = describeFailure(prints);
        else for (const p of prints) consoleError(...p); // e.g. diagnostics of a `//@module` cell
      }
    };
    return executor;
  };

  /** @type {{ename: string, evalue: string, traceback: string[]} | null} */
  let lastFailure = null;
  /** writeStream of a request → how to publish on iopub for it (set by handleExecute below). */
  const publishers = new WeakMap();

  const handleKernel = Handler.prototype.handleKernel;
  Handler.prototype.handleKernel = function (...args) {
    return { status: "ok", ...handleKernel.apply(this, args) };
  };

  const handleExecuteImpl = Handler.prototype.handleExecuteImpl;
  Handler.prototype.handleExecuteImpl = async function (req, writeStream, writeDisplayData) {
    const publish = publishers.get(writeStream);
    // tslab's handleExecuteImpl numbers the execution ++execCount before running it.
    if (publish) publish("execute_input", { code: req.code, execution_count: this.execCount + 1 });
    lastFailure = null;
    try {
      return await handleExecuteImpl.call(this, req, writeStream, writeDisplayData);
    } catch (e) {
      const failure = lastFailure ?? { ename: "Error", evalue: "the cell failed", traceback: [] };
      if (publish) {
        publish("error", failure);
        publish.failure = failure;
      }
      throw e;
    }
  };

  Server.prototype.handleExecute = async function (sock, msg) {
    /** @type {((type: string, content: object) => void) & {failure?: object}} */
    const publish = (type, content) => {
      const m = msg.createReply();
      m.header.msg_type = type;
      m.content = content;
      m.signAndSend(this.connInfo.key, this.iopub);
    };
    const writeStream = (/** @type {string} */ name, /** @type {string} */ text) => publish("stream", { name, text });
    const writeDisplayData = (/** @type {object} */ data, /** @type {boolean} */ update) =>
      publish(update ? "update_display_data" : "display_data", data);
    publishers.set(writeStream, publish);
    const content = await this.handler.handleExecute(msg.content, writeStream, writeDisplayData);
    const reply = msg.createReply();
    reply.header.msg_type = "execute_reply";
    reply.content = content.status === "error" && publish.failure ? { ...content, ...publish.failure } : content;
    reply.signAndSend(this.connInfo.key, sock);
  };

  Server.prototype.handleCommInfoRequest = function (sock, msg) {
    const reply = msg.createReply();
    reply.header.msg_type = "comm_info_reply";
    reply.content = { status: "ok", comms: {} };
    reply.signAndSend(this.connInfo.key, sock);
  };
}

function rearmSigintAfterBreakableRuns() {
  const vm = require("vm");
  const runInThisContext = vm.runInThisContext;
  vm.runInThisContext = function (code, options, ...rest) {
    try {
      return runInThisContext.call(this, code, options, ...rest);
    } finally {
      if (options && typeof options === "object" && options.breakOnSigint) {
        const listeners = process.rawListeners("SIGINT");
        process.removeAllListeners("SIGINT"); // the last one gone: Node closes its signal handle
        for (const l of listeners) process.on("SIGINT", /** @type {any} */ (l)); // the first one back: a new handle, installed
      }
    }
  };
}

/** Whether the function that called our caller (console.error's caller) is in `file`. */
function calledFrom(file) {
  const prepare = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_e, frames) => frames;
    const holder = /** @type {{stack?: any}} */ ({});
    Error.captureStackTrace(holder, calledFrom);
    const frames = /** @type {NodeJS.CallSite[]} */ (holder.stack);
    // frames[0]: the console.error wrapper; frames[1]: whoever called console.error.
    return frames.length > 1 && frames[1].getFileName() === file;
  } finally {
    Error.prepareStackTrace = prepare;
  }
}

/** The stack down to the cell's own code: the frames of the kernel that ran it are noise. */
function cellFrames(lines) {
  const kernel = /^\s+at .*(\(node:vm:|node:vm:|[\\/]tslab[\\/]dist[\\/]|[\\/]kernel[\\/]protocol\.js)/;
  const at = lines.findIndex((l) => kernel.test(l));
  return at < 0 ? lines : lines.slice(0, at);
}

/**
 * An error output from what tslab's executor printed: the exception it caught (an Error, the
 * interrupt, or any thrown value), or TypeScript's diagnostics (printf-style arguments).
 * @param {unknown[][]} prints
 */
function describeFailure(prints) {
  const thrown = prints.find((p) => p.length === 1);
  if (thrown) {
    const e = /** @type {any} */ (thrown[0]);
    if (e instanceof Error || (e && typeof e === "object" && typeof e.stack === "string" && typeof e.message === "string")) {
      const interrupted = e.message === "Interrupted asynchronously" || e.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED";
      if (interrupted) {
        return { ename: "KernelInterrupted", evalue: "the cell was stopped (Kernel → Interrupt)", traceback: [`KernelInterrupted: the cell was stopped (Kernel → Interrupt)`] };
      }
      const ename = e.name || e.constructor?.name || "Error";
      const stack = typeof e.stack === "string" && e.stack.length ? e.stack : `${ename}: ${e.message}`;
      return { ename, evalue: String(e.message), traceback: cellFrames(stack.split("\n")) };
    }
    const text = util.inspect(e);
    return { ename: "Uncaught", evalue: text, traceback: [`Uncaught ${text}`] };
  }
  const lines = prints.map((p) => util.format(...p));
  if (lines.length === 0) return { ename: "Error", evalue: "the cell failed (tslab gave no reason)", traceback: [] };
  const evalue = lines.length === 1 ? lines[0] : `${lines[0]} (and ${lines.length - 1} more)`;
  return { ename: "TypeScriptError", evalue, traceback: lines.map((l) => `TypeScriptError: ${l}`) };
}

module.exports = { patchTslab, describeFailure };
