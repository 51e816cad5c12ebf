// What a document name may be, in one place (issue 15): the sync server turns a name into a
// file under its docs folder, and monitors, the contract, the REST API and the manifest's
// `[monitors] documents` all take names that end up there. mrmd-sync maps `notes/daily` to
// `<docs>/notes/daily.md`; anything that could leave the folder or reach hidden files is refused.
// No Node imports: the contract (and so the renderer) uses it too.

export const MAX_DOC_NAME_LENGTH = 512;

/** Why `name` cannot be a document name, or null when it can. */
export function docNameProblem(name: string): string | null {
  if (name.length === 0) return 'empty document name';
  if (name.length > MAX_DOC_NAME_LENGTH) return `document name of ${name.length} characters; at most ${MAX_DOC_NAME_LENGTH}`;
  if (name.includes('\0')) return 'document name contains NUL';
  // POSIX `/x`, Windows `\x`, `\\server\share` and `C:\x` all name a place outside the folder.
  if (/^[\\/]|^[A-Za-z]:[\\/]/.test(name)) return `absolute document name ${JSON.stringify(name)}`;
  for (const segment of name.split(/[\\/]/)) {
    if (segment === '' || segment === '.' || segment === '..') {
      return `document name ${JSON.stringify(name)} has an empty, . or .. segment`;
    }
    // Hidden names would reach the sync server's snapshot folder or files like .git.
    if (segment.startsWith('.')) return `document name ${JSON.stringify(name)} has a hidden segment`;
  }
  return null;
}
