/** JSON patch (RFC 6902): add, remove, replace, move, copy, test. The default patch type of client-node's typed APIs. */
import { badRequest, ApiStatusError } from '../http/status';
import { clone, deepEqual } from '../json';

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw badRequest(`invalid JSON pointer: ${p}`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: any, tokens: string[], op: string): [any, string] {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(t)] : cur?.[t];
    if (cur === undefined || cur === null) throw new ApiStatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${op}: missing path`);
  }
  return [cur, tokens[tokens.length - 1]];
}

function getAt(doc: any, tokens: string[]): any {
  let cur = doc;
  for (const t of tokens) cur = Array.isArray(cur) ? cur[Number(t)] : cur?.[t];
  return cur;
}

export function jsonPatch(target: any, ops: any): any {
  if (!Array.isArray(ops)) throw badRequest('json patch must be an array of operations');
  let doc = clone(target);
  for (const op of ops) {
    const path = parsePointer(String(op.path ?? ''));
    const write = (tokens: string[], value: any, insert: boolean) => {
      if (!tokens.length) {
        doc = value;
        return;
      }
      const [parent, key] = parentOf(doc, tokens, op.op);
      if (Array.isArray(parent)) {
        const i = key === '-' ? parent.length : Number(key);
        if (insert) parent.splice(i, 0, value);
        else parent[i] = value;
      } else parent[key] = value;
    };
    const remove = (tokens: string[]) => {
      const [parent, key] = parentOf(doc, tokens, op.op);
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else {
        if (!(key in parent)) throw new ApiStatusError(422, 'Invalid', `the server rejected our request due to an error in our request: remove: missing path ${op.path}`);
        delete parent[key];
      }
    };
    switch (op.op) {
      case 'add':
        write(path, clone(op.value), true);
        break;
      case 'replace':
        if (getAt(doc, path) === undefined) throw new ApiStatusError(422, 'Invalid', `the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: ${op.path}`);
        write(path, clone(op.value), false);
        break;
      case 'remove':
        remove(path);
        break;
      case 'move': {
        const from = parsePointer(op.from);
        const v = getAt(doc, from);
        remove(from);
        write(path, v, true);
        break;
      }
      case 'copy':
        write(path, clone(getAt(doc, parsePointer(op.from))), true);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, path), op.value)) throw new ApiStatusError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${op.path} failed`);
        break;
      default:
        throw badRequest(`unknown json patch op: ${op.op}`);
    }
  }
  return doc;
}
