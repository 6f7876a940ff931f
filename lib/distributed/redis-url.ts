import { isIP } from 'node:net';
import type { RedisOptions } from 'bullmq';

export class DistributedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistributedError';
  }
}

/** A job that asks for something this worker does not allow (a path outside its roots, an unknown option): failed at once, never retried. */
export class RejectedJobError extends DistributedError {
  constructor(message: string) {
    super(message);
    this.name = 'RejectedJobError';
  }
}

/** Connection settings read from a Redis URL; plain ioredis options, so BullMQ takes them as they are. */
export interface RedisConnectionSettings {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** Present for `rediss://` URLs: TLS, the certificate checked against the host name (SNI only for names, not IPs). */
  tls?: { servername?: string };
}

const DEFAULT_REDIS_PORT = 6379;

/**
 * Reads `redis://[user][:password]@host[:port][/db]` or `rediss://...` (TLS). User name and password are
 * percent-decoded, so a password holding `@` or `:` is written `%40`, `%3A`.
 */
export function parseRedisUrl(url: string): RedisConnectionSettings {
  if (typeof url !== 'string' || url.trim() === '') throw new DistributedError('Redis URL: expected redis://[user:password@]host[:port][/db], got an empty value');
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new DistributedError(`Redis URL "${maskRedisUrl(url)}" is not a URL; expected redis://[user:password@]host[:port][/db] or rediss://... for TLS`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new DistributedError(`Redis URL "${maskRedisUrl(url)}": scheme must be redis:// or rediss:// (TLS), got ${parsed.protocol}//`);
  }
  if (parsed.hostname === '') throw new DistributedError(`Redis URL "${maskRedisUrl(url)}" names no host`);
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new DistributedError(`Redis URL "${maskRedisUrl(url)}": query parameters and fragments are not supported; give host, port, database, user and password only`);
  }
  const port = parsed.port === '' ? DEFAULT_REDIS_PORT : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isInteger(db) || db < 0) {
    throw new DistributedError(`Redis URL "${maskRedisUrl(url)}": the path must be a database number (e.g. /0), got "/${dbText}"`);
  }
  // IPv6 hosts come back bracketed from URL; sockets want them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const settings: RedisConnectionSettings = { host, port, db };
  if (parsed.username !== '') settings.username = decodeURIComponent(parsed.username);
  if (parsed.password !== '') settings.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') settings.tls = isIP(host) === 0 ? { servername: host } : {};
  return settings;
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function maskRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

/** `host:port/db` of a connection, for messages (never the password). */
export function describeConnection(settings: RedisConnectionSettings): string {
  return `${settings.tls ? 'rediss' : 'redis'}://${settings.host}:${settings.port}/${settings.db}`;
}

/** ioredis options for BullMQ: a Redis URL or settings, with what BullMQ's blocking connections need. */
export function connectionOptions(redis: string | RedisConnectionSettings): RedisOptions {
  const settings = typeof redis === 'string' ? parseRedisUrl(redis) : redis;
  return { ...settings, tls: settings.tls ? { ...settings.tls } : undefined, maxRetriesPerRequest: null };
}

/**
 * Connects once and runs PING, so a wrong address, a missing or wrong password or a TLS mismatch is one
 * clear error instead of BullMQ retrying forever. Returns the server's persistence settings when it lets us
 * read them (managed Redis often forbids CONFIG), so callers can warn about settings that lose jobs.
 */
export async function checkRedis(redis: string | RedisConnectionSettings, timeoutMs = 5000): Promise<RedisPersistence> {
  const settings = typeof redis === 'string' ? parseRedisUrl(redis) : redis;
  const where = describeConnection(settings);
  const { Queue } = await import('bullmq'); // loaded on use: importing frnas must not load BullMQ
  const probe = new Queue('frnas-connection-check', {
    connection: {
      ...connectionOptions(settings),
      // Fail at once instead of reconnecting forever.
      retryStrategy: () => null,
      maxRetriesPerRequest: 1,
      connectTimeout: timeoutMs,
    },
    skipVersionCheck: true,
  });
  let lastError: Error | undefined;
  probe.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    const client = await withTimeout(probe.client, timeoutMs, `no answer from ${where} within ${timeoutMs} ms`);
    await withTimeout(client.runCommand('ping', []) as Promise<unknown>, timeoutMs, `no answer from ${where} within ${timeoutMs} ms`);
    return await readPersistence(client);
  } catch (error) {
    const reason = (lastError ?? (error as Error)).message;
    const hint = /NOAUTH|WRONGPASS|invalid password|invalid username/i.test(reason)
      ? ' (give the user and password in the URL: redis://user:password@host:port/db)'
      : '';
    throw new DistributedError(`cannot use Redis at ${where}: ${reason}${hint}`);
  } finally {
    await probe.close().catch(() => undefined);
  }
}

/** The Redis settings that decide whether queued trials survive a Redis restart or memory pressure. */
export interface RedisPersistence {
  appendonly?: string;
  appendfsync?: string;
  maxmemoryPolicy?: string;
}

/** Warnings about persistence settings that can lose or evict jobs (empty when fine or unknown). */
export function persistenceWarnings(persistence: RedisPersistence): string[] {
  const warnings: string[] = [];
  if (persistence.appendonly === 'no') {
    warnings.push('Redis runs without appendonly: queued and finished trials are lost if Redis restarts (set appendonly yes)');
  }
  if (persistence.maxmemoryPolicy !== undefined && persistence.maxmemoryPolicy !== 'noeviction') {
    warnings.push(`Redis maxmemory-policy is ${persistence.maxmemoryPolicy}: it may evict jobs (set maxmemory-policy noeviction)`);
  }
  return warnings;
}

interface ConfigReader {
  runCommand(name: string, args: string[]): Promise<unknown>;
}

async function readPersistence(client: ConfigReader): Promise<RedisPersistence> {
  const read = async (name: string): Promise<string | undefined> => {
    try {
      const reply = await client.runCommand('config', ['GET', name]);
      return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
    } catch {
      return undefined; // CONFIG disabled (managed Redis): unknown
    }
  };
  return { appendonly: await read('appendonly'), appendfsync: await read('appendfsync'), maxmemoryPolicy: await read('maxmemory-policy') };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
