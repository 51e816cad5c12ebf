// Turns an untrusted (method, args) pair into a reply envelope: unknown names, bad args and
// thrown errors all become `{ ok: false, error }`, never an exception or a hang (STYLE.md §5).
import {
  ContractError,
  errorReply,
  isMethodName,
  methods,
  type MethodName,
  type MethodResult,
  type Methods,
  type Reply,
} from '../../../shared/contract';
import type { z } from 'zod';

/** Per-client state a handler may need (which logs this client follows). */
export interface CallContext {
  /** Follows exactly these processes; a newly followed one starts at `from[name]` when given. */
  follow(processes: string[], from?: Record<string, number>): string[];
}

export type ContractHandlers = {
  [M in MethodName]: (
    args: z.output<Methods[M]['args']>,
    context: CallContext,
  ) => MethodResult<M> | Promise<MethodResult<M>>;
};

export type CallLogger = (message: string) => void;

export async function dispatchCall(
  handlers: ContractHandlers,
  method: unknown,
  rawArgs: unknown,
  context: CallContext,
  log: CallLogger = () => {},
): Promise<Reply<unknown>> {
  if (!isMethodName(method)) {
    return errorReply('unknown-method', `unknown method ${JSON.stringify(String(method)).slice(0, 140)}`);
  }
  const parsed = methods[method].args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return errorReply('invalid-args', `invalid arguments for ${method}: ${summarize(issues)}`, { method, issues });
  }
  try {
    const handler = handlers[method] as (args: unknown, context: CallContext) => unknown;
    const value = await handler(parsed.data, context);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ContractError) return errorReply(error.code, error.message, error.details);
    log(`${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return errorReply('internal', error instanceof Error ? error.message : String(error), { method });
  }
}

function summarize(issues: { path: string; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
}
