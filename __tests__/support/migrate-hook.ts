/** Helpers for the Hook migration tests: run a command function and capture what it prints. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  cli: (argv: string[], io: { log(t: string): void; error(t: string): void }) => Promise<number>,
  argv: string[],
): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = await cli(argv, { log: (t) => stdout.push(t), error: (t) => stderr.push(t) });
  return { status, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

/** Marker names listed under "NOT CONVERTED:" in a migrate-hook report, sorted and unique. */
export function reportedTodos(stdout: string): string[] {
  const start = stdout.indexOf("NOT CONVERTED:");
  if (start < 0) return [];
  return [
    ...new Set(
      stdout
        .slice(start)
        .split("\n")
        .flatMap((line) => /^ {2}line \d+: (MIGRATION_TODO_\w+):/.exec(line)?.[1] ?? []),
    ),
  ].sort();
}
