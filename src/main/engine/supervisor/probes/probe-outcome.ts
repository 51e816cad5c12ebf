// What one probe attempt says: ok or not, and a message an operator can act on.
export interface ProbeOutcome {
  ok: boolean;
  message: string;
}

export function errorMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ENOTFOUND') return 'host not found';
  return (error as Error).message ?? String(error);
}
