const MAX_NAME_CHARS = 120;

/**
 * A download's file name reduced to characters that are safe in a header and on every file system (letters, digits,
 * dot, dash, underscore; no leading dot, so never "." or ".."; the end, with the extension, kept when too long).
 */
export function safeDownloadName(requested: string): string {
  const cleaned = requested
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(-MAX_NAME_CHARS)
    .replace(/^[.-]+/, '');
  return cleaned || 'download';
}

/** `Content-Disposition: attachment` for a file name that came from a URL (never trusted as it stands). */
export function attachmentDisposition(requested: string): string {
  return `attachment; filename="${safeDownloadName(requested)}"`;
}
