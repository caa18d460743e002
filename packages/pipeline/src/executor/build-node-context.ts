import { mkdir } from 'node:fs/promises';
import { FentaError, pathInside, type Logger } from '@fenta/core';
import type { JobLogEntry, JobLogLevel } from '@fenta/db';
import { artifactKey, scopeStorageToOrg, type Storage } from '@fenta/storage';
import type { RenderOutput, StoredFile } from '../artifacts/artifact-types';
import type { NodeConsumer, NodeContext, Stage, TemplateRecord, UsageInput } from '../nodes/node-context';
import type { PipelineProviders } from '../providers/pipeline-providers';

/** Per-node state the executor collects while a node runs. */
export interface NodeRunRecord {
  usage: UsageInput[];
}

export interface NodeContextInput {
  /** Looks a template up when the job's snapshot does not hold it; undefined when it is not visible to the org. */
  findTemplate: (templateId: string) => Promise<TemplateRecord | undefined>;
  storage: Storage;
  providers: PipelineProviders;
  logger: Logger;
  jobId: string;
  orgId: string;
  nodeId: string;
  stage: Stage;
  attempt: number;
  signal: AbortSignal;
  tempDir: string;
  variables: Record<string, unknown>;
  templates: Record<string, TemplateRecord>;
  record: NodeRunRecord;
  consumers: readonly NodeConsumer[];
  downstream: readonly NodeConsumer[];
  writeLog: (entry: JobLogEntry) => void;
  /** Throws when the run no longer holds its job; awaited before every artifact is stored. */
  assertHeld?: () => Promise<void>;
  onProgress: (fraction: number) => void;
  recordPreview?: (preview: RenderOutput) => Promise<void>;
}

/**
 * Builds the context a node runs with. Its log goes to the process log and,
 * from info up, to job_logs (batched, as it happens), which the org reads:
 * debug lines carry this machine's paths and commands and stay in the
 * process log. Its storage is scoped to the job's org, so every key a node
 * reads or writes, whoever chose it, is checked in this one place.
 */
export function buildNodeContext(input: NodeContextInput): NodeContext {
  const { jobId, orgId, nodeId } = input;
  const storage = scopeStorageToOrg(input.storage, orgId);
  const log = (level: JobLogLevel) => (message: string, data?: Record<string, unknown>) => {
    if (level !== 'debug') input.writeLog({ jobId, level, stage: input.stage, message, data });
    input.logger[level]({ jobId, nodeId, stage: input.stage, ...data }, message);
  };
  const keyOf = (name: string) => artifactKey(orgId, jobId, nodeId, name);
  const downloads = pathInside(input.tempDir, 'downloads');
  return {
    jobId,
    orgId,
    nodeId,
    attempt: input.attempt,
    signal: input.signal,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    tempDir: input.tempDir,
    storage,
    artifactKey: keyOf,
    async saveArtifact(name, file, contentType): Promise<StoredFile> {
      // Artifact keys are the same for every run of a job: a run that lost the job must not overwrite the new run's file.
      await input.assertHeld?.();
      const stored = await storage.putFile(keyOf(name), file, { contentType });
      return { key: stored.key, bytes: stored.bytes, contentType: stored.contentType };
    },
    async localFile(file) {
      const key = typeof file === 'string' ? file : file.key;
      const local = storage.localPath(key);
      if (local) return local;
      const target = pathInside(downloads, key.replace(/\//g, '__'));
      await mkdir(downloads, { recursive: true });
      await storage.getFile(key, target);
      return target;
    },
    progress: input.onProgress,
    recordUsage: (usage) => input.record.usage.push(usage),
    variables: input.variables,
    async loadTemplate(templateId) {
      const template = input.templates[templateId] ?? (await input.findTemplate(templateId));
      if (!template) throw new FentaError('TEMPLATE_NOT_FOUND', { template: templateId });
      return template;
    },
    providers: input.providers,
    consumers: input.consumers,
    downstream: input.downstream,
    recordPreview: input.recordPreview,
  };
}
