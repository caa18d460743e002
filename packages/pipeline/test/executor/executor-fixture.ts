import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { FentaError, createLogger } from '@fenta/core';
import { LocalStorage } from '@fenta/storage';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import type { RenderResult } from '../../src/artifacts/artifact-types';
import { defineNodeType, type NodeType } from '../../src/nodes/define-node-type';
import type { NodeContext } from '../../src/nodes/node-context';
import { createNodeRegistry } from '../../src/nodes/node-registry';
import type { ExecutorDeps } from '../../src/executor/run-job';
import { defaultPriceTable } from '../../src/usage/price-table';
import { testProviders } from '../support/node-test-context';

/** What the test node types were asked to do, and how often they ran. */
export interface Script {
  calls: Record<string, number>;
  /** Node type → errors to throw on its next runs, in order. */
  failures: Record<string, FentaError[]>;
  /** Resolves when a blocking node starts, so a test can act while it runs. */
  blocked?: () => void;
  /** What a gated node waits for before it returns (it ignores its signal, as a node between two checks would). */
  gate?: Promise<void>;
  /** Node type → what its runs wait for before they do anything (fail or return). */
  waitFor?: Record<string, Promise<void>>;
  /** Called by a meeting node when it starts; it returns when the promise does. */
  meet?: (nodeId: string) => Promise<void>;
  /** Called when a render node starts, with its job. */
  rendering?: (jobId: string) => void;
  /** Called when a holding node starts holding. */
  holding?: (nodeId: string) => void;
  /** Node id → the abort reason a holding node was stopped with. */
  stopped?: Record<string, unknown>;
  /** Node type → errors its next runs throw after recording their usage (a paid call answered, a later step failed). */
  failuresAfterUsage?: Record<string, FentaError[]>;
  /** The consumers the script node was given, as its context had them. */
  scriptConsumers?: NodeContext['consumers'];
  /** The nodes the script node's output reaches, directly or through others, as its context had them. */
  scriptDownstream?: NodeContext['downstream'];
}

const policy = { retry: { attempts: 3, backoffMs: 5 }, timeoutMs: 5_000 };

async function enter(script: Script, type: string): Promise<void> {
  script.calls[type] = (script.calls[type] ?? 0) + 1;
  await script.waitFor?.[type];
  const failure = script.failures[type]?.shift();
  if (failure) throw failure;
}

/** Waits until the node's signal aborts, the way a node running ffmpeg would. */
function untilAborted(ctx: NodeContext): Promise<never> {
  return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
}

/** Node types that count their runs and fail or block on demand, with the same port kinds as the real ones. */
export function executorTestRegistry(script: Script) {
  return createNodeRegistry(executorTestNodeTypes(script));
}

