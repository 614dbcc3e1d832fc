import type { IdentitySettings } from '../config.js';
import { createLocalMailer } from './local.mailer.js';
import type { Mailer } from './mailer.js';
import { createSmtpMailer } from './smtp.mailer.js';

export type { Mailer, OutgoingEmail } from './mailer.js';
export { createLocalMailer, type LocalMailFile } from './local.mailer.js';
export { createSmtpMailer } from './smtp.mailer.js';
export { MailWorker, type MailWorkerOptions } from './mail.worker.js';

/** The SMTP mailer when SMTP_URL is set, local delivery into MAIL_DIR otherwise. */
export function createMailer(settings: Pick<IdentitySettings, 'SMTP_URL' | 'MAIL_FROM' | 'MAIL_DIR'>): Mailer {
  return settings.SMTP_URL
    ? createSmtpMailer({ url: settings.SMTP_URL, from: settings.MAIL_FROM })
    : createLocalMailer({ dir: settings.MAIL_DIR, from: settings.MAIL_FROM });
}
