import { assetTagPattern, assetTagProblem } from '@fenta/graph';
import { invalidField } from './invalid-field';

/** At most this many tags on an asset. */
export const maxAssetTags = 20;
export const maxAssetNameLength = 255;

const tagGrammar = new RegExp(assetTagPattern, 'u');
// Control and format characters (bidi overrides, zero-width joiners) make a name read as something it is not.
const unprintable = /[\p{Cc}\p{Cf}]/u;

/**
 * An asset's tags as stored: each trimmed and lowercased, in the grammar
 * `Input.Stock` matches, duplicates dropped, at most 20. REQUEST_INVALID
 * names the first bad one (`body.tags[2]`).
 */
export function checkedTags(values: readonly string[], path = 'body.tags'): string[] {
  if (values.length > maxAssetTags) throw invalidField(path, `must have at most ${maxAssetTags} tags`);
  const tags: string[] = [];
  for (const [index, value] of values.entries()) {
    const tag = value.trim().toLowerCase();
    if (!tagGrammar.test(tag)) throw invalidField(`${path}[${index}]`, assetTagProblem);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/**
 * A name a client chose for an asset (the `name` field, a rename): 1 to 255
 * printable characters with no `/` or `\`. It is only ever shown: storage
 * keys are built from ids, never from names.
 */
export function checkedName(value: string, path: string): string {
  const name = value.trim();
  if (name.length === 0 || [...name].length > maxAssetNameLength) throw invalidField(path, `must be 1 to ${maxAssetNameLength} characters`);
  if (unprintable.test(name) || /[/\\]/.test(name)) throw invalidField(path, 'must be a plain name: no "/", "\\" or control characters');
  return name;
}

/**
 * The file name an upload's form gave, made a plain name: its last path
 * segment (some clients send a whole path), without control characters, cut
 * to 255 characters; undefined when nothing is left.
 */
export function safeFileName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const last = value.split(/[/\\]/).pop() ?? '';
  const name = [...last.replace(new RegExp(unprintable.source, 'gu'), '').trim()].slice(0, maxAssetNameLength).join('');
  return name.length > 0 && name !== '.' && name !== '..' ? name : undefined;
}