/** The node types of `executorTestRegistry`, for registries that add their own. */
export function executorTestNodeTypes(script: Script): NodeType[] {
  return [
    defineNodeType({
      type: 'Test.Footage',
      stage: 'ingest',
      description: '',
      params: z.object({}),
      inputs: {},
      output: 'footage',
      ...policy,
      async run() {
        await enter(script, 'Test.Footage');
        return { kind: 'footage', clips: [] };
      },
    }),
    defineNodeType({
      type: 'Test.Meet',
      stage: 'ingest',
      description: 'footage that returns once the test lets it: with a node that waits for it, both must be running at once',
      params: z.object({}),
      inputs: {},
      output: 'footage',
      retry: { attempts: 1, backoffMs: 5 },
      timeoutMs: 2_000,
      async run(ctx) {
        await enter(script, 'Test.Meet');
        await script.meet?.(ctx.nodeId);
        return { kind: 'footage', clips: [] };
      },
    }),
    defineNodeType({
      type: 'Test.Hold',
      stage: 'ingest',
      description: 'footage that holds until stopped',
      params: z.object({ block: z.boolean().default(true) }),
      inputs: {},
      output: 'footage',
      ...policy,
      timeoutMs: 60_000,
      async run(ctx, _inputs, params) {
        await enter(script, 'Test.Hold');
        if (!params.block) return { kind: 'footage', clips: [] };
        script.holding?.(ctx.nodeId);
        return untilAborted(ctx).catch((reason: unknown) => {
          (script.stopped ??= {})[ctx.nodeId] = reason;
          throw reason;
        });
      },
    }),
    defineNodeType({
      type: 'Test.Script',
      stage: 'script',
      description: 'a paid model call',
      params: z.object({}),
      inputs: {},
      output: 'script',
      ...policy,
      async run(ctx) {
        await enter(script, 'Test.Script');
        script.scriptConsumers = ctx.consumers;
        script.scriptDownstream = ctx.downstream;
        ctx.recordUsage({ resource: 'llm_tokens', model: 'gpt-4o-mini', promptTokens: 1000, outputTokens: 500 });
        ctx.log.info('wrote a script', { beats: 3 });
        return { kind: 'script', title: 't', lang: 'en', beats: [], hashtags: [] };
      },
    }),
    defineNodeType({
      type: 'Test.Block',
      stage: 'edit',
      description: 'blocks until stopped',
      params: z.object({ block: z.boolean().default(true) }),
      inputs: { script: { kind: 'script' } },
      output: 'timeline',
      ...policy,
      timeoutMs: 60_000,
      async run(ctx, _inputs, params) {
        await enter(script, 'Test.Block');
        if (!params.block) return { kind: 'timeline' };
        script.blocked?.();
        return untilAborted(ctx);
      },
    }),
    defineNodeType({
      type: 'Test.Gate',
      stage: 'edit',
      description: 'finishes when the test opens its gate',
      params: z.object({}),
      inputs: { script: { kind: 'script' } },
      output: 'timeline',
      ...policy,
      timeoutMs: 60_000,
      async run() {
        await enter(script, 'Test.Gate');
        script.blocked?.();
        await script.gate;
        return { kind: 'timeline' };
      },
    }),
    defineNodeType({
      type: 'Test.Speech',
      stage: 'edit',
      description: 'paid speech: characters synthesized and minutes transcribed',
      params: z.object({}),
      inputs: { script: { kind: 'script' } },
      output: 'timeline',
      ...policy,
      async run(ctx) {
        await enter(script, 'Test.Speech');
        ctx.recordUsage({ resource: 'tts_characters', characters: 2_000, model: 'tts-1-hd' });
        ctx.recordUsage({ resource: 'transcription_minutes', minutes: 1.5, model: 'whisper-1' });
        const failure = script.failuresAfterUsage?.['Test.Speech']?.shift();
        if (failure) throw failure;
        return { kind: 'timeline' };
      },
    }),
    defineNodeType({
      type: 'Test.Slow',
      stage: 'edit',
      description: 'ignores nothing but its timeout',
      params: z.object({}),
      inputs: { script: { kind: 'script' } },
      output: 'timeline',
      retry: { attempts: 2, backoffMs: 5 },
      timeoutMs: 100,
      async run(ctx) {
        await enter(script, 'Test.Slow');
        return untilAborted(ctx);
      },
    }),
    defineNodeType({
      type: 'Test.Render',
      stage: 'export',
      description: 'writes three small files',
      params: z.object({}),
      inputs: { footage: { kind: 'footage' }, timeline: { kind: 'timeline' } },
      output: 'render',
      ...policy,
      rendersOnAllCores: true,
      async run(ctx): Promise<RenderResult> {
        script.rendering?.(ctx.jobId);
        await enter(script, 'Test.Render');
        const file = path.join(ctx.tempDir, 'f');
        await writeFile(file, 'x'.repeat(100));
        const [video, thumbnail, srt] = await Promise.all([
          ctx.saveArtifact('video.mp4', file, 'video/mp4'),
          ctx.saveArtifact('thumbnail.jpg', file, 'image/jpeg'),
          ctx.saveArtifact('captions.srt', file, 'application/x-subrip'),
        ]);
        ctx.progress(0.5);
        ctx.recordUsage({ resource: 'render_seconds', seconds: 12.5, profile: '9x16_1080p' });
        ctx.recordUsage({ resource: 'storage', bytes: 300 });
        return {
          kind: 'render',
          video,
          thumbnail,
          srt,
          durationSeconds: 30.04,
          width: 1080,
          height: 1920,
          fps: 30,
          videoCodec: 'h264',
          audioCodec: 'aac',
          bitrateKbps: 4500,
          profile: '9x16_1080p',
        };
      },
    }),
  ] as NodeType[];
}

/** A graph of the test types: footage and script feed a middle node, then a render. */
export function testGraph(middle: 'Test.Block' | 'Test.Slow' | 'Test.Gate' | 'Test.Crash' | 'Test.Speech', params: Record<string, unknown> = {}) {
  return {
    nodes: [
      { id: 'a', type: 'Test.Footage', params: {} },
      { id: 'b', type: 'Test.Script', params: {} },
      { id: 'c', type: middle, params },
      { id: 'd', type: 'Test.Render', params: {} },
    ],
    edges: [
      { from: 'b', to: 'c' },
      { from: 'a', to: 'd' },
      { from: 'c', to: 'd' },
    ],
  };
}

export interface ExecutorFixture {
  database: TestDatabase;
  deps: ExecutorDeps;
  script: Script;
  insertJob(graph: unknown): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createExecutorFixture(): Promise<ExecutorFixture> {
  const database = await createTestDatabase({ migrated: true });
  await database.query(`INSERT INTO users (id, email, password_hash, name) VALUES ('user_x', 'x@example.com', '!', 'X')`);
  await database.query(`INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_x', 'X', 'x', 'user_x')`);
  const root = await mkdtemp(path.join(tmpdir(), 'fenta-executor-'));
  const script: Script = { calls: {}, failures: {} };
  const deps: ExecutorDeps = {
    db: database.db,
    storage: new LocalStorage(path.join(root, 'storage')),
    registry: executorTestRegistry(script),
    providers: testProviders(),
    logger: createLogger({ service: 'executor-test', level: 'silent' }),
    prices: defaultPriceTable,
    tempRoot: path.join(root, 'tmp'),
    publicUrl: 'http://127.0.0.1:8080',
    cancelPollMs: 20,
  };
  return {
    database,
    deps,
    script,
    async insertJob(graph) {
      const [row] = await database.query<{ id: string }>(`INSERT INTO jobs (org_id, created_by, config) VALUES ('org_x', 'user_x', $1) RETURNING id`, [
        JSON.stringify({ graph, variables: {} }),
      ]);
      return row!.id;
    },
    async cleanup() {
      await database.drop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
