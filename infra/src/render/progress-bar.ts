/** A one-line progress bar on a terminal; plain lines when the output is not a terminal (CI logs). */
export class ProgressBar {
  private lastPlain = -1;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  update(percent: number, label: string): void {
    const clamped = Math.max(0, Math.min(100, Math.round(percent)));
    if (!this.out.isTTY) {
      // A line per 10% keeps logs readable.
      if (clamped >= this.lastPlain + 10 || clamped === 100) {
        this.lastPlain = clamped - (clamped % 10);
        this.out.write(`${String(clamped).padStart(3)}% ${label}\n`);
      }
      return;
    }
    const filled = Math.round((clamped / 100) * this.width);
    this.out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${String(clamped).padStart(3)}% ${label.padEnd(40).slice(0, 40)}`);
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
