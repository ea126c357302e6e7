/** Deeper than this, a JSON body is refused (400) before it is parsed: no Tandem request nests past a handful of levels, and the validators handle this depth without exhausting the stack. */
export const MAX_JSON_DEPTH = 1000;

/**
 * Whether JSON text opens more than `max` arrays or objects inside each
 * other. One pass over the text, so a body built to exhaust the parser or
 * the validators' recursion costs no more than reading it.
 */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
