import { Type, type TUnsafe } from '@sinclair/typebox';

/**
 * A string that is one of `values`, as one JSON Schema `enum`: a wrong value
 * is one problem naming the allowed ones, where a union of literals would be
 * one problem per literal.
 */
export function stringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
