// One errors module: every error the service classifies by type, never by message text.

/** A provider error worth retrying (network, 5xx, rate limit). */
export class TransientChannelError extends Error {
  override readonly name = 'TransientChannelError';
  readonly code: string | undefined;
  /**
   * False only when the request cannot have reached the provider (connection refused, 429): then
   * the retry may send at once. Otherwise the retry first asks the provider what it received.
   */
  readonly mayHaveBeenSent: boolean;
  constructor(message: string, code?: string, options?: { cause?: unknown; mayHaveBeenSent?: boolean }) {
    super(message, options);
    this.code = code;
    this.mayHaveBeenSent = options?.mayHaveBeenSent ?? true;
  }
}

/** What a permanent provider error says about the contact point it was sent to. */
export type ContactPointEffect = 'invalid' | 'opted-out' | null;

/** A provider error that will not go away by retrying (bad number, unsubscribed, bad request). */
export class PermanentChannelError extends Error {
  override readonly name = 'PermanentChannelError';
  readonly code: string;
  readonly contactPointEffect: ContactPointEffect;
  constructor(message: string, code: string, contactPointEffect: ContactPointEffect, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.contactPointEffect = contactPointEffect;
  }
}

/** A template that cannot render (missing variable, unknown template): permanent for the message. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Configuration that does not validate: the process refuses to start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
