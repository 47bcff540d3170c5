/**
 * `npm run doctor`: checks a deployment before it goes live and whenever something looks wrong.
 * Each check is one line, `{name, ok, detail}`; a failed line says what is wrong and how to fix it.
 * The key checks are pure (inputs in, lines out); the probes call the channels with the stored
 * credentials, one bounded call each. No line ever carries a secret: details are written here, and
 * what comes from an error passes through `scrub`.
 */
export interface Check { name: string, ok: boolean, detail: string }

/** A certificate that ends within this many days fails: there is time to renew it, but not much. */
export const EXPIRY_MARGIN_DAYS = 30

export const pass = (name: string, detail: string): Check => ({ name, ok: true, detail })
export const fail = (name: string, detail: string): Check => ({ name, ok: false, detail })

export const formatCheck = (c: Check): string => `${c.ok ? '✓' : '✗'} ${c.name} — ${c.detail}`

/**
 * An error's message, fit for a line: query strings (Alipay's SDK puts app_auth_token in the URL)
 * and the given secrets are cut out, and the length is bounded.
 */
export function scrub (err: unknown, secrets: ReadonlyArray<string | null | undefined> = []): string {
  let text = err instanceof Error ? err.message : String(err)
  text = text.replace(/\?[^\s"']*/g, '?…')
  for (const s of secrets) if (s != null && s.length >= 4) text = text.split(s).join('[secret]')
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}
