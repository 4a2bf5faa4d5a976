/**
 * A compiler from GBNF (llama.cpp's grammar language, grammars/README.md) to a JavaScript RegExp, for
 * non-recursive grammars: rules `name ::= expr`, string literals with `\\ \" \n \t \r` escapes,
 * character classes `[...]`/`[^...]`, grouping, `|`, `*`, `+`, `?`, and rule references. The llama.cpp
 * peer uses it the way llama-server uses `grammar`: a grammar that does not parse is a 400, and the
 * answer is one the grammar accepts. A recursive grammar is refused (the PFA format needs none).
 */
export class GbnfError extends Error {
  override name = 'GbnfError';
}

type Tok = { t: 'lit' | 'cls' | 'id' | 'op'; v: string };

function tokenize(src: string, rule: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new GbnfError(`rule ${rule}: unterminated string literal`);
        const d = src[i] as string;
        if (d === '"') break;
        if (d === '\\') {
          const e = src[i + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
          if (e === undefined || !(e in map)) throw new GbnfError(`rule ${rule}: unknown escape \\${e ?? ''}`);
          v += map[e];
          i += 2;
          continue;
        }
        v += d;
        i++;
      }
      i++;
      out.push({ t: 'lit', v });
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      let body = '';
      while (j < src.length && src[j] !== ']') {
        if (src[j] === '\\') {
          const e = src[j + 1];
          if (e === undefined) throw new GbnfError(`rule ${rule}: unterminated character class`);
          body += e === 'n' ? '\\n' : e === 't' ? '\\t' : e === 'r' ? '\\r' : `\\${e}`;
          j += 2;
          continue;
        }
        body += src[j];
        j++;
      }
      if (j >= src.length) throw new GbnfError(`rule ${rule}: unterminated character class`);
      out.push({ t: 'cls', v: body });
      i = j + 1;
      continue;
    }
    if ('()|*+?'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    const m = /^[a-zA-Z0-9-]+/.exec(src.slice(i));
    if (!m) throw new GbnfError(`rule ${rule}: unexpected character ${JSON.stringify(c)}`);
    out.push({ t: 'id', v: m[0] });
    i += m[0].length;
  }
  return out;
}

const reLit = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/\n/g, '\\n');

/** Compiles a GBNF grammar (root rule `root`) to a RegExp matching whole strings. Throws GbnfError. */
export function compileGbnf(grammar: string): RegExp {
  const rules = new Map<string, Tok[]>();
  let current: string | undefined;
  let buf = '';
  const flush = () => {
    if (current !== undefined) rules.set(current, tokenize(buf, current));
  };
  for (const line of grammar.split('\n')) {
    const l = line.replace(/#.*$/, '');
    const m = /^\s*([a-zA-Z0-9-]+)\s*::=(.*)$/.exec(l);
    if (m) {
      flush();
      current = m[1] as string;
      if (rules.has(current)) throw new GbnfError(`rule ${current} is defined twice`);
      buf = m[2] as string;
    } else if (l.trim() !== '') {
      if (current === undefined) throw new GbnfError(`expected "name ::= ..." at ${JSON.stringify(l.trim())}`);
      buf += ` ${l}`;
    }
  }
  flush();
  if (!rules.has('root')) throw new GbnfError('the grammar has no root rule');
  const compiled = new Map<string, string>();
  const stack: string[] = [];
  const compileRule = (name: string): string => {
    const done = compiled.get(name);
    if (done !== undefined) return done;
    const toks = rules.get(name);
    if (!toks) throw new GbnfError(`rule ${stack.at(-1) ?? 'root'} refers to undefined rule ${name}`);
    if (stack.includes(name)) throw new GbnfError(`rule ${name} is recursive (not supported by this peer)`);
    stack.push(name);
    let pos = 0;
    const alt = (): string => {
      const parts = [seq()];
      while (toks[pos]?.t === 'op' && toks[pos]?.v === '|') {
        pos++;
        parts.push(seq());
      }
      return parts.length === 1 ? (parts[0] as string) : parts.join('|');
    };
    const seq = (): string => {
      let s = '';
      for (;;) {
        const tk = toks[pos];
        if (!tk || (tk.t === 'op' && (tk.v === '|' || tk.v === ')'))) return s;
        let atom: string;
        if (tk.t === 'lit') atom = `(?:${reLit(tk.v)})`;
        else if (tk.t === 'cls') atom = `[${tk.v}]`;
        else if (tk.t === 'id') atom = `(?:${compileRule(tk.v)})`;
        else if (tk.v === '(') {
          pos++;
          atom = `(?:${alt()})`;
          if (toks[pos]?.v !== ')') throw new GbnfError(`rule ${name}: missing )`);
        } else throw new GbnfError(`rule ${name}: unexpected ${tk.v}`);
        pos++;
        const q = toks[pos];
        if (q?.t === 'op' && '*+?'.includes(q.v)) {
          atom += q.v;
          pos++;
        }
        s += atom;
      }
    };
    const body = alt();
    if (pos !== toks.length) throw new GbnfError(`rule ${name}: unexpected ${toks[pos]?.v}`);
    stack.pop();
    compiled.set(name, body);
    return body;
  };
  const src = compileRule('root');
  try {
    return new RegExp(`^(?:${src})$`, 'u');
  } catch (e) {
    throw new GbnfError(`the grammar does not compile: ${(e as Error).message}`);
  }
}
