import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutgoingEmail } from './mailer.js';

/** A message as local delivery writes it: one JSON file per message, named by its id. */
export interface LocalMailFile {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  deliveredAt: string;
}

/**
 * Delivers into a folder instead of sending (when no SMTP server is configured): each message
 * becomes `<dir>/<id>.json`, for tests and for reading reset links during development.
 */
export function createLocalMailer(options: { dir: string; from: string }): Mailer {
  return {
    async send(message: OutgoingEmail) {
      await mkdir(options.dir, { recursive: true });
      const file: LocalMailFile = { ...message, from: options.from, deliveredAt: new Date().toISOString() };
      // Written whole, then renamed: a reader never sees half a message.
      const target = join(options.dir, `${message.id}.json`);
      const partial = `${target}.partial`;
      await writeFile(partial, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      await rename(partial, target);
    },
    async close() {},
  };
}
