// What the built-in parts' entry points share once their flags are read: start the server,
// print `ready <url>` (the supervisor's log and tests wait for it), and close it cleanly on
// SIGTERM or SIGINT. Exit 2 for a refused configuration (a missing token), 1 for other
// start failures.
export interface ClosableServer {
  url: string;
  close(): Promise<void>;
}

export async function serveUntilSignal(name: string, start: () => Promise<ClosableServer>): Promise<void> {
  let server: ClosableServer;
  try {
    server = await start();
  } catch (error) {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = /token/.test(String(error)) ? 2 : 1;
    return;
  }
  process.stdout.write(`ready ${server.url}\n`);
  const shutdown = (signal: NodeJS.Signals): void => {
    process.stdout.write(`received ${signal}, closing\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${name}: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
