// PostgreSQL stores text and jsonb as valid UTF-8 without NUL: a JSON body may still carry
// U+0000 or a lone surrogate through \u escapes, which would fail the insert with a 500. Such
// input is refused up front with the pointer of the first string that carries it.

const SUSPECT_ESCAPE = /\\u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;

const escapePointer = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');

function find(value: unknown, pointer: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed() ? pointer || '/' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = find(value[i], `${pointer}/${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const here = `${pointer}/${escapePointer(key)}`;
      const found = find(key, here) ?? find(inner, here);
      if (found) return found;
    }
  }
  return null;
}

/** The JSON pointer of the first string PostgreSQL cannot store, or null. `raw` is the body text. */
export function unstorableString(raw: string, parsed: unknown): string | null {
  // Only \u escapes can bring these in; most bodies have none and skip the walk.
  return SUSPECT_ESCAPE.test(raw) ? find(parsed, '') : null;
}
