import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';

/**
 * `<data dir>/processes.json` records what a running `./fenta up` started. If
 * that supervisor was killed outright (SIGKILL, a closed terminal), its
 * children live on in their own process groups; the next `./fenta up` finds
 * them here and stops them before starting anew.
 */
interface Ledger {
  supervisor: number;
  children: Array<{ name: string; pid: number }>;
}

export class ProcessLedger {
  private readonly file: string;
  private readonly ledger: Ledger = { supervisor: process.pid, children: [] };

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'processes.json');
  }

  /** Fails if another supervisor is alive; stops the leftovers of a dead one. Returns the names stopped. */
  async claim(): Promise<string[]> {
    let previous: Ledger | undefined;
    try {
      previous = JSON.parse(await readFile(this.file, 'utf8')) as Ledger;
    } catch {
      previous = undefined;
    }
    const stopped: string[] = [];
    if (previous) {
      if (previous.supervisor !== process.pid && isAlive(previous.supervisor) && commandLine(previous.supervisor).includes('main.js')) {
        throw new FentaError('STACK_ALREADY_RUNNING', { dataDir: path.dirname(this.file), pid: previous.supervisor });
      }
      for (const child of previous.children) {
        if (!isAlive(child.pid)) continue;
        await killGroup(child.pid);
        stopped.push(child.name);
      }
    }
    await this.save();
    return stopped;
  }

  async add(name: string, pid: number | undefined): Promise<void> {
    if (pid === undefined) return;
    this.ledger.children.push({ name, pid });
    await this.save();
  }

  async release(): Promise<void> {
    await rm(this.file, { force: true });
  }

  private save(): Promise<void> {
    return writeFile(this.file, `${JSON.stringify(this.ledger)}\n`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** SIGTERM to the group, then SIGKILL if it is still there after 10 s. Waits on the process, polling its pid. */
async function killGroup(pid: number): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) signal('SIGKILL');
}
