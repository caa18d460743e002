import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoWorkflow } from '@fenta/db';
import { findFreePort } from '@fenta/local-services';
import { outputProfileNames } from '@fenta/pipeline';
import { testEnvironment } from '@fenta/testing';
import { runCli } from './run-command';

const usage = './fenta render <workflow.json> [--var key=value ...] [--out video.mp4]';
const formatFix = 'write the workflow as JSON: a graph {"nodes": [...], "edges": [...]} or a workflow {"graph": {...}, "variables": {...}}';
const stackFix = 'start the stack with ./fenta up (in another terminal), or set FENTA_DATA_DIR to the data folder of a running one';

/**
 * Every way `./fenta render` can fail before a job runs: one line on stderr
 * naming the code, the file and the fix, exit 2 for usage errors and 1 for
 * the rest, and never a stack trace.
 */
describe('./fenta render failures', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-render-failures-'));
    env = { FENTA_DATA_DIR: path.join(dir, 'no-stack') };
    await writeFile(path.join(dir, 'notjson.txt'), 'hello\nworld\n');
    await writeFile(path.join(dir, 'array.json'), '[1, 2]');
    await writeFile(path.join(dir, 'other.json'), '{"name": "not a graph"}');
    await writeFile(path.join(dir, 'bad-variables.json'), JSON.stringify({ graph: demoWorkflow.graph, variables: 'topic' }));
    await writeFile(path.join(dir, 'workflow.json'), JSON.stringify(demoWorkflow));
    const broken = JSON.parse(JSON.stringify(demoWorkflow.graph));
    broken.nodes[0].type = 'Input.Nowhere';
    broken.edges.push({ from: 'n4', to: 'n99' });
    await writeFile(path.join(dir, 'broken.json'), JSON.stringify({ graph: broken }));
    const oneProblem = JSON.parse(JSON.stringify(demoWorkflow.graph));
    oneProblem.nodes[5].params.profile = 'cinema';
    await writeFile(path.join(dir, 'one-problem.json'), JSON.stringify(oneProblem));
    await mkdir(path.join(dir, 'a-folder.json'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const render = (args: string[], extra: Record<string, string> = {}) => runCli(['render', ...args], { ...env, ...extra }, dir);

  it.each([
    ['no file', [], 'expected one workflow file, got none'],
    ['two files', ['a.json', 'b.json'], 'expected one workflow file only, got 2: "a.json" "b.json"'],
    ['an unknown option', ['--preset', 'fast', 'workflow.json'], 'unknown option --preset'],
    ['--var without its value', ['workflow.json', '--var'], '--var needs a value'],
    ['--var without =', ['workflow.json', '--var', 'topic'], '--var needs key=value, got "topic"'],
  ])('%s is a usage error (exit 2)', async (_case, args, reason) => {
    expect(await render(args)).toEqual({ code: 2, stdout: '', stderr: `fenta render: CLI_USAGE: ${reason} — fix: run ${usage}\n` });
  });

  it('names a missing file and where relative paths start', async () => {
    expect(await render(['missing.json'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta render: CLI_FILE_NOT_FOUND in missing.json: The file does not exist — fix: check the path (relative paths start at ${dir})\n`,
    });
  });

  it('names a file that cannot be read', async () => {
    expect(await render(['a-folder.json'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'fenta render: CLI_FILE_UNREADABLE in a-folder.json: The file cannot be read: it is a folder — fix: name the workflow JSON file, not its folder\n',
    });
  });

  it('names a file that is not JSON, quoting the parser on one line', async () => {
    expect(await render(['notjson.txt'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta render: CLI_FILE_INVALID in notjson.txt: The file does not hold JSON: Unexpected token 'h', "hello\\nworld\\n" is not valid JSON — fix: ${formatFix}\n`,
    });
  });

  it.each([
    ['array.json', 'its top level is an array, not an object'],
    ['other.json', 'it has neither "nodes" (a graph) nor "graph" (a workflow)'],
    ['bad-variables.json', 'its "variables" is a string, not an object of names to values'],
  ])('names JSON that is not a graph or a workflow (%s)', async (file, reason) => {
    expect(await render([file])).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta render: CLI_FILE_INVALID in ${file}: The file does not hold a workflow graph or a workflow: ${reason} — fix: ${formatFix}\n`,
    });
  });

  it('reports a graph problem with its path, without a running stack', async () => {
    const profiles = outputProfileNames.map((name) => `"${name}"`).join('|');
    expect(await render(['one-problem.json'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta render: NODE_PARAM_INVALID in one-problem.json: Node n6 (Output.Render) has invalid params at params.profile: Invalid option: expected one of ${profiles} — fix: correct the graph at nodes[5].params.profile\n`,
    });
  });

  it('lists every graph problem indented under the one line', async () => {
    expect(await render(['broken.json'])).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'fenta render: GRAPH_NODE_TYPE_UNKNOWN in broken.json: Node n1 has unknown type "Input.Nowhere" (2 problems, listed below) — fix: correct the graph at each path below',
        '  GRAPH_NODE_TYPE_UNKNOWN at nodes[0].type: Node n1 has unknown type "Input.Nowhere"',
        `  GRAPH_EDGE_NODE_MISSING at edges[${demoWorkflow.graph.edges.length}].to: Edge edges[${demoWorkflow.graph.edges.length}] refers to node "n99", which is not in the graph`,
        '',
      ].join('\n'),
    });
  });

  it('says no stack is running when ./fenta up left no stack file', async () => {
    expect(await render(['workflow.json'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta render: STACK_NOT_RUNNING: No running stack in ${env.FENTA_DATA_DIR}: no stack.json there — fix: ${stackFix}\n`,
    });
  });

  it('says no stack is running when the stack file names an API that does not answer', async () => {
    const dataDir = path.join(dir, 'stale');
    await mkdir(dataDir);
    const deadPort = await findFreePort();
    const apiUrl = `http://127.0.0.1:${deadPort}`;
    await writeFile(
      path.join(dataDir, 'stack.json'),
      JSON.stringify({
        apiUrl,
        databaseUrl: testEnvironment().adminDatabaseUrl,
        redisUrl: testEnvironment().redisUrl,
        storageDir: dir,
        orgId: 'org_demo',
        userId: 'user_demo',
      }),
    );
    await writeFile(path.join(dataDir, 'demo.json'), JSON.stringify({ apiUrl, apiKey: 'fenta_demo_key' }));
    expect(await render(['workflow.json'], { FENTA_DATA_DIR: dataDir })).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta render: STACK_NOT_RUNNING: No running stack in ${dataDir}: its API at ${apiUrl} does not answer: connect ECONNREFUSED 127.0.0.1:${deadPort} — fix: ${stackFix}\n`,
    });
  });

  it('needs FENTA_API_KEY with FENTA_API_URL (the local demo key never travels), and an http(s) URL', async () => {
    expect(await render(['workflow.json'], { FENTA_API_URL: 'https://fenta.example.com' })).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'fenta render: CONFIG_INVALID: Configuration is invalid: FENTA_API_KEY: is required when FENTA_API_URL is set — fix: set FENTA_API_KEY to a key of that API (./fenta key create makes one)\n',
    });
    const wrong = await render(['workflow.json'], { FENTA_API_URL: 'ftp://fenta.example.com', FENTA_API_KEY: 'fenta_x' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /^fenta render: CONFIG_INVALID: Configuration is invalid: FENTA_API_URL: must be a URL starting with http:\/\/ or https:\/\/ — fix: /,
    );
    const notKey = await render(['workflow.json'], { FENTA_API_URL: 'https://fenta.example.com', FENTA_API_KEY: 'sk-123' });
    expect(notKey.stderr).toContain('FENTA_API_KEY: must be a Fenta API key (fenta_…)');
  });

  it('says the API is unreachable at a FENTA_API_URL that does not answer, or answers as no Fenta API does', async () => {
    const deadPort = await findFreePort();
    expect(await render(['workflow.json'], { FENTA_API_URL: `http://127.0.0.1:${deadPort}/`, FENTA_API_KEY: 'fenta_x' })).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta render: API_UNREACHABLE: The Fenta API at http://127.0.0.1:${deadPort} is unreachable: connect ECONNREFUSED 127.0.0.1:${deadPort} — fix: check FENTA_API_URL, and that the API answers there\n`,
    });

    // A web server that is not Fenta (a wrong port, a proxy's error page).
    const seen: Array<{ method?: string; url?: string; authorization?: string; key?: string }> = [];
    const other = http.createServer((request, response) => {
      seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization, key: request.headers['idempotency-key'] as string });
      // Briefly away twice (a 503 is waited out), then plainly not Fenta.
      if (seen.length <= 2) response.writeHead(503, { 'retry-after': '1' }).end();
      else response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as AddressInfo).port;
    try {
      expect(await render(['workflow.json'], { FENTA_API_URL: `http://127.0.0.1:${port}`, FENTA_API_KEY: 'fenta_x' })).toEqual({
        code: 1,
        stdout: '',
        stderr: `fenta render: API_UNREACHABLE: The Fenta API at http://127.0.0.1:${port} is unreachable: it answered 404 Not Found without a Fenta error — fix: check FENTA_API_URL, and that the API answers there\n`,
      });
    } finally {
      other.close();
    }
    // The same request three times, with the one Idempotency-Key of this run: never two jobs.
    const asSent = { method: 'POST', url: '/v1/jobs', authorization: 'Bearer fenta_x', key: expect.stringMatching(/^fenta-render-[0-9a-f-]{36}$/) };
    expect(seen).toEqual([asSent, asSent, asSent]);
    expect(new Set(seen.map((request) => request.key)).size).toBe(1);
  });

  it('refuses --out that is not an MP4 or whose folder is missing, before anything is sent', async () => {
    expect(await render(['workflow.json', '--out', 'short.mov'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `fenta render: CLI_USAGE: --out names the MP4 to write; "short.mov" does not end in .mp4 — fix: run ${usage}\n`,
    });
    const missing = path.join(dir, 'nowhere', 'short.mp4');
    expect(await render(['workflow.json', '--out', missing])).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta render: CLI_FILE_UNWRITABLE in ${missing}: The file cannot be written: its folder does not exist — fix: name a file in a folder you can write\n`,
    });
  });

  it('reports an unexpected failure as one INTERNAL line, with the stack trace only under LOG_LEVEL=debug', async () => {
    // A folder where ./fenta up keeps its stack file: nothing a user typed, nothing Fenta expects.
    const dataDir = path.join(dir, 'odd');
    await mkdir(path.join(dataDir, 'stack.json'), { recursive: true });
    const line = 'fenta render: INTERNAL: Internal error (Error: EISDIR: illegal operation on a directory, read)';
    expect(await render(['workflow.json'], { FENTA_DATA_DIR: dataDir })).toEqual({
      code: 1,
      stdout: '',
      stderr: `${line} — fix: re-run with LOG_LEVEL=debug to see the stack trace\n`,
    });

    const debug = await render(['workflow.json'], { FENTA_DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
    expect(debug.code).toBe(1);
    const [first, ...stack] = debug.stderr.trimEnd().split('\n');
    expect(first).toBe(`${line} — fix: the stack trace follows; report it with the command that failed`);
    expect(stack[0]).toBe('Error: EISDIR: illegal operation on a directory, read');
    expect(stack.slice(1).some((frame) => /^ {4}at .*readStackFile/.test(frame))).toBe(true);
  });
});
