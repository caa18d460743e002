/**
 * Prints a key that was just issued, the one time it is ever shown: alone on
 * stdout with the summary on stderr, or (`--json`) everything as one JSON
 * object on stdout.
 */
export function printIssuedKey(json: boolean, key: string, facts: Record<string, unknown>, summary: string): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...facts, key })}\n`);
    return;
  }
  process.stderr.write(`${summary}\nthe key below is shown once: store it now\n`);
  process.stdout.write(`${key}\n`);
}
