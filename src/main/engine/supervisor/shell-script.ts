// The text `bash -lc` runs for a service, and the one shell quote (single quotes, with each
// embedded quote closed, escaped and reopened) used wherever we build such text.
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function shellScript(command: string, venv?: string): string {
  if (!venv) return command;
  return `source ${shellQuote(`${venv}/bin/activate`)} && ${command}`;
}
