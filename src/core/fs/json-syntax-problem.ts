/**
 * Where a JSON file fails to parse, without its content: V8's message quotes the text around the error ('Unexpected
 * token 'S', "SECRET_PAS"... is not valid JSON'), and a message that reaches a client must not reveal a file.
 */
export function jsonSyntaxProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return `a syntax error at line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /at position (\d+)/.exec(message);
  if (position) return `a syntax error at character ${position[1]}`;
  if (/Unexpected end of JSON input/.test(message)) return 'it ends too early';
  return 'a syntax error';
}
