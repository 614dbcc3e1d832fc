import { OutageLog, type Logger } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';
import { claimDueEmail, markEmailAttemptFailed, markEmailSent } from '../repositories/email-outbox.repository.js';
import type { Mailer } from './mailer.js';

export interface MailWorkerOptions {
  db: Kysely<IdentityDatabase>;
  mailer: Mailer;
  logger: Logger;
  /** How often to look for due messages when nobody wakes the worker. */
  pollIntervalMs: number;
  /** Deliveries tried per message before it is marked failed. */
  maxAttempts: number;
  /** Wait after the first failure; doubled after each further one. Default 30 s. */
  retryBaseMs?: number;
  /** The longest wait between tries. Default 1 h. */
  retryMaxMs?: number;
}

/**
 * Sends the e-mails queued in identity.email_outbox. Each message is claimed with
 * FOR UPDATE SKIP LOCKED, sent, and marked sent in the same short transaction, so several
 * workers (processes) never send one message twice; a failed send is tried again later with
 * exponential backoff. Runs in the identity process from `start` to `stop`.
 */
export class MailWorker {
  readonly #options: MailWorkerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  /** Set by `stop`: a delivery round in progress ends after its current message. */
  #halting = false;
  #wakeRequested = false;
  readonly #outage: OutageLog;

  constructor(options: MailWorkerOptions) {
    this.#options = options;
    this.#outage = new OutageLog(options.logger, 'mail delivery');
  }

  /** Starts delivering: now, then every poll interval and whenever woken. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#halting = false;
    this.#schedule(0);
  }

  /** Asks for a delivery round soon, e.g. after a transaction that queued a message committed. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) this.#wakeRequested = true;
    else this.#schedule(0);
  }

  /** Stops, waiting for the message being sent (if any); nothing is left scheduled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#halting = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#round(), delayMs);
  }

  #round(): void {
    this.#timer = undefined;
    if (this.#running || this.#stopped) return;
    this.#running = this.deliverDue()
      .then(() => this.#outage.recovered())
      .catch((error: unknown) => {
        // A database outage is logged once; the next rounds retry until it is over.
        if (!this.#outage.failed(error)) this.#options.logger.error('mail delivery round failed', { err: error });
      })
      .finally(() => {
        this.#running = undefined;
        const again = this.#wakeRequested;
        this.#wakeRequested = false;
        this.#schedule(again ? 0 : this.#options.pollIntervalMs);
      });
  }

  /** Sends every message due now, one at a time; how many were tried. */
  async deliverDue(): Promise<number> {
    let tried = 0;
    // Stops between messages, never in the middle of one.
    while (!this.#halting && (await this.#deliverOne()) !== 'none') tried += 1;
    return tried;
  }

  async #deliverOne(): Promise<'none' | 'sent' | 'failed'> {
    const { db, mailer, logger, maxAttempts } = this.#options;
    return db.transaction().execute(async (trx) => {
      const email = await claimDueEmail(trx);
      if (!email) return 'none';
      try {
        await mailer.send({ id: email.id, to: email.to_address, subject: email.subject, text: email.text_body });
      } catch (error) {
        const attempts = email.attempts + 1;
        const retryInMs = attempts >= maxAttempts ? null : this.#backoffMs(attempts);
        const message = error instanceof Error ? error.message : String(error);
        await markEmailAttemptFailed(trx, email.id, message, retryInMs);
        logger.warn('mail delivery failed', { emailId: email.id, attempts, retryInMs, error: message });
        return 'failed';
      }
      await markEmailSent(trx, email.id);
      logger.debug('mail delivered', { emailId: email.id });
      return 'sent';
    });
  }

  #backoffMs(attempts: number): number {
    const base = this.#options.retryBaseMs ?? 30_000;
    const max = this.#options.retryMaxMs ?? 3_600_000;
    return Math.min(base * 2 ** (attempts - 1), max);
  }
}
