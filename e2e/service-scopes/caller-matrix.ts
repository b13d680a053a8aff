import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RouteEntry } from './route-table';

export const MATRIX_DOC = path.join(__dirname, '..', '..', 'docs', 'authentication.md');
const START =
  '<!-- caller-matrix:start (generated from the code: node scripts/caller-matrix.mjs) -->';
const END = '<!-- caller-matrix:end -->';

/** A Markdown table with its columns padded as Prettier pads them (docs are Prettier-checked). */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** The caller matrix as a Markdown table: every route a service key opens, and who may call it. */
export function renderMatrix(routes: readonly RouteEntry[]): string {
  const rows = routes
    .filter((route) => route.callers)
    .map((route) => [
      route.service,
      `\`${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}\``,
      route.callers!.join(', '),
      route.serviceOnly ? 'none (a bearer token is 401)' : "a user's bearer token",
    ]);
  return [
    START,
    '',
    ...table(['Service', 'Route', 'Callers (X-Service-Key)', 'Other credential'], rows),
    '',
    END,
  ].join('\n');
}

/** The matrix as docs/authentication.md has it now (between its markers). */
export function documentedMatrix(): string | undefined {
  const doc = readFileSync(MATRIX_DOC, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  return start < 0 || end < start ? undefined : doc.slice(start, end + END.length);
}

/** Replaces the documented matrix (which must exist: its markers place it) with `matrix`. */
export function writeMatrix(matrix: string): void {
  const doc = readFileSync(MATRIX_DOC, 'utf8');
  const current = documentedMatrix();
  if (!current) throw new Error(`${MATRIX_DOC} has no ${START} … ${END} markers`);
  writeFileSync(MATRIX_DOC, doc.replace(current, matrix));
}
