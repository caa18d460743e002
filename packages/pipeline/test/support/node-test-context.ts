import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { LocalStorage, type Storage } from '@fenta/storage';
import type { StoredFile } from '../../src/artifacts/artifact-types';
import type { NodeContext, TemplateRecord, UsageInput } from '../../src/nodes/node-context';
import type { PipelineProviders } from '../../src/providers/pipeline-providers';

/** What a node did while running in a test: its log lines, usage and progress reports. */
export interface NodeTestRecord {
  logs: Array<{ level: string; message: string; data?: Record<string, unknown> }>;
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
export function testProviders(overrides: Partial<Omit<PipelineProviders, 'stock' | 'script' | 'tts'>> & {
  stock?: Partial<PipelineProviders['stock']>;
  script?: Partial<PipelineProviders['script']>;
  tts?: Partial<PipelineProviders['tts']>;
} = {}): PipelineProviders {
  return {
    strict: overrides.strict ?? false,
    stock: { offline: { name: 'offline', fetchClips: () => missing('stock.offline') }, ...overrides.stock },
    script: { offline: { name: 'offline', write: () => missing('script.offline') }, ...overrides.script },
    tts: { espeak: { name: 'espeak-ng', synthesize: () => missing('tts.espeak') }, ...overrides.tts },
    transcription: overrides.transcription,
  };
}

/**
 * A NodeContext on local storage in a temp folder, recording what the node
 * logs, uses and reports, for running one node for real in a test.
 */
export async function createNodeTestContext(options: {
  providers?: PipelineProviders;
  variables?: Record<string, unknown>;
  templates?: TemplateRecord[];
  nodeId?: string;
} = {}): Promise<NodeTestContext> {
  const root = await mkdtemp(path.join(tmpdir(), 'fenta-node-'));
  const storage = new LocalStorage(path.join(root, 'storage'));
  const tempDir = path.join(root, 'tmp');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(tempDir, { recursive: true });
  const record: NodeTestRecord = { logs: [], usage: [], progress: [] };
  const abort = new AbortController();
  const jobId = 'job_test';
  const orgId = 'org_test';
  const nodeId = options.nodeId ?? 'n1';
  const log = (level: string) => (message: string, data?: Record<string, unknown>) => record.logs.push({ level, message, data });
  const artifactKey = (name: string) => `orgs/${orgId}/jobs/${jobId}/${nodeId}/${name}`;

  const ctx: NodeContext = {
    jobId,
    orgId,
    nodeId,
    attempt: 1,
    signal: abort.signal,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    tempDir,
    storage,
    artifactKey,
    async saveArtifact(name, file, contentType): Promise<StoredFile> {
      const stored = await storage.putFile(artifactKey(name), file, { contentType });
      return { key: stored.key, bytes: stored.bytes, contentType: stored.contentType };
    },
    async localFile(file) {
      const key = typeof file === 'string' ? file : file.key;
      return storage.localPath(key) ?? missing('non-local storage');
    },
    progress: (fraction) => record.progress.push(fraction),
    recordUsage: (usage) => record.usage.push(usage),
    variables: options.variables ?? {},
    async loadTemplate(templateId) {
      const template = options.templates?.find((t) => t.id === templateId);
      if (!template) throw new FentaError('TEMPLATE_NOT_FOUND', { template: templateId });
      return template;
    },
    providers: options.providers ?? testProviders(),
  };
  return { ctx, record, storage, root, abort, cleanup: () => rm(root, { recursive: true, force: true }) };
}
