export { createDatabase, type DatabaseOptions } from './create-database';
export { checkDatabaseConnection } from './check-connection';
export { migrateToLatest, migrateOrThrow, migrationTable, type MigrationResult, type MigrationRunResult, type MigrateOptions } from './migrator/sql-migrator';
export { readMigrationFiles, defaultMigrationsDir, type MigrationFile } from './migrator/migration-files';
export type * from './schema/tables';
export { ensurePartitions, refreshDailyUsage, withTryAdvisoryLock } from './maintenance/maintenance.queries';
export { builtInTemplates, type BuiltInTemplate } from './seed/built-in-templates';
export { demoWorkflow } from './seed/demo-workflow';
export { seedBuiltInTemplates, seedDemoOrg, ensureDemoApiKey, demoIds } from './seed/demo-seed';
