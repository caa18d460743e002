/**
 * A job's progress for a person: on a terminal, one line redrawn in place (a
 * bar, the percentage and the node running), with notes printed above it;
 * elsewhere (CI logs, a pipe) plain lines: one per note, per node and per
 * 10% of progress.
 */
export class ProgressBar {
  private percent = 0;
  private label = 'queued';
  private lastPlain = -1;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  /** Progress rose to `percent` (0–100). */
  update(percent: number): void {
    this.percent = Math.max(0, Math.min(100, Math.round(percent)));
    if (this.out.isTTY) return this.draw();
    if (this.percent >= this.lastPlain + 10 || (this.percent === 100 && this.lastPlain < 100)) {
      this.lastPlain = this.percent - (this.percent % 10);
      this.out.write(`${String(this.percent).padStart(3)}%\n`);
    }
  }

  /** A new step (a node) started. */
  step(label: string): void {
    this.label = label;
    if (this.out.isTTY) return this.draw();
    this.out.write(`     ${label} started\n`);
  }

  /** A line that stays (a node finished, a warning). */
  note(text: string): void {
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${text}\n`);
      return this.draw();
    }
    this.out.write(`     ${text}\n`);
  }

  /** Ends the bar's line so what follows starts on its own. */
  done(): void {
    if (this.out.isTTY && this.drawn) this.out.write('\n');
    this.drawn = false;
  }

  private draw(): void {
    const filled = Math.round((this.percent / 100) * this.width);
    this.out.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${String(this.percent).padStart(3)}% ${this.label.slice(0, 40)}`);
    this.drawn = true;
  }
}
