import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, Render } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** A finished render as the system records it: where its files are stored and where clients download them. */
export interface NewRenderInput {
  /** From `newRenderId`: the download URLs name the render, so the id is chosen before the row is written. */
  id: string;
  jobId: string;
  /** The output profile it was made for: a job has at most one render of each (renders_job_id_profile_key). */
  profile: string;
  video: { key: string; url: string; bytes: number };
  thumbnail: { key: string; url: string };
  srt: { key: string; url: string };
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  codec: string;
  bitrateKbps: number;
  metadata: Record<string, unknown>;
}

/** A fresh render id (`render_<uuid v7>`), made by the database like every id. */
export async function newRenderId(db: Db): Promise<string> {
  const { rows } = await sql<{ id: string }>`SELECT fenta_id('render') AS id`.execute(db);
  return rows[0]!.id;
}

/** Inserts a render of a job; a second render of the same profile for the job violates renders_job_id_profile_key. */
export async function insertRender(db: Db, input: NewRenderInput): Promise<Render> {
  return db.insertInto('renders').values(renderValues(input)).returningAll().executeTakeFirstOrThrow();
}

/** Inserts a render of a job unless the job has one of that profile already; undefined when it had. */
export async function insertRenderIfAbsent(db: Db, input: NewRenderInput): Promise<Render | undefined> {
  return db
    .insertInto('renders')
    .values(renderValues(input))
    .onConflict((conflict) => conflict.columns(['job_id', 'profile']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

function renderValues(input: NewRenderInput) {
  return {
    id: input.id,
    job_id: input.jobId,
    profile: input.profile,
    video_url: input.video.url,
    video_storage_path: input.video.key,
    thumbnail_url: input.thumbnail.url,
    thumbnail_storage_path: input.thumbnail.key,
    srt_url: input.srt.url,
    srt_storage_path: input.srt.key,
    duration_seconds: input.durationSeconds.toFixed(2),
    resolution: `${input.width}x${input.height}`,
    file_size_bytes: input.video.bytes,
    codec: input.codec,
    bitrate_kbps: Math.round(input.bitrateKbps),
    fps: input.fps.toFixed(2),
    metadata: JSON.stringify(input.metadata),
  };
}

/** The render of a job for one output profile (the system's view: no org check). */
export async function getRenderOfProfile(db: Db, jobId: string, profile: string): Promise<Render> {
  return db.selectFrom('renders').selectAll().where('job_id', '=', jobId).where('profile', '=', profile).executeTakeFirstOrThrow();
}

/** A render of one org (through its job); undefined when it is another org's or missing. */
export async function getOrgRender(db: Db, orgId: string, renderId: string): Promise<Render | undefined> {
  return db
    .selectFrom('renders')
    .innerJoin('jobs', 'jobs.id', 'renders.job_id')
    .selectAll('renders')
    .where('renders.id', '=', renderId)
    .where('jobs.org_id', '=', orgId)
    .executeTakeFirst();
}

/** The render of a completed job of one org that its `jobs.result` names (its main output profile's), if it has one. */
export async function getJobRender(db: Db, orgId: string, jobId: string): Promise<Render | undefined> {
  return db
    .selectFrom('renders')
    .innerJoin('jobs', 'jobs.id', 'renders.job_id')
    .selectAll('renders')
    .where('renders.job_id', '=', jobId)
    .where('jobs.org_id', '=', orgId)
    .where(sql<boolean>`renders.id = jobs.result ->> 'render_id'`)
    .executeTakeFirst();
}

/** An org's renders, newest first (ids sort by creation), after the id `after`, optionally of one job. */
export async function listOrgRenders(db: Db, input: { orgId: string; jobId?: string; after?: string; limit: number }): Promise<Render[]> {
  let query = db.selectFrom('renders').innerJoin('jobs', 'jobs.id', 'renders.job_id').selectAll('renders').where('jobs.org_id', '=', input.orgId);
  if (input.jobId !== undefined) query = query.where('renders.job_id', '=', input.jobId);
  if (input.after !== undefined) query = query.where('renders.id', '<', input.after);
  return query.orderBy('renders.id', 'desc').limit(input.limit).execute();
}
