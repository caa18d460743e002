export { createDatabase, type DatabaseOptions } from './create-database';
export { checkDatabaseConnection, postgresCheck } from './check-connection';
export { isDatabaseUnreachable, databaseUnreachable } from './database-unreachable';
export { migrateToLatest, migrateOrThrow, type MigrationResult, type MigrationRunResult, type MigrateOptions } from './migrator/sql-migrator';
export { migrationTable } from './migrator/applied-migrations';
export { readMigrationStatus, migrationsCheck, describeMigrationStatus, type MigrationStatus } from './migrator/migration-status';
export { readMigrationFiles, defaultMigrationsDir, type MigrationFile } from './migrator/migration-files';
export type * from './schema/tables';
export {
  ensurePartitions,
  pruneFinishedWebhookDeliveries,
  pruneJobLogs,
  refreshDailyUsage,
  resetEndedQuotaPeriods,
  withTryAdvisoryLock,
  type PruneOptions,
} from './maintenance/maintenance.queries';
export { builtInTemplates, type BuiltInTemplate } from './seed/built-in-templates';
export { demoWorkflow } from './seed/demo-workflow';
export { seedBuiltInTemplates, seedDemoOrg, ensureDemoApiKey, demoIds } from './seed/demo-seed';
export * from './jobs/job.queries';
export * from './jobs/job-node.queries';
export * from './jobs/job-run.queries';
export * from './jobs/job-log.queries';
export * from './jobs/usage.queries';
export * from './templates/template.queries';
export { inTenantTransaction, withSystemRole } from './tenancy/tenant-transaction';
export * from './assets/asset.queries';
export * from './quota/quota.queries';
export * from './idempotency/idempotency.queries';
export { recordAudit, type AuditEntry } from './audit/audit.queries';
export { findApiKeyCaller, touchApiKey, insertApiKey, listOrgApiKeys, revokeApiKey, type ApiKeyCaller, type NewApiKeyInput } from './api-keys/api-key.queries';
export { findOrg, findOrgMember } from './orgs/org-member.queries';
export { createOrgWithOwner, slugOf, type NewOrgInput, type CreatedOrg } from './orgs/create-org';
export * from './workflows/workflow.queries';
export { projectExists } from './projects/project.queries';
export * from './schedules/schedule.queries';
export * from './schedules/schedule-firing.queries';
export * from './webhooks/webhook.queries';
export * from './webhooks/webhook-delivery.queries';
export * from './usage/usage-report.queries';
export { countJobsByStatus } from './metrics/metrics.queries';
export * from './jobs/job-event.queries';
export { createJobEventListener, type JobEventListener, type JobEventListenerOptions } from './jobs/job-event-listener';
export * from './renders/render.queries';
