// Starts a throw-away redis-server on a free loopback port for the distributed tests, and stops it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_BINARY = process.env.FRNAS_REDIS_SERVER ?? 'redis-server';

/** Whether redis-server can be run here; the tests skip with this reason otherwise. */
export function redisMissingReason(): string | undefined {
  const probe = spawnSync(REDIS_BINARY, ['--version'], { encoding: 'utf8' });
  return probe.error || probe.status !== 0 ? `${REDIS_BINARY} is not installed (apt-get install redis-server, or set FRNAS_REDIS_SERVER)` : undefined;
}

export interface RedisServerOptions {
  password?: string;
  /** Keep the data folder across restarts (appendonly file). */
  dir?: string;
}

export class RedisTestServer {
  private child: ChildProcess | undefined;
  readonly dir: string;
  private readonly ownsDir: boolean;

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {
    this.ownsDir = options.dir === undefined;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), 'frnas-redis-'));
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisTestServer> {
    const server = new RedisTestServer(await freePort(), options);
    await server.launch();
    return server;
  }

  /** redis://[:password@]127.0.0.1:port */
  url(withPassword = true): string {
    const auth = withPassword && this.options.password ? `:${encodeURIComponent(this.options.password)}@` : '';
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir];
    args.push('--maxmemory-policy', 'noeviction');
    if (this.options.password) args.push('--requirepass', this.options.password);
    this.child = spawn(REDIS_BINARY, args, { stdio: 'ignore' });
    await waitForPort(this.port, 10_000);
  }

  /** SIGKILL, as a crash: only what the append-only file holds survives. */
  async kill(): Promise<void> {
    await this.stopWith('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.stopWith('SIGTERM');
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  private async stopWith(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not open port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One redis-server for a mocha suite: started before it (the suite is skipped, with the reason, where there is none)
 * and stopped after it, once `beforeStop` (closing the suite's workers) has run. `server()` is the running server.
 */
export function useRedisServer(options: RedisServerOptions & { beforeStop?: () => Promise<unknown> } = {}): () => RedisTestServer {
  const { beforeStop, ...serverOptions } = options;
  let server: RedisTestServer | undefined;
  before(async function () {
    const missing = redisMissingReason();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
    server = await RedisTestServer.start(serverOptions);
  });
  after(async () => {
    await beforeStop?.();
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('redis-server is not running (useRedisServer hooks have not run)');
    return server;
  };
}
