import { Type } from '@sinclair/typebox';

// Fields workflows and templates share, so both refuse the same bad values in the same words.

export const contentName = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S', description: 'Not blank.' });
export const contentDescription = Type.Union([Type.String({ maxLength: 5000 }), Type.Null()]);
export const projectIdField = Type.String({ pattern: '^proj_[A-Za-z0-9_-]{1,100}$', description: 'A project of your org, `proj_…`.' });
