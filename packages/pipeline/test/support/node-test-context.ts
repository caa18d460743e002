import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@fenta/core';
import { LocalStorage, type Storage } from '@fenta/storage';
import { buildNodeContext } from '../../src/executor/build-node-context';
import type { NodeConsumer, NodeContext, TemplateRecord, UsageInput } from '../../src/nodes/node-context';
import type { PipelineProviders } from '../../src/providers/pipeline-providers';

/** What a node did while running in a test: its job log lines, its process log lines, usage and progress reports. */
export interface NodeTestRecord {
  /** What would reach job_logs, which the org reads. */
  logs: Array<{ level: string; message: string; data?: Record<string, unknown> }>;
  /** What reached the worker's own log (debug included), as pino wrote it. */
  processLogs: Array<{ level: number; msg: string } & Record<string, unknown>>;
  usage: UsageInput[];
  progress: number[];
}

export interface NodeTestContext {
  ctx: NodeContext;
  record: NodeTestRecord;
  storage: Storage;
  root: string;
  abort: AbortController;
  cleanup(): Promise<void>;
}

function missing(name: string): never {
  throw new Error(`provider ${name} is not set up in this test`);
}

/** Providers for a test: the ones given, and for the rest placeholders that fail loudly when used. */
export function testProviders(
  overrides: Partial<Omit<PipelineProviders, 'stock' | 'script' | 'tts'>> & {
    stock?: Partial<PipelineProviders['stock']>;
    script?: Partial<PipelineProviders['script']>;
    tts?: Partial<PipelineProviders['tts']>;
  } = {},
): PipelineProviders {
  return {
    strict: overrides.strict ?? false,
    stock: { offline: { name: 'offline', fetchClips: () => missing('stock.offline') }, ...overrides.stock },
    script: { offline: { name: 'offline', write: () => missing('script.offline') }, ...overrides.script },
    tts: { espeak: { name: 'espeak-ng', synthesize: () => missing('tts.espeak') }, ...overrides.tts },
    transcription: overrides.transcription,
  };
}

/**
 * The executor's own NodeContext on local storage in a temp folder, recording what the node
 * logs, uses and reports, for running one node for real in a test.
 */
export async function createNodeTestContext(
  options: {
    providers?: PipelineProviders;
    variables?: Record<string, unknown>;
    templates?: TemplateRecord[];
    nodeId?: string;
    /** The job's org; `org_test` unless told. */
    orgId?: string;
    /** Another test context's storage, to see the same files as another org would. */
    storage?: Storage;
    /** The job's id; `job_test` unless told. */
    jobId?: string;
    /** What the executor checks before a node stores a file (that its run still holds the job). */
    assertHeld?: () => Promise<void>;
    /** The graph's nodes that take this node's output. */
    consumers?: NodeConsumer[];
    /** The graph's nodes that read this node's output directly or through others; the consumers unless told. */
    downstream?: NodeConsumer[];
  } = {},
): Promise<NodeTestContext> {
  const root = await mkdtemp(path.join(tmpdir(), 'fenta-node-'));
  const storage = options.storage ?? new LocalStorage(path.join(root, 'storage'));
  const tempDir = path.join(root, 'tmp');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(tempDir, { recursive: true });
  const record: NodeTestRecord = { logs: [], processLogs: [], usage: [], progress: [] };
  const destination = { write: (line: string) => void record.processLogs.push(JSON.parse(line)) };
  const abort = new AbortController();
  const ctx = buildNodeContext({
    findTemplate: async (templateId) => options.templates?.find((t) => t.id === templateId),
    templates: {},
    storage,
    providers: options.providers ?? testProviders(),
    logger: createLogger({ service: 'node-test', level: 'debug', destination }),
    jobId: options.jobId ?? 'job_test',
    assertHeld: options.assertHeld,
    orgId: options.orgId ?? 'org_test',
    nodeId: options.nodeId ?? 'n1',
    stage: 'edit',
    attempt: 1,
    signal: abort.signal,
    tempDir,
    variables: options.variables ?? {},
    record,
    consumers: options.consumers ?? [],
    downstream: options.downstream ?? options.consumers ?? [],
    writeLog: ({ level, message, data }) => record.logs.push({ level, message, data }),
    onProgress: (fraction) => record.progress.push(fraction),
  });
  return { ctx, record, storage, root, abort, cleanup: () => rm(root, { recursive: true, force: true }) };
}
