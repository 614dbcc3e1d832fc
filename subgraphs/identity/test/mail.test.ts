import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, createLogger } from '@academy/service-kit';
import { recordingLogger, startTcpProxy, type LogLine } from '@academy/service-kit/testing';
import type { IdentityDatabase } from '../src/db/database.js';
import { createSmtpMailer, MailWorker, type Mailer, type OutgoingEmail } from '../src/mail/index.js';
import { enqueueEmail } from '../src/repositories/email-outbox.repository.js';
import { eventually, signUp, startIdentity, uniqueEmail, type TestIdentity } from './support/identity.js';
import { bodyOf, headerOf, startSmtpServer, type TestSmtpServer } from './support/smtp-server.js';

const CREDENTIALS = { username: 'mailer@academy.test', password: 's3cret pass/word' };
let smtp: TestSmtpServer;
let identity: TestIdentity;

beforeAll(async () => {
  smtp = await startSmtpServer(CREDENTIALS);
  const url = `smtp://${encodeURIComponent(CREDENTIALS.username)}:${encodeURIComponent(CREDENTIALS.password)}@127.0.0.1:${smtp.port}`;
  identity = await startIdentity({ SMTP_URL: url, MAIL_FROM: 'Academy <no-reply@academy.test>', APP_URL: 'https://app.academy.test' });
});

afterAll(async () => {
  await identity?.stop();
  await smtp?.close();
});

const silent = createLogger('silent');

describe('SMTP delivery', () => {
  it('sends through a real SMTP server with AUTH, the envelope, subject and body on the wire', async () => {
    const mailer = createSmtpMailer({
      url: `smtp://${encodeURIComponent(CREDENTIALS.username)}:${encodeURIComponent(CREDENTIALS.password)}@127.0.0.1:${smtp.port}`,
      from: 'Academy <no-reply@academy.test>',
    });
    try {
      const before = smtp.received.length;
      await mailer.send({ id: '6f1c0c52-1111-4a4a-9a9a-000000000001', to: 'ada@example.test', subject: 'Hello Ada', text: 'First line.\nSecond line.' });
      const mail = smtp.received[before]!;
      expect(mail.auth).toEqual({ username: CREDENTIALS.username, password: CREDENTIALS.password, method: 'PLAIN' });
      expect(mail.from).toBe('no-reply@academy.test');
      expect(mail.to).toEqual(['ada@example.test']);
      expect(headerOf(mail.raw, 'Subject')).toBe('Hello Ada');
      expect(headerOf(mail.raw, 'To')).toBe('ada@example.test');
      expect(headerOf(mail.raw, 'From')).toBe('Academy <no-reply@academy.test>');
      expect(headerOf(mail.raw, 'Message-ID')).toBe('<6f1c0c52-1111-4a4a-9a9a-000000000001@academy.test>');
      expect(bodyOf(mail.raw)).toBe('First line.\nSecond line.');
    } finally {
      await mailer.close();
    }
  });

  it('rejects when the server refuses the credentials', async () => {
    const mailer = createSmtpMailer({ url: `smtp://someone:wrong@127.0.0.1:${smtp.port}`, from: 'no-reply@academy.test' });
    try {
      await expect(mailer.send({ id: 'x', to: 'ada@example.test', subject: 'S', text: 'T' })).rejects.toThrow();
    } finally {
      await mailer.close();
    }
  });

  it('delivers a reset e-mail queued by requestPasswordReset through the configured SMTP server', async () => {
    const email = uniqueEmail('smtp');
    await signUp(identity, { email });
    await identity.subgraph.request('mutation($e: String!) { requestPasswordReset(email: $e) }', { e: email });
    const mail = await eventually(async () => smtp.received.find((m) => m.to.includes(email)), 'the reset e-mail over SMTP');
    expect(mail.auth.username).toBe(CREDENTIALS.username);
    expect(headerOf(mail.raw, 'Subject')).toBe('Reset your Academy password');
    expect(bodyOf(mail.raw)).toMatch(/https:\/\/app\.academy\.test\/reset-password\?token=[A-Za-z0-9_-]{43}/);
    const [row] = await identity.sql<{ status: string; attempts: number }>('SELECT status, attempts FROM identity.email_outbox WHERE to_address = $1', [email]);
    expect(row).toEqual({ status: 'sent', attempts: 1 });
  });
});

