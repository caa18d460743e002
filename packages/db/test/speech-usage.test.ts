import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultMigrationsDir, migrateToLatest, readMigrationFiles } from '@fenta/db';
import { createTestDatabase, type TestDatabase } from './test-database';

const speechMigration = '00022_speech_usage.sql';

// 00022 on a database that already has usage: partitions made every way the
// schema makes them (at creation, by upkeep, by upkeep moving rows out of the
// default partition, by hand) take the new resource types, and keep refusing
// unknown ones; the rows already there and the daily view survive.
describe('00022: speech usage on a database that already has usage', () => {
  let database: TestDatabase;
  let dir: string;
  let orgId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-speech-usage-'));
    const files = await readMigrationFiles();
    expect(files.map((f) => f.name)).toContain(speechMigration);
    for (const file of files.filter((f) => f.name < speechMigration)) await copyFile(path.join(defaultMigrationsDir, file.name), path.join(dir, file.name));
    expect((await migrateToLatest(database.db, { migrationsDir: dir })).error).toBeUndefined();

    const q = database.query;
    const [user] = await q<{ id: string }>(`INSERT INTO users (email, password_hash, name) VALUES ('speech@example.com', 'h', 'S') RETURNING id`);
    const [org] = await q<{ id: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ('S', 'speech', $1) RETURNING id`, [user!.id]);
    orgId = org!.id;
    // Usage of a month without a partition lands in the default one; upkeep then builds the month standalone, moves the row and attaches it.
    await q(
      `INSERT INTO usage_records (org_id, resource_type, kai_credits, cost_usd, created_at) VALUES ($1, 'kai_credits', 2, 0.02, '2040-01-05T00:00:00Z')`,
      [orgId],
    );
    await q(`SELECT fenta_create_month_partition('usage_records', '2040-01-01')`);
    // Made by upkeep with nothing to move.
    await q(`SELECT fenta_create_month_partition('usage_records', '2040-02-01')`);
    // Made by hand, as an operator might, and attached.
    await q(`CREATE TABLE usage_records_2040_03 (LIKE usage_records INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await q(`ALTER TABLE usage_records ATTACH PARTITION usage_records_2040_03 FOR VALUES FROM ('2040-03-01 00:00:00+00') TO ('2040-04-01 00:00:00+00')`);
    await q(`REFRESH MATERIALIZED VIEW mv_daily_usage`);

    await copyFile(path.join(defaultMigrationsDir, speechMigration), path.join(dir, speechMigration));
    const run = await migrateToLatest(database.db, { migrationsDir: dir });
    expect(run.error).toBeUndefined();
    expect(run.results.filter((r) => r.status === 'applied').map((r) => r.name)).toEqual([speechMigration]);
  });
  afterAll(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const partitions = async () =>
    (
      await database.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'usage_records'::regclass ORDER BY 1`,
      )
    ).map((row) => row.name);

  it('has one resource type constraint, the same on the table and on every partition', async () => {
    const names = await partitions();
    expect(names).toEqual(expect.arrayContaining(['usage_records_2040_01', 'usage_records_2040_02', 'usage_records_2040_03', 'usage_records_default']));
    const rows = await database.query<{ table: string; definition: string }>(
      `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE conname = 'usage_records_resource_type_check' ORDER BY 1`,
    );
    const definition =
      "CHECK (((resource_type)::text = ANY ((ARRAY['llm_tokens'::character varying, 'kai_credits'::character varying, " +
      "'render_seconds'::character varying, 'storage'::character varying, 'tts_characters'::character varying, " +
      "'transcription_minutes'::character varying])::text[])))";
    expect(rows).toEqual([...names, 'usage_records'].sort().map((table) => ({ table, definition })));
  });

  it('takes TTS characters and transcription minutes in every month, and still refuses unknown resources', async () => {
    const months = ['2040-01-10', '2040-02-10', '2040-03-10', '2052-06-10', new Date().toISOString().slice(0, 10)];
    for (const day of months) {
      await database.query(
        `INSERT INTO usage_records (org_id, resource_type, tts_characters, tts_model, cost_usd, created_at)
         VALUES ($1, 'tts_characters', 1000, 'tts-1', 0.015, $2::timestamptz)`,
        [orgId, `${day}T12:00:00Z`],
      );
      await database.query(
        `INSERT INTO usage_records (org_id, resource_type, transcription_minutes, transcription_model, cost_usd, created_at)
         VALUES ($1, 'transcription_minutes', 2.5, 'whisper-1', 0.015, $2::timestamptz)`,
        [orgId, `${day}T12:00:00Z`],
      );
      await expect(
        database.query(`INSERT INTO usage_records (org_id, resource_type, cost_usd, created_at) VALUES ($1, 'gpu_seconds', 0, $2::timestamptz)`, [
          orgId,
          `${day}T12:00:00Z`,
        ]),
      ).rejects.toThrow('violates check constraint "usage_records_resource_type_check"');
    }
    const landed = await database.query<{ partition: string; resource_type: string }>(
      `SELECT tableoid::regclass::text AS partition, resource_type FROM usage_records
       WHERE resource_type IN ('tts_characters', 'transcription_minutes') ORDER BY 1, 2`,
    );
    const [thisMonth] = await database.query<{ name: string }>(`SELECT 'usage_records_' || to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM') AS name`);
    expect(landed).toEqual(
      ['usage_records_2040_01', 'usage_records_2040_02', 'usage_records_2040_03', thisMonth!.name, 'usage_records_default'].sort().flatMap((partition) => [
        { partition, resource_type: 'transcription_minutes' },
        { partition, resource_type: 'tts_characters' },
      ]),
    );
  });

  it('keeps the usage recorded before it, and sums speech per day in the daily view, which refreshes concurrently', async () => {
    await database.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY mv_daily_usage`);
    const days = await database.query(
      `SELECT date::text, total_kai_credits::text, total_tts_characters::text, total_transcription_minutes::text, total_cost_usd::text
       FROM mv_daily_usage WHERE org_id = $1 AND date BETWEEN '2040-01-01' AND '2040-01-31' ORDER BY date`,
      [orgId],
    );
    expect(days).toEqual([
      { date: '2040-01-05', total_kai_credits: '2', total_tts_characters: '0', total_transcription_minutes: '0', total_cost_usd: '0.0200' },
      { date: '2040-01-10', total_kai_credits: '0', total_tts_characters: '1000', total_transcription_minutes: '2.5000', total_cost_usd: '0.0300' },
    ]);
  });
});
