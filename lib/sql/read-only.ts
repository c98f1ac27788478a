/**
 * The guard for the user's own checks (`--verify-sql`): one statement that only reads, decided from its text before
 * anything is sent. Deliberately narrow: it starts with SELECT, WITH, SHOW, DESC/DESCRIBE or EXPLAIN; it has no
 * second statement (a `;` outside quotes and comments, other than one at the end); and no word that makes a SELECT
 * write or lock (`INTO` as in SELECT ... INTO OUTFILE, `FOR UPDATE`), nor a comment (which could hide the rest from
 * this reading: StarRocks runs `/*+ ... *\/` hints and MySQL runs `/*! ... *\/`).
 */

export type ReadOnlyVerdict = { readonly ok: true; readonly statement: string } | { readonly ok: false; readonly problem: string };

const FIRST_WORDS = new Set(['SELECT', 'WITH', 'SHOW', 'DESC', 'DESCRIBE', 'EXPLAIN']);
const WRITE_WORDS = new Set(['INTO', 'UPDATE', 'INSERT', 'DELETE', 'DROP', 'ALTER', 'CREATE', 'TRUNCATE', 'GRANT', 'REVOKE', 'SET', 'KILL', 'ADMIN', 'LOAD', 'SUBMIT', 'CALL']);

/** Words outside string literals and quoted identifiers, and whether a comment or a second statement appears. */
function scan(text: string): { words: string[]; problem?: string; body: string } {
  const words: string[] = [];
  let word = '';
  let i = 0;
  let end = text.length;
  const flush = () => {
    if (word) words.push(word.toUpperCase());
    word = '';
  };
  while (i < end) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      flush();
      let j = i + 1;
      while (j < end && text[j] !== c) j += text[j] === '\\' && c !== '`' ? 2 : 1;
      if (j >= end) return { words, problem: `an unterminated ${c === '`' ? 'quoted identifier' : 'string'}`, body: text };
      i = j + 1;
      continue;
    }
    if ((c === '-' && text[i + 1] === '-') || c === '#' || (c === '/' && text[i + 1] === '*')) {
      return { words, problem: 'a comment (it could hide part of the statement)', body: text };
    }
    if (c === ';') {
      if (text.slice(i + 1).trim() !== '') return { words, problem: 'more than one statement', body: text };
      end = i;
      break;
    }
    if (/[A-Za-z0-9_$]/.test(c)) word += c;
    else flush();
    i++;
  }
  flush();
  return { words, body: text.slice(0, end).trim() };
}

export function readOnlyStatement(text: string): ReadOnlyVerdict {
  const { words, problem, body } = scan(text.trim());
  if (problem) return { ok: false, problem };
  if (words.length === 0) return { ok: false, problem: 'an empty statement' };
  if (!FIRST_WORDS.has(words[0])) return { ok: false, problem: `it starts with ${words[0]}, not SELECT, WITH, SHOW, DESC or EXPLAIN` };
  const writer = words.find((w) => WRITE_WORDS.has(w));
  if (writer) return { ok: false, problem: `it contains ${writer}, which may write or lock` };
  return { ok: true, statement: body };
}
