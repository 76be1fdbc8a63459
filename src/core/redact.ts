/**
 * Secrets never reach logs (docs/safety.md). Two layers: pino's `redact` paths
 * for fields named like a secret, and `redactSecrets` for what paths cannot
 * see — secret-named keys at any depth, credentials inside URLs
 * (`https://user:pw@host`), and `password=…`/`Authorization: Bearer …` text.
 */
export const SECRET_KEY =
  /^(password|passphrase|privateKey|private_key|secret|clientSecret|token|accessToken|apiKey|authorization|cookie)$/i;

export const CENSOR = '[redacted]';

const SECRET_KEYS = ['password', 'passphrase', 'privateKey', 'secret', 'token', 'authorization', 'apiKey', 'cookie'];

/** pino `redact.paths`: each secret key at the top and a few levels down. */
export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((key) => [
  key,
  `*.${key}`,
  `event.*.${key}`,
  `event.*.*.${key}`,
  `event.*.*.*.${key}`,
]);

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(?::[^\s/@]*)?@/gi;
const ASSIGNMENT =
  /\b(password|passphrase|passwd|pwd|secret|token|api[_-]?key|private[_-]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi;
const BEARER = /\b(authorization\s*[:=]\s*)?(bearer|basic)\s+[a-z0-9._~+/=-]+/gi;

export function redactText(text: string): string {
  return text
    .replace(URL_CREDENTIALS, `$1${CENSOR}@`)
    .replace(ASSIGNMENT, `$1$2${CENSOR}`)
    .replace(BEARER, (_match, prefix: string | undefined, scheme: string) => `${prefix ?? ''}${scheme} ${CENSOR}`);
}

/** A copy of `value` with secret-named fields censored and secrets in strings masked. */
export function redactSecrets(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        SECRET_KEY.test(key) && inner !== null && inner !== undefined ? CENSOR : redactSecrets(inner),
      ]),
    );
  }
  return value;
}
