import { expect } from 'chai';
import { isPlainJson, maskRedisUrl, parseRedisUrl, parseTrialJob, runCoordinator } from '../../lib/distributed/index.js';
import { studyOptions } from './helpers.js';

describe('distributed: Redis URLs and job data', () => {
  it('reads host, port, database, user and password, percent-decoded', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6390')).to.deep.equal({ host: '127.0.0.1', port: 6390, db: 0 });
    expect(parseRedisUrl('redis://frnas:p%40ss%3Aword@redis.lab:7000/3')).to.deep.equal({
      host: 'redis.lab', port: 7000, db: 3, username: 'frnas', password: 'p@ss:word',
    });
    expect(parseRedisUrl('redis://:secret@localhost')).to.deep.equal({ host: 'localhost', port: 6379, db: 0, password: 'secret' });
  });

  it('turns rediss:// into TLS, with the host name for SNI', () => {
    expect(parseRedisUrl('rediss://:pw@redis.example.org:6380/1')).to.deep.equal({
      host: 'redis.example.org', port: 6380, db: 1, password: 'pw', tls: { servername: 'redis.example.org' },
    });
    expect(parseRedisUrl('rediss://10.0.0.5:6380').tls).to.deep.equal({});
  });

  it('rejects what it cannot read with one clear error, never echoing the password', () => {
    expect(() => parseRedisUrl('http://host:6379')).to.throw(/scheme must be redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis://:hunter2@host/abc')).to.throw(/database number/);
    expect(() => parseRedisUrl('redis://:hunter2@host/abc')).to.throw(/redis:\/\/:\*\*\*@host\/abc/);
    expect(() => parseRedisUrl('redis://host:6379?family=6')).to.throw(/query parameters/);
    expect(() => parseRedisUrl('')).to.throw(/empty/);
    expect(() => parseRedisUrl('not a url')).to.throw(/not a URL/);
    expect(maskRedisUrl('redis://user:hunter2@host:1/0')).to.equal('redis://user:***@host:1/0');
  });

  it('accepts only plain data in trial jobs: no code, no checkpoint path outside the shared folder', () => {
    const job = {
      version: 1, study: 's', trialId: 3, configId: 'abc', config: { x0: 0.5 }, budget: 2, previousBudget: 1, attempt: 1,
      checkpoint: { dir: '/shared/s/checkpoints/trial-000001', lineage: 'trial-000001' }, evaluator: { name: 'zdt1', options: {} }, enqueuedAt: 1,
    };
    expect(parseTrialJob(job).trialId).to.equal(3);
    expect(() => parseTrialJob({ ...job, checkpoint: { dir: '/x', lineage: '../../etc' } })).to.throw(/lineage/);
    expect(() => parseTrialJob({ ...job, config: { x0: 'ok', run: () => 1 } })).to.throw(/config.run/);
    expect(() => parseTrialJob({ ...job, evaluator: 'require("child_process")' })).to.throw(/evaluator must be/);
    expect(() => parseTrialJob({ ...job, version: 2 })).to.throw(/version/);
  });

  it('refuses evaluator options that are not plain JSON before anything is queued', async () => {
    expect(isPlainJson({ a: [1, 'x', true, null, { b: 2 }] })).to.equal(true);
    expect(isPlainJson({ f: () => 1 })).to.equal(false);
    expect(isPlainJson({ d: new Date(0) })).to.equal(false);
    expect(isPlainJson({ n: NaN })).to.equal(false);
    const options = { sleepMs: 1, hook: (() => 1) as unknown as number };
    let message = '';
    await runCoordinator({ ...studyOptions(1), redis: 'redis://127.0.0.1:1', directory: '/nonexistent', evaluator: { name: 'zdt1', options }, stop: { trials: 1 } }).catch(
      (e: Error) => (message = e.message),
    );
    expect(message).to.match(/plain JSON object.*never code/);
  });
});
