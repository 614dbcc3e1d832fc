/** One e-mail on its way out, as the mail worker hands it to a mailer. */
export interface OutgoingEmail {
  /** The outbox row's id: stable across retries, so a receiver can tell repeats apart. */
  id: string;
  to: string;
  subject: string;
  text: string;
}

/** Delivers e-mail somewhere: an SMTP server, or files for local development and tests. */
export interface Mailer {
  /** Resolves once the message is accepted; rejects when it was not (the worker retries). */
  send(message: OutgoingEmail): Promise<void>;
  /** Releases connections and the like. */
  close(): Promise<void>;
}
