import { FentaError } from '@fenta/core';

/** Refuses keys that are empty, absolute, or climb out of the storage root. */
export function assertValidKey(key: string): void {
  const reason =
    key.length === 0
      ? 'it is empty'
      : key.startsWith('/')
        ? 'it is absolute'
        : key.split('/').some((part) => part === '..' || part === '.' || part === '')
          ? 'it has an empty, "." or ".." segment'
          : key.includes('\\')
            ? 'it contains a backslash'
            : key.includes('\0')
              ? 'it contains a NUL byte'
              : undefined;
  if (reason) throw new FentaError('STORAGE_KEY_INVALID', { key, reason });
}
