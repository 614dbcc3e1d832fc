import { signCallerToken, type RequestCaller } from '@academy/service-kit';

/**
 * Signs callers for the subgraphs, each token for one subgraph (its audience) with that
 * subgraph's secret: a token a subgraph has seen cannot be replayed against another.
 */
export class CallerSigner {
  /** `secrets`: a subgraph's own secret by name; the others use `defaultSecret`. */
  constructor(
    private readonly defaultSecret: string,
    private readonly secrets: Readonly<Record<string, string | undefined>> = {},
  ) {}

  sign(caller: RequestCaller, subgraph: string): Promise<string> {
    return signCallerToken(caller, this.secrets[subgraph] ?? this.defaultSecret, subgraph);
  }

  /** The tokens of one request: signed when a subgraph is first called, then reused. */
  tokensFor(caller: RequestCaller): CallerTokens {
    return new CallerTokens(this, caller);
  }
}

/** One request's caller tokens, one per subgraph its plan calls. */
export class CallerTokens {
  readonly #tokens = new Map<string, Promise<string>>();

  constructor(
    private readonly signer: CallerSigner,
    private readonly caller: RequestCaller,
  ) {}

  for(subgraph: string): Promise<string> {
    let token = this.#tokens.get(subgraph);
    if (!token) {
      token = this.signer.sign(this.caller, subgraph);
      this.#tokens.set(subgraph, token);
    }
    return token;
  }
}
