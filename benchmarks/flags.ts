// Command-line flags of the benchmark scripts: each flag handed to `handle` with readers for its value.

export interface FlagValues {
  /** The next argument; an error naming the flag when there is none. */
  value(): string;
  /** The next argument as an integer >= 1; an error naming the flag otherwise. */
  positiveInteger(): number;
}

export function forEachFlag(argv: readonly string[], handle: (flag: string, read: FlagValues) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const positiveInteger = (): number => {
      const text = value();
      const v = Number(text);
      if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} must be a positive integer, got ${text}`);
      return v;
    };
    handle(flag, { value, positiveInteger });
  }
}
