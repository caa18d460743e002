import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { FentaError } from '@fenta/core';
import { allowedAssetContentTypes, assetMediaTypes, declaredContentType } from './asset-media-types';
import { formFieldPath, invalidField } from './invalid-field';

/** An upload as it arrived: the file on local disk, what the client said of it, and the form's other fields. */
export interface ReceivedUpload {
  /** The file's bytes, in `dir` under a name of the server's (never the client's). */
  path: string;
  bytes: number;
  contentType: string;
  /** The file name the client's form gave, unchecked (see safeFileName). */
  clientFilename: string | undefined;
  /** The form's `name` field, unchecked, when it had one. */
  name: string | undefined;
  /** The form's `tags` fields, unchecked, in order. */
  tags: string[];
}

// A form holds one file and a few short fields: name and up to 20 tags.
const maxFields = 25;
const maxFieldBytes = 1024;

/**
 * Receives a multipart/form-data upload: one `file` part, streamed to
 * `dir/upload` on local disk as it arrives (never held in memory whole) and
 * cut off at `maxBytes` with ASSET_TOO_LARGE; optional `name` and repeated
 * `tags` fields. The file's declared content type must be an allowed one
 * (ASSET_CONTENT_TYPE_UNSUPPORTED, before any of it is written). Any other
 * field is REQUEST_INVALID naming it. The caller removes `dir` afterwards,
 * whatever happened.
 */
export async function receiveUpload(request: FastifyRequest, options: { maxBytes: number; dir: string }): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    throw invalidField('body', 'must be multipart/form-data: a "file" part, and optional "name" and "tags" fields');
  }
  const target = path.join(options.dir, 'upload');
  let file: Pick<ReceivedUpload, 'path' | 'bytes' | 'contentType' | 'clientFilename'> | undefined;
  let name: string | undefined;
  const tags: string[] = [];
  try {
    const parts = request.parts({
      limits: { fileSize: options.maxBytes, files: 1, fields: maxFields, fieldSize: maxFieldBytes, parts: maxFields + 1, fieldNameSize: 100, headerPairs: 100 },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw invalidField(formFieldPath(part.fieldname), 'is not a field of an upload: send the file as "file"');
        const contentType = declaredContentType(part.mimetype);
        if (!assetMediaTypes[contentType]) {
          throw new FentaError(
            'ASSET_CONTENT_TYPE_UNSUPPORTED',
            { contentType: JSON.stringify(contentType.slice(0, 100)), allowed: allowedAssetContentTypes.join(', ') },
            { details: { content_type: contentType.slice(0, 100), allowed: allowedAssetContentTypes } },
          );
        }
        // 'wx': the name is the server's and the folder new, so nothing is there to overwrite.
        await pipeline(part.file, createWriteStream(target, { flags: 'wx' }));
        if (part.file.truncated) throw tooLarge(options.maxBytes);
        file = { path: target, bytes: (await stat(target)).size, contentType, clientFilename: part.filename || undefined };
        continue;
      }
      if (part.valueTruncated) throw invalidField(formFieldPath(part.fieldname), `must be at most ${maxFieldBytes} bytes`);
      const value = String(part.value);
      if (part.fieldname === 'name') {
        if (name !== undefined) throw invalidField('body.name', 'must be given once');
        name = value;
      } else if (part.fieldname === 'tags') {
        tags.push(value);
      } else {
        throw invalidField(formFieldPath(part.fieldname), 'is not a field of an upload (file, name, tags)');
      }
    }
  } catch (error) {
    throw multipartError(error, options.maxBytes);
  }
  if (!file) throw invalidField('body.file', 'is required: the media file to upload');
  return { ...file, name, tags };
}

function tooLarge(maxBytes: number): FentaError {
  return new FentaError('ASSET_TOO_LARGE', { limitBytes: maxBytes }, { details: { limit_bytes: maxBytes } });
}

/** The multipart parser's own errors as Fenta's codes; anything else as it was. */
function multipartError(error: unknown, maxBytes: number): unknown {
  switch ((error as { code?: unknown } | null)?.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(maxBytes);
    case 'FST_FILES_LIMIT':
      return invalidField('body.file', 'must be given once: an upload is one file');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return invalidField('body', `must have at most ${maxFields} fields`);
    case 'FST_PROTO_VIOLATION':
      return invalidField('body', 'has a field name that is not allowed');
    default:
      return error;
  }
}
