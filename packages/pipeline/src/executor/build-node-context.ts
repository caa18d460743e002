import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { FentaError, type Logger } from '@fenta/core';
import type { JobLogEntry, JobLogLevel } from '@fenta/db';
import type { Storage } from '@fenta/storage';
import type { StoredFile } from '../artifacts/artifact-types';
import type { NodeContext, Stage, TemplateRecord, UsageInput } from '../nodes/node-context';
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
  writeLog: (entry: JobLogEntry) => void;
  onProgress: (fraction: number) => void;
}

/** Builds the context a node runs with: its log goes to job_logs (batched, as it happens) and to the process log. */
export function buildNodeContext(input: NodeContextInput): NodeContext {
  const { storage, jobId, orgId, nodeId } = input;
  const log = (level: JobLogLevel) => (message: string, data?: Record<string, unknown>) => {
    input.writeLog({ jobId, level, stage: input.stage, message, data });
    input.logger[level]({ jobId, nodeId, stage: input.stage, ...data }, message);
  };
  const artifactKey = (name: string) => `orgs/${orgId}/jobs/${jobId}/${nodeId}/${name}`;
  const downloads = path.join(input.tempDir, 'downloads');
  return {
    jobId,
    orgId,
    nodeId,
    attempt: input.attempt,
    signal: input.signal,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    tempDir: input.tempDir,
    storage,
    artifactKey,
    async saveArtifact(name, file, contentType): Promise<StoredFile> {
      const stored = await storage.putFile(artifactKey(name), file, { contentType });
      return { key: stored.key, bytes: stored.bytes, contentType: stored.contentType };
    },
    async localFile(file) {
      const key = typeof file === 'string' ? file : file.key;
      const local = storage.localPath(key);
      if (local) return local;
      const target = path.join(downloads, key.replace(/\//g, '__'));
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
  };
}
