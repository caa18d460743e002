import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort } from '@fenta/local-services';
import { demoWorkflow } from '@fenta/db';
import { probeMedia } from '@fenta/pipeline';

const cli = path.join(__dirname, '..', 'dist', 'main.js');

interface Up {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** Every command the test started, so that a failed assertion still stops the stack it started. */
const started: Up[] = [];

function startUp(env: Record<string, string>, args: string[] = ['up']): Up {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const up = { child, output, exited };
  started.push(up);
  return up;
}

/** SIGTERM to each command still running (`./fenta up` then stops its children), and wait for it to exit. */
async function stopStarted(): Promise<void> {
  await Promise.all(
    started.map(async (up) => {
      if (up.child.exitCode !== null || up.child.signalCode !== null) return;
      up.child.kill('SIGTERM');
      await up.exited;
    }),
  );
}

/** Resolves when the command prints `text` (on stdout or stderr) (an event, not a sleep); rejects if it exits first. */
function waitForLine(up: Up, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const streams = [up.child.stdout!, up.child.stderr!];
    const check = () => {
      if (up.output.join('').includes(text)) {
        for (const stream of streams) stream.off('data', check);
        resolve();
      }
    };
    for (const stream of streams) stream.on('data', check);
    check();
    void up.exited.then((code) => reject(new Error(`./fenta up exited with ${code} before "${text}":\n${up.output.join('')}`)));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('./fenta up', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'fenta-up-'));
    await chmod(dataDir, 0o755);
    env = {
      FENTA_DATA_DIR: dataDir,
      FENTA_POSTGRES_PORT: String(await findFreePort()),
      FENTA_REDIS_PORT: String(await findFreePort()),
      FENTA_API_PORT: String(await findFreePort()),
      // The demo render starts at once; stopping should not wait for it.
      FENTA_WORKER_GRACE_MS: '500',
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    await stopStarted();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts the stack, renders the demo, runs ./fenta render, and SIGTERM leaves no process behind; a second run keeps the data', async () => {
    const first = startUp(env);
    await waitForLine(first, 'Fenta is up');
    const demo = JSON.parse(await readFile(path.join(dataDir, 'demo.json'), 'utf8'));
    expect(demo).toMatchObject({
      apiUrl: `http://127.0.0.1:${env.FENTA_API_PORT}`,
      boardUrl: `http://127.0.0.1:${env.FENTA_API_PORT}/admin/queues`,
      orgId: 'org_demo',
      workflowId: 'wf_daily_news_01',
      templateId: 'tmpl_shorts_v1',
    });
    expect(demo.apiKey).toMatch(/^fenta_/);
    expect(demo.demoJobId).toMatch(/^job_/);

    const health = await fetch(`${demo.apiUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
    const board = await fetch(demo.boardUrl, { headers: { authorization: `Basic ${Buffer.from(`operator:${demo.boardPassword}`).toString('base64')}` } });
    expect(board.status).toBe(200);
    const asViewer = { authorization: `Basic ${Buffer.from(`${demo.boardViewerUser}:${demo.boardViewerPassword}`).toString('base64')}` };
    expect((await fetch(`${demo.boardUrl}/api/queues`, { headers: asViewer })).status).toBe(200);
    expect((await fetch(`${demo.boardUrl}/api/queues/pause`, { method: 'PUT', headers: asViewer })).status).toBe(403);

    // The demo short renders on its own.
    await waitForLine(first, 'demo short rendered');
    const demoVideo = path.join(dataDir, 'storage', 'orgs', 'org_demo', 'jobs', demo.demoJobId, 'n6', 'video.mp4');
    expect(await probeMedia(demoVideo)).toMatchObject({ width: 1080, height: 1920, videoCodec: 'h264', audioCodec: 'aac' });

    // The printed curl, replayed as written: it creates a job with the demo key.
    const curl = /^ {2}curl -sS -X POST (\S+) -H 'Authorization: Bearer (\S+)' -H 'Content-Type: application\/json' -d '(.+)'$/m.exec(first.output.join(''));
    expect(curl?.slice(1, 3)).toEqual([`${demo.apiUrl}/v1/jobs`, demo.apiKey]);
    const created = await fetch(curl![1]!, {
      method: 'POST',
      headers: { authorization: `Bearer ${curl![2]}`, 'content-type': 'application/json' },
      body: curl![3],
    });
    expect(created.status).toBe(202);
    const curlJob = ((await created.json()) as { job: { id: string } }).job;
    expect(curlJob).toMatchObject({ status: 'queued', workflow_id: demo.workflowId });
    // A second full demo render would only slow what follows.
    const stopped = await fetch(`${demo.apiUrl}/v1/jobs/${curlJob.id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${demo.apiKey}` } });
    expect(stopped.status).toBe(200);

    // A workflow file through the stack's API, small and fast: 720p, ultrafast.
    const graph = JSON.parse(JSON.stringify(demoWorkflow.graph));
    graph.nodes[0].params = { provider: 'offline', query: 'ocean', count: 2 };
    graph.nodes[1].params.prompt = '10s headline + 1 beat';
    graph.nodes[5].params = { profile: '9x16_720p', preset: 'ultrafast' };
    const file = path.join(dataDir, 'short.json');
    await writeFile(file, JSON.stringify({ graph, variables: { topic: 'tides' } }));
    const out = path.join(dataDir, 'short.mp4');
    const render = startUp({ ...env, FENTA_DATA_DIR: dataDir }, ['render', file, '--out', out]);
    expect(await render.exited).toBe(0);
    const printed = render.output.join('');
    // Not a terminal: plain lines, a node at a time, then where the render is.
    expect(printed).toMatch(/^job job_\S+ queued$/m);
    for (const node of ['n1 Input.Stock', 'n2 Script.Generate', 'n3 Voice.TTS', 'n6 Output.Render']) expect(printed).toContain(`     ${node} started\n`);
    expect(printed).toMatch(/^100%$/m);
    const renderId = /^render\s+(render_\S+)$/m.exec(printed)?.[1];
    expect(printed).toContain(`video      ${out}\n`);
    expect(printed).toContain(`thumbnail  ${demo.apiUrl}/v1/renders/${renderId}/thumbnail\n`);
    expect(printed).toContain(`captions   ${demo.apiUrl}/v1/renders/${renderId}/captions.srt\n`);
    expect(await probeMedia(out)).toMatchObject({ width: 720, height: 1280, videoCodec: 'h264' });
    const thumbnail = await fetch(`${demo.apiUrl}/v1/renders/${renderId}/thumbnail`, { headers: { authorization: `Bearer ${demo.apiKey}` } });
    expect([thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([200, 'image/jpeg']);

    // Another key than the stack's: the API's refusal is the command's one line.
    const refused = startUp({ ...env, FENTA_DATA_DIR: dataDir, FENTA_API_KEY: 'fenta_nope_0000' }, ['render', file]);
    expect(await refused.exited).toBe(1);
    expect(refused.output.join('')).toMatch(
      new RegExp(`^fenta render: AUTH_KEY_INVALID: .+ — fix: the local stack's key is in ${dataDir}/demo.json; unset FENTA_API_KEY to use it\n$`),
    );

    // Ctrl-C cancels the job through the API and says so. A minute-long 1080p short, so that however
    // slowly this test gets to press Ctrl-C (a busy machine), the job is still running when it does.
    const long = JSON.parse(JSON.stringify(demoWorkflow.graph));
    long.nodes[1].params.prompt = '60s headline + 3 beats';
    const longFile = path.join(dataDir, 'long.json');
    await writeFile(longFile, JSON.stringify({ graph: long, variables: { topic: 'tides' } }));
    const cancelled = startUp({ ...env, FENTA_DATA_DIR: dataDir }, ['render', longFile]);
    await waitForLine(cancelled, ' queued\n');
    cancelled.child.kill('SIGINT');
    expect(await cancelled.exited).toBe(1);
    const said = cancelled.output.join('');
    const cancelledId = /^job (job_\S+) queued$/m.exec(said)?.[1];
    expect(said).toContain('cancelling…');
    expect(said).toContain(`fenta render: JOB_CANCELLED in ${longFile}: `);
    const row = await fetch(`${demo.apiUrl}/v1/jobs/${cancelledId}`, { headers: { authorization: `Bearer ${demo.apiKey}` } });
    expect(((await row.json()) as { job: { status: string } }).job.status).toBe('cancelled');

    const ledger = JSON.parse(await readFile(path.join(dataDir, 'processes.json'), 'utf8')) as { children: Array<{ name: string; pid: number }> };
    expect(ledger.children.map((c) => c.name).sort()).toEqual(['api', 'postgres', 'redis', 'scheduler', 'worker']);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(ledger.children.filter((c) => isAlive(c.pid))).toEqual([]);

    const second = startUp(env);
    await waitForLine(second, 'Fenta is up');
    const again = JSON.parse(await readFile(path.join(dataDir, 'demo.json'), 'utf8'));
    expect(again.apiKey).toBe(demo.apiKey);
    expect([again.boardPassword, again.boardViewerPassword]).toEqual([demo.boardPassword, demo.boardViewerPassword]);
    expect(again.demoJobId).toBe(demo.demoJobId);
    expect(second.output.join('')).not.toContain('migrated 00001');
    await waitForLine(second, 'demo short rendered');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 240_000);
});
