// `--services A B` (Gradi's flag): the named services plus everything they depend on,
// transitively, kept in file order.
import { didYouMean } from './did-you-mean';
import type { FieldReader } from './field-reader';
import type { ServiceSpec } from './manifest-types';

/** Unknown names are problems at 1:1, since they come from the command line, not the file. */
export function selectServices(
  reader: FieldReader,
  services: readonly ServiceSpec[],
  names: readonly string[] | undefined,
): ServiceSpec[] {
  if (!names || names.length === 0) return [...services];
  const byName = new Map(services.map((service) => [service.name, service]));
  const chosen = new Set<string>();
  const pending: string[] = [];
  for (const name of names) {
    if (byName.has(name)) pending.push(name);
    else reader.report({ line: 1, column: 1 }, '--services', `no service named "${name}"${didYouMean(name, byName.keys())}`);
  }
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (chosen.has(name)) continue;
    chosen.add(name);
    for (const dependency of byName.get(name)?.dependencies ?? []) pending.push(dependency.name);
  }
  return services.filter((service) => chosen.has(service.name));
}
