// Where a condition problem's place ("when.all[1][0]", "cooldown", "sinks[2]") is in the JSON text
// the user typed: a small JSON reader that notes the line of each value by its path.

/** Lines (from 1) of every value in `text`, by path as the condition parser names places. */
export function linesByPath(text) {
  const lines = new Map();
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) { if (text[i] === '\n') line++; i++; }
  };
  const str = () => {
    let s = '';
    i++;
    while (i < text.length && text[i] !== '"') { if (text[i] === '\\') { s += text[i + 1]; i += 2; } else s += text[i++]; }
    i++;
    return s;
  };
  const value = (path) => {
    ws();
    lines.set(path, line);
    if (text[i] === '{') {
      i++;
      for (ws(); i < text.length && text[i] !== '}'; ws()) {
        if (text[i] === ',') { i++; continue; }
        const keyLine = line;
        const key = str();
        ws();
        i++; // ':'
        const p = path ? `${path}.${key}` : key;
        value(p);
        lines.set(p, Math.min(lines.get(p), keyLine));
      }
      i++;
    } else if (text[i] === '[') {
      i++;
      let n = 0;
      for (ws(); i < text.length && text[i] !== ']'; ws()) {
        if (text[i] === ',') { i++; continue; }
        value(`${path}[${n++}]`);
      }
      i++;
    } else if (text[i] === '"') {
      str();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    }
  };
  try { value(''); } catch { /* a syntax error: the parser's own message says where */ }
  return lines;
}

/**
 * A problem of the condition parser as {place, message}: `condition "x": when[0]: unknown field ...`
 * -> {place: "when[0]", message: "unknown field ..."}; place is "" for the whole condition.
 */
export function splitProblem(problem) {
  const m = /^condition "[^"]*": (?:([\w.[\]-]+): )?(.*)$/s.exec(problem);
  if (!m) return { place: '', message: problem };
  return { place: m[1] || '', message: m[2] };
}

/** The line of `place` in `lines`, trying shorter paths (a value missing inside an object) until one is known. */
export function lineOf(lines, place) {
  for (let p = place; p; p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '')) {
    if (lines.has(p)) return lines.get(p);
    if (!/(\.[^.[\]]+|\[\d+\])$/.test(p)) break;
  }
  return lines.get(place) || 1;
}
