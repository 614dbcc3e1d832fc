import { createTransport } from 'nodemailer';
import type { Mailer, OutgoingEmail } from './mailer.js';

/** Timeouts well below a worker's patience: a stuck server must not hold the outbox row forever. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * Sends through an SMTP server given as a URL: smtp://user:pass@host:587 (STARTTLS when the
 * server offers it) or smtps://… (TLS from the start). Credentials come from the URL.
 */
export function createSmtpMailer(options: { url: string; from: string }): Mailer {
  const transport = createTransport({ url: options.url, ...TIMEOUTS }, { from: options.from });
  const domain = /@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? 'academy.local';
  return {
    async send(message: OutgoingEmail) {
      await transport.sendMail({
        to: message.to,
        subject: message.subject,
        text: message.text,
        // Stable across retries: a repeat after a lost acknowledgement carries the same id.
        messageId: `<${message.id}@${domain}>`,
      });
    },
    async close() {
      transport.close();
    },
  };
}
