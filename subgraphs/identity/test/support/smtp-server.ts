import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/** What a test SMTP server received in one session. */
export interface ReceivedMail {
  auth: { username: string | undefined; password: string | undefined; method: string };
  from: string | undefined;
  to: string[];
  /** The message as sent over the wire (headers and body). */
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Refuse the next `n` messages with a temporary error (451). */
  failNext(n: number): void;
  close(): Promise<void>;
}

/** A real SMTP server on a free loopback port, requiring AUTH with `username`/`password`, recording what it receives. */
export async function startSmtpServer(credentials: { username: string; password: string }): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const auths = new Map<string, ReceivedMail['auth']>();
  let failures = 0;
  const server = new SMTPServer({
    // Plain text on loopback: STARTTLS would need a certificate the client trusts.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, session, callback) {
      auths.set(session.id, { username: auth.username ?? undefined, password: auth.password ?? undefined, method: auth.method });
      if (auth.username !== credentials.username || auth.password !== credentials.password) {
        callback(new Error('Invalid username or password'));
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failures > 0) {
          failures -= 1;
          const error = Object.assign(new Error('Try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        received.push({
          auth: auths.get(session.id) ?? { username: undefined, password: undefined, method: 'none' },
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    failNext: (n) => {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The text body of a raw single-part message as a reader sees it: decoded, line breaks normalised. */
export function bodyOf(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  const encoding = headerOf(raw, 'Content-Transfer-Encoding')?.toLowerCase();
  const decoded =
    encoding === 'quoted-printable'
      ? Buffer.from(
          body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ).toString('utf8')
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return decoded.replaceAll('\r\n', '\n').trim();
}

/** A header's value in a raw message. */
export function headerOf(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
