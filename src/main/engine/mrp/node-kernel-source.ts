// The program a node session's child process runs (`node -e NODE_KERNEL_SOURCE`). It is
// kept as text so it ships inside whatever bundle holds the runtime, with no second file.
//
// It evaluates cells with Node's own REPL evaluator (`REPLServer.eval`), which gives what a
// notebook needs: top-level `await`, declarations that persist across cells, the value of the
// last expression, and `breakEvalOnSigint` so SIGINT stops a busy loop without killing the
// process. Private detail relied on: the REPL reports eval errors to its domain's `error`
// listeners instead of the callback, so the kernel replaces those listeners.
//
// Messages over the IPC channel, parent → child:
//   { type: 'run', id, code, count }  { type: 'input', text }  { type: 'input-cancel' }
//   { type: 'interrupt', id }: handled when the cell awaits; a cell busy in synchronous code
//   cannot read it, and the parent follows up with SIGINT
// child → parent:
//   { type: 'ready' }  { type: 'out', stream, text }  { type: 'stdin', prompt, password }
//   { type: 'display', data, metadata }
//   { type: 'done', id, ok: true, result } | { type: 'done', id, ok: false, error }
// Output goes over the same channel as everything else, so stdout and stderr keep their order.
export const NODE_KERNEL_SOURCE = String.raw`
'use strict';
const repl = require('node:repl');
const util = require('node:util');
const { PassThrough } = require('node:stream');
const { StringDecoder } = require('node:string_decoder');

const send = (message) => {
  if (process.connected) process.send(message);
};

for (const name of ['stdout', 'stderr']) {
  const stream = process[name];
  const decoder = new StringDecoder('utf8');
  stream.write = function write(chunk, encoding, callback) {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    const text = typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk));
    if (text.length > 0) send({ type: 'out', stream: name, text });
    if (typeof callback === 'function') process.nextTick(callback);
    return true;
  };
}

const server = repl.start({
  input: new PassThrough(),
  output: new PassThrough(),
  terminal: false,
  useGlobal: false,
  breakEvalOnSigint: true,
  prompt: '',
});
// Emitting SIGINT on an idle REPL twice would close it; the kernel never wants that.
server.close = () => {};
// The REPL context's console writes to the REPL's output; cells should write to ours.
server.context.console = console;

let current = null;
let pendingInput = null;

server.context.input = (prompt = '') =>
  new Promise((resolve, reject) => {
    if (pendingInput) pendingInput.reject(cancelledError());
    pendingInput = { resolve, reject };
    send({ type: 'stdin', prompt: String(prompt), password: false });
  });

server.context.display = (value, mimeType = 'text/plain') => {
  const data = value !== null && typeof value === 'object' && !Array.isArray(value) && mimeType === 'text/plain'
    ? value
    : { [mimeType]: typeof value === 'string' ? value : util.inspect(value) };
  send({ type: 'display', data, metadata: {} });
};

function cancelledError() {
  const error = new Error('Input cancelled by user');
  error.name = 'InputCancelledError';
  return error;
}

const INTERNAL_FRAME = /\(node:|\(internal\/|at node:|sigintHandlersWrap|REPLServer|Script\.runIn|at bound |\[eval\]/;

function describeError(error) {
  if (error && error.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
    return { type: 'KeyboardInterrupt', message: 'Execution interrupted', traceback: [] };
  }
  if (error instanceof repl.Recoverable) {
    return { type: 'SyntaxError', message: (error.err && error.err.message) || 'Unexpected end of input', traceback: [] };
  }
  if (error === null || typeof error !== 'object') {
    return { type: 'Error', message: 'Uncaught ' + util.inspect(error), traceback: [] };
  }
  const type = String(error.name || (error.constructor && error.constructor.name) || 'Error');
  const message = String(error.message === undefined ? '' : error.message);
  const stack = typeof error.stack === 'string' ? error.stack.split('\n') : [];
  return { type, message, traceback: stack.filter((line) => !INTERNAL_FRAME.test(line)) };
}

function formatResult(value) {
  if (value === undefined) return null;
  return util.inspect(value, { depth: 4, maxArrayLength: 200, maxStringLength: 100000, breakLength: 100 });
}

server._domain.removeAllListeners('error');
server._domain.on('error', (error) => {
  if (current) current.settle(error);
  else process.stderr.write('Uncaught ' + util.inspect(error) + '\n');
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write('Unhandled promise rejection: ' + util.inspect(reason) + '\n');
});

// Only while a cell awaits: the REPL races the await against its own SIGINT event.
const onSigint = () => {
  if (current) server.emit('SIGINT');
};
process.on('SIGINT', onSigint);

function run(id, code, count) {
  let settled = false;
  const settle = (error, value) => {
    if (settled) return;
    settled = true;
    current = null;
    if (pendingInput) {
      pendingInput.reject(cancelledError());
      pendingInput = null;
    }
    if (error) send({ type: 'done', id, ok: false, error: describeError(error) });
    else send({ type: 'done', id, ok: true, result: formatResult(value) });
  };
  current = { id, settle };
  // A process SIGINT listener would undo the watchdog that vm installs for the synchronous
  // part of the cell (removing the last listener restores the default action), so it is
  // off while eval runs synchronously.
  process.removeListener('SIGINT', onSigint);
  try {
    server.eval(code, server.context, 'cell' + count, (error, value) => settle(error, value));
  } catch (error) {
    settle(error);
  } finally {
    process.on('SIGINT', onSigint);
  }
}

process.on('message', (message) => {
  if (!message || typeof message !== 'object') return;
  if (message.type === 'run') {
    run(message.id, String(message.code), message.count);
  } else if (message.type === 'input' && pendingInput) {
    const pending = pendingInput;
    pendingInput = null;
    pending.resolve(String(message.text));
  } else if (message.type === 'interrupt' && current && current.id === message.id) {
    // The REPL races an awaiting cell against its SIGINT event; if it had nothing to race
    // (between its own steps), the cell is ended here.
    const interrupted = current;
    server.emit('SIGINT');
    setImmediate(() => {
      if (current === interrupted) interrupted.settle({ code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED' });
    });
  } else if (message.type === 'input-cancel' && pendingInput) {
    const pending = pendingInput;
    pendingInput = null;
    pending.reject(cancelledError());
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
`;
