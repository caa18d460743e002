import type { TemplateRecord } from '@fenta/jobs';
import type { Storage } from '@fenta/storage';
import type { RenderOutput, StoredFile } from '../artifacts/artifact-types';
import type { PipelineProviders } from '../providers/pipeline-providers';

export type { Stage } from '@fenta/graph';

/** Writes to the job's log (`job_logs`) with the node's stage; also to the process log. */
export interface NodeLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** One usage a node incurred; the executor prices it, keys it (job:node:resource) and records it once. */
export type UsageInput =
  | { resource: 'llm_tokens'; model: string; promptTokens: number; outputTokens: number }
  | { resource: 'render_seconds'; seconds: number; profile: string }
  | { resource: 'storage'; bytes: number }
  | { resource: 'kai_credits'; credits: number; model: string }
  /** Characters of text sent to a paid speech synthesizer. */
  | { resource: 'tts_characters'; characters: number; model: string }
  /** Minutes of audio sent to a paid transcriber. */
  | { resource: 'transcription_minutes'; minutes: number; model: string };

export type { TemplateRecord } from '@fenta/jobs';

/** A node that takes another's output. */
export interface NodeConsumer {
  nodeId: string;
  type: string;
  params: unknown;
}

/** Everything a node may use while it runs. Built by the executor for each node run. */
export interface NodeContext {
  jobId: string;
  orgId: string;
  nodeId: string;
  /** Which try of this node this is, from 1. */
  attempt: number;
  /** Aborted on cancellation, timeout or shutdown: stop at once (kill child processes). */
  signal: AbortSignal;
  log: NodeLogger;
  /** A fresh folder for this run, deleted after it. */
  tempDir: string;
  /** Storage scoped to the job's org: a key outside `orgs/{org}/` (or the shared offline library) is STORAGE_KEY_NOT_OWNED. */
  storage: Storage;
  /** The deterministic storage key of an artifact of this node: `orgs/{org}/jobs/{job}/{node}/{name}`. */
  artifactKey(name: string): string;
  /** Stores a local file as an artifact of this node. */
  saveArtifact(name: string, path: string, contentType: string): Promise<StoredFile>;
  /** A local path to read a stored file from (no copy on local disk; downloaded into tempDir otherwise). */
  localFile(file: StoredFile | string): Promise<string>;
  /** Progress within this node, 0..1. */
  progress(fraction: number): void;
  recordUsage(usage: UsageInput): void;
  /** The job's variables (workflow variables overlaid with the request's). */
  variables: Record<string, unknown>;
  /** Looks up a template visible to the job's org (its own or public). TEMPLATE_NOT_FOUND otherwise. */
  loadTemplate(templateId: string): Promise<TemplateRecord>;
  providers: PipelineProviders;
  /**
   * The nodes of the job's graph that take this node's output, with their
   * params as validated: a script is planned for the voice that will read it.
   */
  consumers: readonly NodeConsumer[];
  /**
   * Every node that reads this node's output, directly or through others
   * (the consumers among them): footage is fetched in a smaller rendition
   * too when an output node further on renders a preview.
   */
  downstream: readonly NodeConsumer[];
  /**
   * Records a preview of the job's video at once (its render and its
   * render.preview_ready event), while the node goes on; at most once per
   * job. Absent where nothing records it then (the executor records it at
   * the job's end from the node's output).
   */
  recordPreview?: (preview: RenderOutput) => Promise<void>;
}
