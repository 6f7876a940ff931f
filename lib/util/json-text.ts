// Helpers for JSON files users write by hand: where a parse error is (line and column, also when the engine's
// message gives no position), a key written twice in one object (JSON.parse silently keeps the last one), and
// encodings JSON.parse cannot read (a UTF-8 byte order mark, UTF-16).

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

interface ScanResult {
  /** Offset of the first syntax error, when there is one. */
  errorOffset?: number;
  /** The first key written twice in one object, and the offset of its second occurrence. */
  duplicate?: { key: string; offset: number };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Walks `text` as JSON without building values: the offset of the first syntax error and the first duplicate key.
 * Iterative (an explicit stack), so hostile nesting cannot overflow the call stack.
 */
export function scanJson(text: string): ScanResult {
  let i = 0;
  let duplicate: ScanResult['duplicate'];
  // Each open container: its kind and, for objects, the keys seen so far.
  const stack: { kind: 'object' | 'array'; keys?: Set<string> }[] = [];
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** Reads a string at i (text[i] === '"'); returns its raw content, or undefined on error (i at the error). */
  const readString = (): string | undefined => {
    const start = ++i;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return text.slice(start, i++);
      if (c === 0x5c) i += 2;
      else if (c < 0x20) return undefined;
      else i++;
    }
    return undefined;
  };
  /** Reads one scalar or opens a container; false on error. */
  const readValue = (): boolean => {
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      stack.push(c === '{' ? { kind: 'object', keys: new Set() } : { kind: 'array' });
      return true;
    }
    if (c === '"') return readString() !== undefined;
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return true;
      }
    }
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (match === null) return false;
    i += match[0].length;
    return true;
  };
  // State machine: after a value (or an opening bracket), decide what comes next.
  let expectValue = true;
  let justOpened = false;
  for (;;) {
    if (expectValue) {
      const depth = stack.length;
      const top = stack[depth - 1];
      skipSpace();
      if (justOpened && ((top?.kind === 'object' && text[i] === '}') || (top?.kind === 'array' && text[i] === ']'))) {
        i++;
        stack.pop();
        justOpened = false;
        expectValue = false;
        if (stack.length === 0) break;
        continue;
      }
      justOpened = false;
      if (top?.kind === 'object') {
        if (text[i] !== '"') return { errorOffset: i, duplicate };
        const keyOffset = i;
        const key = readString();
        if (key === undefined) return { errorOffset: i, duplicate };
        if (top.keys?.has(key) && duplicate === undefined) duplicate = { key, offset: keyOffset };
        top.keys?.add(key);
        skipSpace();
        if (text[i] !== ':') return { errorOffset: i, duplicate };
        i++;
      }
      if (!readValue()) return { errorOffset: i, duplicate };
      if (stack.length > depth) {
        justOpened = true;
        continue;
      }
      expectValue = false;
      if (stack.length === 0) break;
      continue;
    }
    skipSpace();
    const top = stack[stack.length - 1];
    const close = top.kind === 'object' ? '}' : ']';
    if (text[i] === ',') {
      i++;
      expectValue = true;
    } else if (text[i] === close) {
      i++;
      stack.pop();
      if (stack.length === 0) break;
    } else {
      return { errorOffset: i, duplicate };
    }
  }
  skipSpace();
  return i < text.length ? { errorOffset: i, duplicate } : { duplicate };
}

/** A JSON.parse error with its line and column: from the engine's "position N", else found by scanning. */
export function describeJsonError(error: Error, text: string): string {
  const position = /position (\d+)/.exec(error.message);
  const offset = position !== null ? Number(position[1]) : scanJson(text).errorOffset;
  if (offset === undefined) return error.message;
  const { line, column } = lineColumn(text, offset);
  return `${error.message} (line ${line} column ${column})`;
}

/**
 * Why a JSON file's bytes cannot be read as UTF-8 JSON, or undefined when they can: a UTF-8 byte order mark
 * (Python's json refuses it too), or UTF-16 (a BOM, or NUL bytes among the first characters).
 */
export function jsonEncodingProblem(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM';
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.subarray(0, 64).includes(0);
  if (utf16) return 'is UTF-16 encoded (or holds NUL bytes); save it as UTF-8';
  return undefined;
}
