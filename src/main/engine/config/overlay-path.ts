// Where the management API keeps the services it added (issue 17): beside the manifest, named
// after it, so two manifests in one folder keep two overlays (`a.toml` → `a.api.toml`).
import { basename, dirname, join } from 'node:path';

export function overlayPath(manifestPath: string): string {
  const name = basename(manifestPath);
  const stem = name.toLowerCase().endsWith('.toml') ? name.slice(0, -'.toml'.length) : name;
  return join(dirname(manifestPath), `${stem}.api.toml`);
}
