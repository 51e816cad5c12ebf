// `import { createOrchestrator } from 'showrunner'` (issue 17): the engine as a library, the same
// composition root the daemon and the desktop app use. Only `cliArgv` (how the built-in parts
// are started) is filled in here; everything else is OrchestratorOptions as documented there.
import { builtinCliArgv } from './cli-argv';
import { createOrchestrator as createEngine, type Orchestrator, type OrchestratorOptions } from './engine/orchestrator';

export type LibraryOrchestratorOptions = Omit<OrchestratorOptions, 'cliArgv'> & { cliArgv?: string[] };

export function createOrchestrator(options: LibraryOrchestratorOptions): Promise<Orchestrator> {
  return createEngine({ ...options, cliArgv: options.cliArgv ?? builtinCliArgv() });
}

export type { Orchestrator, OrchestratorOptions };
export { ContractError, methods, events, methodNames, eventNames } from '../shared/contract';
export type { MethodName, MethodArgs, MethodResult, EventName, EventPayload, Reply, ErrorInfo } from '../shared/contract';
export type { ServiceSnapshot, SystemSnapshot, ServiceState, ManifestProblem, Notice } from '../shared/model';
export type { ServiceDefinition } from '../shared/service-definition';
export { describeState } from '../shared/describe-state';
