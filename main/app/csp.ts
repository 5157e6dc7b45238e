/**
 * The one Content-Security-Policy of the app. renderer/index.html carries the same string in a `<meta>` tag
 * (Electron loads the file directly); the browser bridge also sends it as a header. A design test checks that
 * the two agree. Nothing remote, no inline script, no eval: the app is offline and the page is untrusted.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

/** Extra headers for HTTP responses of the bridge (a `<meta>` CSP cannot express `frame-ancestors`). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `${CSP}; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
}
