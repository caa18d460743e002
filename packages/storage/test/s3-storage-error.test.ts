import { isS3ObjectMissing, s3StorageError } from '../src/s3-storage-error';

const accessKeyId = 'AKIAFENTANOTREAL0002';
const secretAccessKey = 'fenta/secret+never-in-errors-0002';

/** What the SDK throws for an S3 error response: its fields from the body copied onto the error. */
function serviceError(name: string, message: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, ...extra });
}

describe('s3StorageError', () => {
  it('keeps the name, status and message, blanks the credentials and drops the echoed fields', () => {
    const cause = serviceError('SignatureDoesNotMatch', `key ${accessKeyId} signed with ${secretAccessKey}`, 403, {
      AWSAccessKeyId: accessKeyId,
      CanonicalRequest: `GET /?X-Amz-Credential=${accessKeyId}`,
    });
    const error = s3StorageError('put', 'a.txt', cause, [accessKeyId, secretAccessKey]);
    expect(error.toBody()).toEqual({
      error: {
        code: 'STORAGE_FAILED',
        message: 'Storage put of a.txt failed: SignatureDoesNotMatch (HTTP 403): key [redacted] signed with [redacted]',
        details: { errorName: 'SignatureDoesNotMatch', httpStatus: 403 },
      },
    });
    expect(error.cause).toBeUndefined();
  });

  it('names the HTTP status when the response had no body to name the error (HEAD)', () => {
    const error = s3StorageError('stat', 'a.txt', serviceError('Unknown', 'UnknownError', 403), []);
    expect(error.message).toBe('Storage stat of a.txt failed: HTTP 403 Forbidden');
  });

  it('keeps the message of an error that never reached S3', () => {
    const error = s3StorageError('get', 'a.txt', new Error('connect ECONNREFUSED 127.0.0.1:9'), [undefined, undefined]);
    expect(error.message).toBe('Storage get of a.txt failed: Error: connect ECONNREFUSED 127.0.0.1:9');
    expect(error.details).toEqual({ errorName: 'Error' });
  });
});

describe('isS3ObjectMissing', () => {
  it.each([
    { label: 'NoSuchKey from GET', error: serviceError('NoSuchKey', 'The specified key does not exist.', 404), missing: true },
    { label: 'a bare 404 from HEAD', error: serviceError('NotFound', 'NotFound', 404), missing: true },
    { label: 'a missing bucket', error: serviceError('NoSuchBucket', 'The specified bucket does not exist', 404), missing: false },
    { label: 'access denied', error: serviceError('AccessDenied', 'Access Denied', 403), missing: false },
    { label: 'a network error', error: new Error('socket hang up'), missing: false },
  ])('$label → $missing', ({ error, missing }) => {
    expect(isS3ObjectMissing(error)).toBe(missing);
  });
});
