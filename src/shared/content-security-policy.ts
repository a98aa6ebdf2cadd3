/**
 * The studio's Content-Security-Policy, the same for Electron and `kiln serve`: scripts only from the app itself,
 * no eval, no plugins, no framing; connections only back to the app (`connectSources` adds its WebSocket origin).
 * 'wasm-unsafe-eval' lets the app compile its own bundled WebAssembly (Spark's splat sorter) and nothing else: it
 * does not allow eval() or new Function().
 */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
