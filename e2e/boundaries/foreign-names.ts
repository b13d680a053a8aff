export interface SourceText {
  file: string;
  text: string;
}

export interface ForeignName {
  file: string;
  line: number;
  name: string;
}

const WORD_CHAR = '[A-Za-z0-9_]';
const INTERNAL_ROUTE = /internal\/[a-z0-9-]+/g;
const CONTROLLER_PREFIX = /@Controller\(\s*['"`](internal\/[a-z0-9-]+)/g;

/** The `internal/<resource>` prefixes of the service's own controllers. */
export function ownInternalRoutes(sources: SourceText[]): string[] {
  return sources.flatMap(({ text }) => [...text.matchAll(CONTROLLER_PREFIX)].map((m) => m[1]));
}

/**
 * Every line that names one of `words` as a whole word (in code, strings or comments, as a
 * grep would find it) or an `internal/<resource>` route not in `internalRoutesExcept`.
 */
export function findForeignNames(
  sources: SourceText[],
  wanted: { words?: string[]; internalRoutesExcept?: string[] },
): ForeignName[] {
  const wordPatterns = (wanted.words ?? []).map((word) => ({
    word,
    pattern: new RegExp(`(?<!${WORD_CHAR})${word}(?!${WORD_CHAR})`),
  }));
  const allowedRoutes = wanted.internalRoutesExcept && new Set(wanted.internalRoutesExcept);
  const found: ForeignName[] = [];
  for (const { file, text } of sources) {
    text.split('\n').forEach((content, index) => {
      const line = index + 1;
      for (const { word, pattern } of wordPatterns) {
        if (pattern.test(content)) found.push({ file, line, name: word });
      }
      if (!allowedRoutes) return;
      for (const [route] of content.matchAll(INTERNAL_ROUTE)) {
        if (!allowedRoutes.has(route)) found.push({ file, line, name: route });
      }
    });
  }
  return found;
}