describe('mail worker', () => {
  // The process's own worker would compete for the rows below.
  beforeAll(async () => {
    await identity.subgraph.service.mailWorker.stop();
  });

  it('retries a failed send with backoff and marks it sent once it goes through', async () => {
    const db = identity.subgraph.service.database.db;
    const sent: OutgoingEmail[] = [];
    let failuresLeft = 2;
    const flaky: Mailer = {
      async send(message) {
        if (failuresLeft-- > 0) throw new Error('451 try again later');
        sent.push(message);
      },
      async close() {},
    };
    const worker = new MailWorker({ db, mailer: flaky, logger: silent, pollIntervalMs: 60_000, maxAttempts: 5, retryBaseMs: 60_000 });
    const id = await enqueueEmail(db, { to: 'retry@example.test', subject: 'Retry', text: 'Body' });
    const due = () => identity.sql(`UPDATE identity.email_outbox SET next_attempt_at = now() WHERE id = $1`, [id]);

    await worker.deliverDue();
    type Row = { status: string; attempts: number; last_error: string | null; wait: number };
    let [row] = await identity.sql<Row>(
      `SELECT status, attempts, last_error, round(extract(epoch FROM next_attempt_at - now()))::int AS wait FROM identity.email_outbox WHERE id = $1`,
      [id],
    );
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: '451 try again later' });
    expect(row!.wait).toBeGreaterThanOrEqual(59);
    // Not due yet: nothing is tried.
    expect(await worker.deliverDue()).toBe(0);

    await due();
    await worker.deliverDue();
    [row] = await identity.sql<Row>(`SELECT status, attempts, last_error, round(extract(epoch FROM next_attempt_at - now()))::int AS wait FROM identity.email_outbox WHERE id = $1`, [id]);
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(row!.wait).toBeGreaterThanOrEqual(119);

    await due();
    await worker.deliverDue();
    [row] = await identity.sql<Row>(`SELECT status, attempts, last_error, 0 AS wait FROM identity.email_outbox WHERE id = $1`, [id]);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(sent.map((m) => m.id)).toEqual([id]);
    await worker.deliverDue();
    expect(sent).toHaveLength(1);
  });

  it('waits out a database outage, logging it once and its end once, and then delivers', async () => {
    const server = new URL(identity.subgraph.database.adminUrl);
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const proxied = createDatabase<IdentityDatabase>({ connectionString: proxy.through(identity.subgraph.database.urlFor('academy_identity')), logger: silent });
    const lines: LogLine[] = [];
    const recording = recordingLogger(lines);
    const sent: OutgoingEmail[] = [];
    const mailer: Mailer = { send: async (message) => void sent.push(message), close: async () => {} };
    const worker = new MailWorker({ db: proxied.db, mailer, logger: recording, pollIntervalMs: 100, maxAttempts: 3 });
    try {
      await proxy.stop();
      worker.start();
      const id = await enqueueEmail(identity.subgraph.service.database.db, { to: 'outage@example.test', subject: 'Outage', text: 'Body' });
      // Several rounds meet the outage.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(sent).toEqual([]);
      await proxy.start();
      await eventually(async () => (sent.some((m) => m.id === id) ? true : undefined), 'delivery after the outage');
      await eventually(async () => (lines.some((l) => l.message === 'database available again; mail delivery resumed') ? true : undefined), 'the recovery line');
      expect(lines.filter((l) => l.message === 'database unavailable; mail delivery waits and retries')).toHaveLength(1);
      expect(lines.filter((l) => l.message === 'database available again; mail delivery resumed')).toHaveLength(1);
      expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await worker.stop();
      await proxied.close();
      await proxy.stop();
    }
  });

  it('gives a message up as failed after the last attempt', async () => {
    const db = identity.subgraph.service.database.db;
    const broken: Mailer = { send: async () => Promise.reject(new Error('550 no such user')), close: async () => {} };
    const worker = new MailWorker({ db, mailer: broken, logger: silent, pollIntervalMs: 60_000, maxAttempts: 2, retryBaseMs: 60_000 });
    const id = await enqueueEmail(db, { to: 'gone@example.test', subject: 'S', text: 'T' });
    for (let i = 0; i < 2; i++) {
      await identity.sql(`UPDATE identity.email_outbox SET next_attempt_at = now() WHERE id = $1`, [id]);
      await worker.deliverDue();
    }
    const [row] = await identity.sql(`SELECT status, attempts, last_error FROM identity.email_outbox WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'failed', attempts: 2, last_error: '550 no such user' });
  });

  it('never sends a message twice when several workers run at once', async () => {
    const db = identity.subgraph.service.database.db;
    const sends: string[] = [];
    const slow: Mailer = {
      async send(message) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        sends.push(message.id);
      },
      async close() {},
    };
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await enqueueEmail(db, { to: `many${i}@example.test`, subject: 'S', text: 'T' }));
    const workers = Array.from({ length: 3 }, () => new MailWorker({ db, mailer: slow, logger: silent, pollIntervalMs: 60_000, maxAttempts: 3 }));
    const tried = await Promise.all(workers.map((w) => w.deliverDue()));
    expect(tried.reduce((a, b) => a + b, 0)).toBe(12);
    expect([...sends].sort()).toEqual([...ids].sort());
    const rows = await identity.sql<{ status: string; attempts: number }>(`SELECT DISTINCT status, attempts FROM identity.email_outbox WHERE id = ANY($1::uuid[])`, [ids]);
    expect(rows).toEqual([{ status: 'sent', attempts: 1 }]);
  });
});
