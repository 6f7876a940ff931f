/**
 * The one error type of lib/data. Its message always names what was wrong and where
 * (a folder, a file and line, an image, a split), so a user can fix the input without reading code.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
}

/** An error about one line of a metadata file: `<file>:<line>: <message>`. */
export function lineError(file: string, line: number, message: string): DataError {
  return new DataError(`${file}:${line}: ${message}`);
}
